import { BadRequestException, HttpException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ConflictError, DomainError, ValidationError } from '@zjp/core';
import { mapError } from './error-mapping';

describe('mapError', () => {
  it('keeps a domain error code and picks the status from its kind', () => {
    expect(mapError(new ConflictError('LOT_CLOSED', 'The lot is closed'))).toEqual({ status: 409, body: { code: 'LOT_CLOSED', message: 'The lot is closed' }, internal: false });
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
    expect(mapError(Object.assign(new Error('x'), { driverError: { code: '53300' } })).status).toBe(500);
  });
});
