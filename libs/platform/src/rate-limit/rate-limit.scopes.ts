import { normalizeIp } from '@nestjs/throttler';
import type { AppConfig, RateSetting } from '../config/app-config';
import { PRINCIPAL_KEY } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/roles';

/** The HTTP limits a route can declare with @RateLimit; `scope` is also what a 429 names in `details.scope`. */
export const HTTP_RATE_LIMIT_SCOPES = ['login-account', 'login-address', 'refresh-address', 'registration-user', 'bid-user', 'upload-user'] as const;
export type HttpRateLimitScope = (typeof HTTP_RATE_LIMIT_SCOPES)[number];

/** Socket limits, applied by the gateway itself (no Nest pipeline on the bidding hot path). */
export type SocketRateLimitScope = 'bid-connection' | 'socket-bid-user';

export interface RequestLike {
  ip?: string;
  body?: unknown;
  [key: string]: unknown;
}

/** The same normalisation as the sign-in query (lower(email) = trimmed lower-case input). */
export function normaliseEmail(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim().toLowerCase() : undefined;
}

/** The client's address as Express resolved it through the trusted proxies; IPv6 by /64, as one host holds a whole /64. */
export function addressOf(req: RequestLike): string | undefined {
  return req.ip ? normalizeIp(req.ip) : undefined;
}

interface ScopeDefinition {
  setting: (config: AppConfig) => RateSetting;
  /** Whom the limit counts; undefined: nothing to count by (e.g. no email: the validation answers 400). */
  track: (req: RequestLike) => string | undefined;
}

const userOf = (req: RequestLike) => (req[PRINCIPAL_KEY] as Principal | undefined)?.userId;

export const HTTP_SCOPE_DEFINITIONS: Readonly<Record<HttpRateLimitScope, ScopeDefinition>> = {
  'login-account': { setting: (c) => c.RATE_LIMIT_LOGIN_PER_ACCOUNT, track: (req) => normaliseEmail((req.body as { email?: unknown } | undefined)?.email) },
  'login-address': { setting: (c) => c.RATE_LIMIT_LOGIN_PER_ADDRESS, track: addressOf },
  'refresh-address': { setting: (c) => c.RATE_LIMIT_REFRESH_PER_ADDRESS, track: addressOf },
  'registration-user': { setting: (c) => c.RATE_LIMIT_REGISTRATION_PER_USER, track: userOf },
  'bid-user': { setting: (c) => c.RATE_LIMIT_HTTP_BID_PER_USER, track: userOf },
  'upload-user': { setting: (c) => c.RATE_LIMIT_UPLOAD_PER_USER, track: userOf },
};
