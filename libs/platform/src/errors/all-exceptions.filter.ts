import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Socket } from 'socket.io';
import { mapError } from './error-mapping';

/**
 * The single exception filter: HTTP responses and socket.io acknowledgements carry the same
 * `{ code, message, details? }` body.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const mapped = mapError(exception);
    if (mapped.internal) {
      this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    } else if (mapped.status === 503) {
      this.logger.warn(`dependency unavailable: ${exception instanceof Error ? exception.message : String(exception)}`);
    }
    if (host.getType() === 'ws') {
      const ws = host.switchToWs();
      const args = host.getArgs<unknown[]>();
      const ack = args.find((a, i) => i > 0 && typeof a === 'function') as ((r: unknown) => void) | undefined;
      const reply = { ok: false, error: mapped.body };
      if (ack) ack(reply);
      else ws.getClient<Socket>().emit('error', mapped.body);
      return;
    }
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request & { id?: string }>();
    if (res.headersSent) return;
    const retryAfter = (mapped.body.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    const body = mapped.internal && req?.id ? { ...mapped.body, details: { requestId: req.id } } : mapped.body;
    res.status(mapped.status).json(body);
  }
}
