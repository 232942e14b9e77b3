import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Socket } from 'socket.io';
import { Metrics } from '../metrics/metrics';
import { localizeErrorBody, mapError } from './error-mapping';
import { prefersEnglish } from './error-messages';

/**
 * The single exception filter: HTTP responses and socket.io acknowledgements carry the same
 * `{ code, message, details?, requestId }` body. The request id is the one pino-http gave the
 * request (X-Request-Id; its log lines carry it as `req.id`), or a new one for a socket event, and
 * the error's own log line names it, so a user quoting it leads to the log. The message is in Chinese
 * unless the request (or the socket's handshake) prefers English by Accept-Language.
 */
/**
 * The web application's page (its index.html), when the API serves one: a browser that navigates
 * to a path that is neither a page nor an API route gets the app's own "page not found" (status 404)
 * instead of a JSON body. Set by the API's web-app module; unset, every answer is JSON.
 */
let htmlNotFoundPage: string | undefined;
export function setHtmlNotFoundPage(indexHtmlPath: string | undefined): void {
  htmlNotFoundPage = indexHtmlPath;
}

/** A browser's navigation (GET, asking for HTML), as opposed to an API client's request. */
function isPageNavigation(req: Request | undefined): boolean {
  return !!req && (req.method === 'GET' || req.method === 'HEAD') && String(req.headers.accept ?? '').includes('text/html');
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Optional() private readonly metrics?: Metrics) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const mapped = mapError(exception);
    const isWs = host.getType() === 'ws';
    const req = isWs ? undefined : host.switchToHttp().getRequest<Request & { id?: string }>();
    const requestId = typeof req?.id === 'string' ? req.id : randomUUID();
    logMappedError(this.logger, mapped, exception, requestId);
    this.metrics?.errorAnswers.inc({ transport: isWs ? 'socket' : 'http', code: mapped.body.code });
    const language = isWs ? host.switchToWs().getClient<Socket>().handshake?.headers?.['accept-language'] : req?.headers?.['accept-language'];
    const body = { ...localizeErrorBody(mapped.body, prefersEnglish(language)), requestId };
    if (isWs) {
      const ws = host.switchToWs();
      const args = host.getArgs<unknown[]>();
      const ack = args.findLast((a, i) => i > 0 && typeof a === 'function') as ((r: unknown) => void) | undefined;
      if (ack) ack({ ok: false, error: body });
      else ws.getClient<Socket>().emit('error', body);
      return;
    }
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    // a body the parser refused never reached pino-http: the id made here is the request's id
    if (!res.getHeader('X-Request-Id')) res.setHeader('X-Request-Id', requestId);
    const retryAfter = (mapped.body.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    if (mapped.status === 404 && mapped.body.code === 'NOT_FOUND' && htmlNotFoundPage && isPageNavigation(req)) {
      res
        .status(404)
        .type('html')
        .sendFile(htmlNotFoundPage, (err) => err && !res.headersSent && res.status(404).json(body));
      return;
    }
    res.status(mapped.status).json(body);
  }
}

/** The log line of an error answer: unexpected errors with their stack, outages as warnings; both name the request. */
export function logMappedError(logger: Logger, mapped: ReturnType<typeof mapError>, exception: unknown, requestId: string): void {
  if (mapped.internal) {
    logger.error(
      { requestId, err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception) },
      `internal error (request ${requestId})`,
    );
  } else if (mapped.status === 503) {
    logger.warn({ requestId }, `dependency unavailable (request ${requestId}): ${exception instanceof Error ? exception.message : String(exception)}`);
  }
}
