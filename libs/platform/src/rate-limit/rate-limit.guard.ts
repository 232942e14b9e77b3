import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerRequest } from '@nestjs/throttler';
import { RateLimitedError } from '@zjp/core';

/** Thrown inside the throttler's own code, turned into RateLimitedError where the throttler's name is known. */
class Limited {
  constructor(readonly retryAfterSeconds: number) {}
}

/**
 * @nestjs/throttler's guard, answering in the project's error shape: 429 `RATE_LIMITED` with
 * `details: { retryAfterSeconds, scope }` (the exception filter adds `Retry-After`). Which limits
 * a route has is declared with @RateLimit (each configured throttler skips the routes that do not
 * name it, see RateLimitModule); it runs after the access guard, so per-user limits see the principal.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    try {
      return await super.handleRequest(request);
    } catch (err) {
      if (!(err instanceof Limited)) throw err;
      throw new RateLimitedError('RATE_LIMITED', 'Too many requests; wait before trying again', {
        retryAfterSeconds: err.retryAfterSeconds,
        scope: request.throttler.name,
      });
    }
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    return Promise.reject(new Limited(Math.max(1, detail.timeToBlockExpire)));
  }
}
