/**
 * Domain errors carry a stable machine `code` (SCREAMING_SNAKE) that clients may switch on, and a
 * `kind` from which the one exception filter picks the HTTP status (ARCHITECTURE invariant 7:
 * bad input gets a clear 4xx with a machine-readable code, never a 500).
 */
export type ErrorKind =
  'validation' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable' | 'unsupported_media_type' | 'rate_limited' | 'unavailable';

export const HTTP_STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = Object.freeze({
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
});

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
  /** the request's id (HTTP: X-Request-Id; socket events: one per failed event), also in the log lines about it */
  requestId?: string;
}

export interface DomainErrorOptions {
  /** Defaults to 'unprocessable': a well-formed request that a business rule refuses. */
  kind?: ErrorKind;
  details?: unknown;
  cause?: unknown;
}

const CODE_PATTERN = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly details?: unknown;

  constructor(
    readonly code: string,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Codes are part of the API contract; a malformed one is a programming error, caught in tests.
    if (!CODE_PATTERN.test(code)) throw new TypeError(`Error code must be SCREAMING_SNAKE: ${code}`);
    this.name = new.target.name;
    this.kind = options.kind ?? 'unprocessable';
    if (options.details !== undefined) this.details = options.details;
  }
}

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export class ValidationError extends DomainError {
  declare readonly details: readonly FieldError[];

  constructor(details: readonly FieldError[]) {
    const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
    super('VALIDATION_FAILED', summary ? `Validation failed: ${summary}` : 'Validation failed', {
      kind: 'validation',
      details,
    });
  }
}

export class NotFoundError extends DomainError {
  constructor(code = 'NOT_FOUND', message = 'Not found', details?: unknown) {
    super(code, message, { kind: 'not_found', details });
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, { kind: 'conflict', details });
  }
}

export class ForbiddenError extends DomainError {
  constructor(code = 'FORBIDDEN', message = 'Forbidden', details?: unknown) {
    super(code, message, { kind: 'forbidden', details });
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(code = 'UNAUTHENTICATED', message = 'Authentication required', details?: unknown) {
    super(code, message, { kind: 'unauthenticated', details });
  }
}

export class RateLimitedError extends DomainError {
  constructor(code = 'RATE_LIMITED', message = 'Too many requests', details?: unknown) {
    super(code, message, { kind: 'rate_limited', details });
  }
}

/**
 * A dependency (PostgreSQL, Redis) cannot be reached: nothing was done, and the same request may be
 * sent again after `retryAfterSeconds` (bids with the same idempotency key: the first answer wins).
 */
export class ServiceUnavailableError extends DomainError {
  constructor(
    readonly retryAfterSeconds = 2,
    cause?: unknown,
  ) {
    super('SERVICE_UNAVAILABLE', 'The service is briefly unavailable; send the same request again shortly', {
      kind: 'unavailable',
      details: { retryAfterSeconds },
      cause,
    });
  }
}

/** 500 for anything that is not a DomainError: an unexpected error is our bug, not the caller's. */
export function httpStatusOf(err: unknown): number {
  return err instanceof DomainError ? HTTP_STATUS_BY_KIND[err.kind] : 500;
}

/** Unknown errors get a generic body so that internals (SQL, stack traces) never reach a client. */
export function toErrorBody(err: unknown): ErrorBody {
  if (!(err instanceof DomainError)) return { code: 'INTERNAL_ERROR', message: 'Internal server error' };
  const body: ErrorBody = { code: err.code, message: err.message };
  if (err.details !== undefined) body.details = err.details;
  return body;
}
