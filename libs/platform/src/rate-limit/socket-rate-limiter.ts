import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { RateLimitedError } from '@zjp/core';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import type { SocketRateLimitScope } from './rate-limit.scopes';
import { SharedWindowCounter } from './shared-window-counter';
import { TokenBucket } from './token-bucket';

function limited(scope: SocketRateLimitScope, waitMs: number): RateLimitedError {
  return new RateLimitedError('RATE_LIMITED', 'Too many bids; wait before bidding again', { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), scope });
}

/**
 * The limits of `lot.bid` on sockets, cheap enough for the bidding hot path: a token bucket per
 * connection (RATE_LIMIT_SOCKET_BID_PER_CONNECTION, in memory) and a window per user across
 * connections and API processes (RATE_LIMIT_SOCKET_BID_PER_USER, counted locally and sent to
 * Redis in batches).
 */
@Injectable()
export class SocketRateLimiter implements OnApplicationShutdown {
  private readonly buckets = new WeakMap<object, TokenBucket>();
  private readonly perUser: SharedWindowCounter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    redis: RedisConnectionFactory,
  ) {
    const { limit, windowSeconds } = config.RATE_LIMIT_SOCKET_BID_PER_USER;
    this.perUser = new SharedWindowCounter(redis.client(), { prefix: `${redis.prefix}rl:socket-bid-user:`, limit, windowMs: windowSeconds * 1000 });
  }

  /** Throws RateLimitedError (the ack's `{ code: 'RATE_LIMITED', details: { retryAfterSeconds, scope } }`) when the bid is over a limit. */
  checkBid(connection: object, userId: string, now = Date.now()): void {
    let bucket = this.buckets.get(connection);
    if (!bucket) {
      const { limit, windowSeconds } = this.config.RATE_LIMIT_SOCKET_BID_PER_CONNECTION;
      bucket = new TokenBucket(limit, windowSeconds * 1000, now);
      this.buckets.set(connection, bucket);
    }
    const wait = bucket.take(now);
    if (wait > 0) throw limited('bid-connection', wait);
    const userWait = this.perUser.take(userId, now);
    if (userWait > 0) throw limited('socket-bid-user', userWait);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.perUser.flush();
    this.perUser.close();
  }
}
