import { Injectable, NestMiddleware } from '@nestjs/common';
import { DomainError } from '@zjp/core';
import type { NextFunction, Request, Response } from 'express';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const MUST_HAVE_BODY = new Set(['PUT', 'PATCH']);
/** The routes that take a file: the handler itself insists on multipart/form-data, after authentication (POST /registry-imports). */
const UPLOAD_ROUTES: readonly { method: string; path: RegExp }[] = [{ method: 'POST', path: /^\/registry-imports\/?$/ }];

function sentBytes(req: Request): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  return length > 0 || (req.headers['transfer-encoding'] !== undefined && req.headers['content-type'] !== undefined);
}

/**
 * Every body this API takes is JSON. A body of another type (text/plain, a form, bytes without a
 * type) would reach the handler as "no body" and be taken as an empty change: it is refused with
 * 415 instead, and a PUT or PATCH without any body is 400 BODY_REQUIRED (`{}` is an explicit empty patch).
 * Runs after the JSON parser, so `req.body` tells whether JSON came.
 */
@Injectable()
export class RequestBodyMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    if (UPLOAD_ROUTES.some((r) => r.method === req.method && r.path.test(req.path))) {
      // no JSON here: the route's MultipartOnly interceptor answers 415 for anything but a form
    } else if (WITH_BODY.has(req.method)) {
      if (sentBytes(req) && !req.is(['application/json', 'application/*+json'])) {
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Send the body as application/json (got ${req.headers['content-type'] ?? 'no content type'})`, {
          kind: 'unsupported_media_type',
        });
      }
      if (MUST_HAVE_BODY.has(req.method) && req.body === undefined) {
        throw new DomainError('BODY_REQUIRED', `${req.method} needs a JSON body`, { kind: 'validation' });
      }
    }
    next();
  }
}
