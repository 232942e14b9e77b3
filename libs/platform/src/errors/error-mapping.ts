import { HttpException } from '@nestjs/common';
import { DomainError, ErrorBody, HTTP_STATUS_BY_KIND, ServiceUnavailableError, toErrorBody } from '@zjp/core';
import { detailMessageZh, ERROR_MESSAGES } from './error-messages';

export interface MappedError {
  status: number;
  body: ErrorBody;
  /** true when the server is at fault: logged as an error, details hidden from the client */
  internal: boolean;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** PostgreSQL errors that bad input can still provoke are the client's fault, not a 500. */
function mapDatabaseError(err: PgError): MappedError | undefined {
  switch (err.code) {
    case '23505':
      return {
        status: 409,
        body: { code: 'DUPLICATE', message: 'A record with the same unique value already exists', details: { constraint: err.constraint } },
        internal: false,
      };
    case '23503':
      return {
        status: 409,
        body: { code: 'REFERENCE_CONFLICT', message: 'The record refers to, or is referred to by, another record', details: { constraint: err.constraint } },
        internal: false,
      };
    case '22P02':
    case '22021': // invalid byte sequence (e.g. U+0000), should the edge have missed one
    case '22P05': // untranslatable character
    case '22003':
    case '22007':
    case '22008':
      return { status: 400, body: { code: 'INVALID_INPUT', message: 'A value has an invalid format or is out of range' }, internal: false };
    case '40001':
    case '40P01':
      return { status: 409, body: { code: 'CONCURRENT_UPDATE', message: 'A concurrent change won; retry the request' }, internal: false };
    default:
      return undefined;
  }
}

/** Socket-level failures of a connection to PostgreSQL or Redis (Node's error codes). */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** PostgreSQL: connection exceptions (08…), shutting down or starting (57P01–57P03), too many connections (53300). */
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
/** What node-postgres, TypeORM's pool and ioredis/BullMQ say when the server went away. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|Stream isn't writeable|Reached the max retries per request limit|Cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery mode)/;

/**
 * True when a dependency could not be reached, so nothing was done and the same request may be sent
 * again: an outage, not a bug (503 SERVICE_UNAVAILABLE with Retry-After, not 500).
 */
export function isDependencyOutage(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    const next = e as { driverError?: unknown; cause?: unknown; errors?: unknown[] };
    e = next.driverError ?? next.cause ?? (Array.isArray(next.errors) ? next.errors[0] : undefined);
  }
  return false;
}

/** One mapping from anything thrown to the `{ code, message, details? }` shape, for HTTP and socket.io. */
export function mapError(err: unknown): MappedError {
  if (err instanceof DomainError) {
    return { status: HTTP_STATUS_BY_KIND[err.kind], body: toErrorBody(err), internal: false };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    const fromResponse = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
    const cause = err.cause as { type?: string } | undefined;
    if (cause?.type === 'entity.parse.failed') {
      return { status: 400, body: { code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' }, internal: false };
    }
    if (cause instanceof URIError) {
      return { status: 400, body: { code: 'MALFORMED_URL', message: 'The request path is not validly encoded' }, internal: false };
    }
    const code = typeof fromResponse.code === 'string' ? fromResponse.code : (CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'));
    const message = typeof fromResponse.message === 'string' ? fromResponse.message : err.message;
    return {
      status,
      body: fromResponse.details === undefined ? { code, message } : { code, message, details: fromResponse.details },
      internal: status === 500,
    };
  }
  const db = err as PgError & { name?: string; driverError?: PgError };
  const pg = db?.driverError ?? db;
  if (pg && typeof pg.code === 'string') {
    const mapped = mapDatabaseError(pg);
    if (mapped) return mapped;
  }
  if (isDependencyOutage(err)) {
    const unavailable = new ServiceUnavailableError();
    return { status: 503, body: toErrorBody(unavailable), internal: false };
  }
  return { status: 500, body: { code: 'INTERNAL_ERROR', message: 'Internal server error' }, internal: true };
}

/**
 * The body in the client's language: Chinese by default (the code's text, and each validation
 * detail's), English as the error said it when the client prefers English. Code and details stay.
 */
export function localizeErrorBody(body: ErrorBody, english: boolean): ErrorBody {
  if (english) return body;
  const localized: ErrorBody = { ...body, message: ERROR_MESSAGES[body.code]?.zh ?? '请求未能完成' };
  if (Array.isArray(body.details)) {
    localized.details = (body.details as unknown[]).map((d) => {
      if (!d || typeof d !== 'object' || typeof (d as { message?: unknown }).message !== 'string') return d;
      const { field, code } = d as { field?: unknown; code?: unknown };
      return { ...d, message: detailMessageZh(typeof field === 'string' ? field : '', typeof code === 'string' ? code : '') };
    });
  }
  return localized;
}
