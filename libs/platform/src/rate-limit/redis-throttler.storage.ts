import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';

/** What @nestjs/throttler expects back from a storage: times in seconds. */
export interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * One atomic step of a fixed-window counter with a block, in Redis so that every API process
 * counts into the same window. KEYS[1] the hit counter, KEYS[2] the block flag; ARGV: window ms,
 * limit, block ms. Returns { hits, ms until the window ends, blocked (0/1), ms until the block ends }.
 * While blocked, attempts are still counted but do not extend the block.
 */
const INCREMENT_LUA = `
local blockTtl = redis.call('PTTL', KEYS[2])
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if blockTtl > 0 then
  return { hits, ttl, 1, blockTtl }
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return { hits, ttl, 1, tonumber(ARGV[3]) }
end
return { hits, ttl, 0, 0 }
`;

type ThrottleCommand = Redis & {
  zjpThrottle(counterKey: string, blockKey: string, windowMs: number, limit: number, blockMs: number): Promise<[number, number, number, number]>;
};

/** Registers the script once per connection (ioredis sends EVALSHA, and EVAL when Redis lost the script). */
export function withThrottleCommand(redis: Redis): ThrottleCommand {
  const command = redis as ThrottleCommand;
  if (typeof command.zjpThrottle !== 'function') redis.defineCommand('zjpThrottle', { numberOfKeys: 2, lua: INCREMENT_LUA });
  return command;
}

/**
 * @nestjs/throttler's storage in Redis, shared by every API process (an in-memory storage would
 * give each replica its own count, multiplying the limit by the number of replicas). Keys live
 * under REDIS_PREFIX: `<prefix>rl:<throttler>:<key>` and `…:block`.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly redis: ThrottleCommand;
  private readonly prefix: string;

  constructor(redis: RedisConnectionFactory) {
    this.redis = withThrottleCommand(redis.client());
    this.prefix = `${redis.prefix}rl:`;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const counter = `${this.prefix}${throttlerName}:${key}`;
    const [hits, windowMs, blocked, blockMs] = await this.redis.zjpThrottle(
      counter,
      `${counter}:block`,
      Math.max(1, Math.round(ttl)),
      limit,
      Math.max(1, Math.round(blockDuration)),
    );
    return { totalHits: hits, timeToExpire: Math.ceil(windowMs / 1000), isBlocked: blocked === 1, timeToBlockExpire: Math.ceil(blockMs / 1000) };
  }
}
