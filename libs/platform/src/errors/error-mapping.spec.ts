import { BadRequestException, HttpException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ConflictError, DomainError, ValidationError } from '@zjp/core';
import { mapError } from './error-mapping';

describe('mapError', () => {
  it('keeps a domain error code and picks the status from its kind', () => {
    expect(mapError(new ConflictError('LOT_CLOSED', 'The lot is closed'))).toEqual({
      status: 409,
      body: { code: 'LOT_CLOSED', message: 'The lot is closed' },
      internal: false,
    });
    const v = mapError(new ValidationError([{ field: 'amount', code: 'min', message: 'too low' }]));
    expect(v.status).toBe(400);
    expect(v.body.details).toEqual([{ field: 'amount', code: 'min', message: 'too low' }]);
    expect(mapError(new DomainError('BID_TOO_LOW', 'x')).status).toBe(422);
  });

  it.each([
    [new NotFoundException(), 404, 'NOT_FOUND'],
    [new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE'],
    [new HttpException('slow down', 429), 429, 'RATE_LIMITED'],
    [new BadRequestException('x', { cause: Object.assign(new SyntaxError('bad'), { type: 'entity.parse.failed' }) }), 400, 'MALFORMED_JSON'],
    [new BadRequestException('x', { cause: new URIError('bad') }), 400, 'MALFORMED_URL'],
  ])('maps %s to %i %s', (err, status, code) => {
    const mapped = mapError(err);
    expect(mapped.status).toBe(status);
    expect(mapped.body.code).toBe(code);
    expect(mapped.internal).toBe(false);
  });

  it.each([
    ['23505', 409, 'DUPLICATE'],
    ['23503', 409, 'REFERENCE_CONFLICT'],
    ['22P02', 400, 'INVALID_INPUT'],
    ['40P01', 409, 'CONCURRENT_UPDATE'],
  ])('maps PostgreSQL error %s that bad input can cause to %i %s', (pgCode, status, code) => {
    const err = Object.assign(new Error('query failed'), { driverError: { code: pgCode, constraint: 'c' } });
    expect(mapError(err)).toMatchObject({ status, body: { code }, internal: false });
  });

  it('hides anything unexpected behind a generic 500 without internals', () => {
    const mapped = mapError(new Error('connection string postgres://secret@db'));
    expect(mapped).toEqual({ status: 500, body: { code: 'INTERNAL_ERROR', message: 'Internal server error' }, internal: true });
    expect(mapError(Object.assign(new Error('x'), { driverError: { code: 'XX000' } })).status).toBe(500);
    expect(mapError(new TypeError("Cannot read properties of null (reading 'includes')")).status).toBe(500);
  });

  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    [
      'a refused connection inside TypeORM',
      Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }),
    ],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
    ['PostgreSQL shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['too many connections', Object.assign(new Error('x'), { driverError: { code: '53300' } })],
    ['a connection exception', Object.assign(new Error('x'), { code: '08006' })],
    ['Redis gone (ioredis)', new Error('Connection is closed.')],
    ['Redis retries exhausted', Object.assign(new Error('Reached the max retries per request limit (which is 20).'), { name: 'MaxRetriesPerRequestError' })],
    ['an AggregateError of refused addresses', Object.assign(new AggregateError([new Error('a'), new Error('b')], ''), { code: 'ECONNREFUSED' })],
  ])('answers %s with a retryable 503 SERVICE_UNAVAILABLE', (_name, err) => {
    expect(mapError(err)).toEqual({
      status: 503,
      body: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String), details: { retryAfterSeconds: expect.any(Number) } },
      internal: false,
    });
  });
});
