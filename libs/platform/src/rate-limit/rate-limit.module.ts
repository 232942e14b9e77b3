import { ExecutionContext, Module } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { RATE_LIMIT_METADATA } from './rate-limit.decorator';
import { HTTP_RATE_LIMIT_SCOPES, HTTP_SCOPE_DEFINITIONS, type HttpRateLimitScope, type RequestLike } from './rate-limit.scopes';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { SocketRateLimiter } from './socket-rate-limiter';

const requestOf = (context: ExecutionContext) => context.switchToHttp().getRequest<RequestLike>();

function declaredScopes(context: ExecutionContext): readonly HttpRateLimitScope[] {
  return (Reflect.getMetadata(RATE_LIMIT_METADATA, context.getHandler()) ??
    Reflect.getMetadata(RATE_LIMIT_METADATA, context.getClass()) ??
    []) as HttpRateLimitScope[];
}

/** One throttler per scope, each counting only on the routes that declare it with @RateLimit. */
export function throttlerOptions(config: AppConfig, storage: RedisThrottlerStorage): ThrottlerModuleOptions {
  return {
    storage,
    setHeaders: false, // Retry-After comes with the 429 (from details.retryAfterSeconds); no X-RateLimit-* per scope
    throttlers: HTTP_RATE_LIMIT_SCOPES.map((name) => {
      const { setting, track } = HTTP_SCOPE_DEFINITIONS[name];
      const { limit, windowSeconds } = setting(config);
      return {
        name,
        limit,
        ttl: windowSeconds * 1000,
        blockDuration: windowSeconds * 1000,
        skipIf: (context: ExecutionContext) => !declaredScopes(context).includes(name) || track(requestOf(context)) === undefined,
        getTracker: (req: Record<string, unknown>) => track(req as RequestLike) ?? '',
        // keyed by scope and whom it counts, not by route: a scope on several routes is one limit
        generateKey: (_context: ExecutionContext, tracker: string) => createHash('sha256').update(tracker).digest('base64url'),
      };
    }),
  };
}

/**
 * Rate limits: the @RateLimit guard's throttlers with their counts in Redis (every API process
 * shares them), and the socket limiter of `lot.bid`. Imported by the modules whose routes declare
 * limits; needs the global config and RedisModule.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, RedisConnectionFactory],
      useFactory: (config: AppConfig, redis: RedisConnectionFactory) => throttlerOptions(config, new RedisThrottlerStorage(redis)),
    }),
  ],
  providers: [SocketRateLimiter],
  exports: [SocketRateLimiter],
})
export class RateLimitModule {}
