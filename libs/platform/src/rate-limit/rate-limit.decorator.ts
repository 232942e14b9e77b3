import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard';
import type { HttpRateLimitScope } from './rate-limit.scopes';

export const RATE_LIMIT_METADATA = 'zjp:rate-limit';

/**
 * Limits a route by the named scopes (each one a RATE_LIMIT_* setting, counted in Redis across
 * every API process): e.g. `@RateLimit('login-account', 'login-address')`. Over a limit the
 * answer is 429 RATE_LIMITED with Retry-After; the route's handler does not run.
 */
export const RateLimit = (...scopes: [HttpRateLimitScope, ...HttpRateLimitScope[]]) =>
  applyDecorators(SetMetadata(RATE_LIMIT_METADATA, scopes), UseGuards(RateLimitGuard));
