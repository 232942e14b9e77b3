import {
  ConflictError,
  DomainError,
  type ErrorKind,
  ForbiddenError,
  HTTP_STATUS_BY_KIND,
  ServiceUnavailableError,
  httpStatusOf,
  NotFoundError,
  RateLimitedError,
  toErrorBody,
  UnauthenticatedError,
  ValidationError,
} from './errors';

describe('DomainError', () => {
  it('carries code, message, kind and details', () => {
    const err = new DomainError('BID_TOO_LOW', 'Bid is below the minimum', { kind: 'unprocessable', details: { min: '100' } });
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: 'BID_TOO_LOW', message: 'Bid is below the minimum', kind: 'unprocessable', details: { min: '100' } });
    expect(err.name).toBe('DomainError');
  });

  it('defaults to unprocessable (422): a business rule refused a well-formed request', () => {
    expect(new DomainError('LOT_CLOSED', 'The lot is closed').kind).toBe('unprocessable');
  });

  it('keeps the cause', () => {
    const cause = new Error('underlying');
    expect(new DomainError('X_FAILED', 'x', { cause }).cause).toBe(cause);
  });

  it.each([['bid_too_low'], ['BidTooLow'], ['BID-TOO-LOW'], [''], ['_BID'], ['BID_']])('refuses the code %p', (code) => {
    expect(() => new DomainError(code, 'm')).toThrow(TypeError);
  });
});

describe('error subclasses', () => {
  it.each`
    make                                                       | name                      | code                   | kind                 | status
    ${() => new ValidationError([])}                           | ${'ValidationError'}      | ${'VALIDATION_FAILED'} | ${'validation'}      | ${400}
    ${() => new UnauthenticatedError()}                        | ${'UnauthenticatedError'} | ${'UNAUTHENTICATED'}   | ${'unauthenticated'} | ${401}
    ${() => new ForbiddenError()}                              | ${'ForbiddenError'}       | ${'FORBIDDEN'}         | ${'forbidden'}       | ${403}
    ${() => new NotFoundError()}                               | ${'NotFoundError'}        | ${'NOT_FOUND'}         | ${'not_found'}       | ${404}
    ${() => new NotFoundError('LOT_NOT_FOUND', 'No such lot')} | ${'NotFoundError'}        | ${'LOT_NOT_FOUND'}     | ${'not_found'}       | ${404}
    ${() => new ConflictError('LOT_CLOSED', 'Closed')}         | ${'ConflictError'}        | ${'LOT_CLOSED'}        | ${'conflict'}        | ${409}
    ${() => new DomainError('BID_TOO_LOW', 'Low')}             | ${'DomainError'}          | ${'BID_TOO_LOW'}       | ${'unprocessable'}   | ${422}
    ${() => new RateLimitedError()}                            | ${'RateLimitedError'}     | ${'RATE_LIMITED'}      | ${'rate_limited'}    | ${429}
  `('$name $code is a $kind error mapped to HTTP $status', ({ make, name, code, kind, status }) => {
    const err = make();
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ name, code, kind });
    expect(httpStatusOf(err)).toBe(status);
  });

  it('maps every kind to a 4xx status but a dependency outage, which is a retryable 503', () => {
    for (const kind of Object.keys(HTTP_STATUS_BY_KIND) as ErrorKind[]) {
      if (kind === 'unavailable') continue;
      expect(HTTP_STATUS_BY_KIND[kind]).toBeGreaterThanOrEqual(400);
      expect(HTTP_STATUS_BY_KIND[kind]).toBeLessThan(500);
    }
    expect(HTTP_STATUS_BY_KIND.unavailable).toBe(503);
  });

  it('tells when to retry after an outage', () => {
    const err = new ServiceUnavailableError(3);
    expect(toErrorBody(err)).toEqual({ code: 'SERVICE_UNAVAILABLE', message: expect.any(String), details: { retryAfterSeconds: 3 } });
    expect(httpStatusOf(err)).toBe(503);
  });

  it('names every failed field in a ValidationError', () => {
    const err = new ValidationError([
      { field: 'limit', code: 'INVALID_LIMIT', message: 'must be an integer' },
      { field: 'price', code: 'INVALID_MONEY', message: 'must be yuan' },
    ]);
    expect(err.message).toBe('Validation failed: limit: must be an integer; price: must be yuan');
    expect(err.details).toHaveLength(2);
  });
});

describe('toErrorBody', () => {
  it('gives code, message and details of a domain error', () => {
    const err = new ValidationError([{ field: 'limit', code: 'INVALID_LIMIT', message: 'must be an integer' }]);
    expect(toErrorBody(err)).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Validation failed: limit: must be an integer',
      details: [{ field: 'limit', code: 'INVALID_LIMIT', message: 'must be an integer' }],
    });
  });

  it('leaves details out when there are none', () => {
    const body = toErrorBody(new ConflictError('LOT_CLOSED', 'The lot is closed'));
    expect(body).toEqual({ code: 'LOT_CLOSED', message: 'The lot is closed' });
    expect(Object.keys(body)).not.toContain('details');
  });

  it.each([[new Error('relation "lots" does not exist')], [new TypeError('x is undefined')], ['a string'], [undefined]])(
    'hides the internals of a non-domain error %p behind INTERNAL_ERROR (500)',
    (err) => {
      expect(toErrorBody(err)).toEqual({ code: 'INTERNAL_ERROR', message: 'Internal server error' });
      expect(httpStatusOf(err)).toBe(500);
    },
  );
});
