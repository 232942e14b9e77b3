import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

interface Entry {
  window: number;
  /** counted here, not yet added in Redis */
  pending: number;
  /** the window's total in Redis (every process) when this process last flushed */
  known: number;
}

export interface SharedWindowCounterOptions {
  /** key prefix, e.g. `zjp:rl:socket-bid-user:` */
  prefix: string;
  limit: number;
  windowMs: number;
  /** how long counts wait before they go to Redis together */
  flushMs?: number;
}

/**
 * Adds each count to its key (INCRBY) and sets the key's expiry, for every key of a flush in one command:
 * KEYS the windows' keys, ARGV their counts then the expiry in ms; answers the totals in KEYS' order.
 * (A pipeline of INCRBY + PEXPIRE per key cost the API more garbage than anything else on the bidding
 * path: a command object, its arguments and its promise per key, a flush every 50 ms.) One script touches many
 * keys: on a Redis Cluster they would need one hash slot (a `{tag}` in the prefix); the platform runs one Redis.
 */
const ADD_WINDOW_COUNTS = `
local ttl = ARGV[#KEYS + 1]
local totals = {}
for i, key in ipairs(KEYS) do
  totals[i] = redis.call('INCRBY', key, ARGV[i])
  redis.call('PEXPIRE', key, ttl)
end
return totals`;

const KEYS_PER_COMMAND = 1000;

interface AddWindowCounts {
  zjpAddWindowCounts(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Promise<number[]>;
}

/**
 * A fixed-window limit per key (a user) shared by every API process, without a Redis round trip
 * on the hot path: a request is judged at once against the window's total as Redis last reported
 * it plus what this process counted since, and the counts go to Redis in one command (a script: INCRBY +
 * PEXPIRE per key) every `flushMs`. The shared total can therefore overshoot by what the other
 * processes accepted within one flush interval. When Redis is unreachable the counts wait, and
 * each process goes on limiting with what it knows.
 */
export class SharedWindowCounter {
  private readonly entries = new Map<string, Entry>();
  private readonly dirty = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private lastSweep = 0;
  private warned = false;
  private readonly flushMs: number;
  private readonly logger = new Logger(SharedWindowCounter.name);

  constructor(
    private readonly redis: Redis,
    private readonly options: SharedWindowCounterOptions,
  ) {
    this.flushMs = options.flushMs ?? 50;
    // ioredis sends it by its SHA (EVALSHA), and the script itself only when Redis does not know it yet
    if (!('zjpAddWindowCounts' in redis)) redis.defineCommand('zjpAddWindowCounts', { lua: ADD_WINDOW_COUNTS });
  }

  /** Counts one request for `key`: 0 when allowed, else the milliseconds until the window ends (nothing counted). */
  take(key: string, now = Date.now()): number {
    const { windowMs, limit } = this.options;
    const window = Math.floor(now / windowMs);
    let entry = this.entries.get(key);
    if (!entry || entry.window !== window) {
      entry = { window, pending: 0, known: 0 };
      this.entries.set(key, entry);
    }
    if (entry.known + entry.pending >= limit) return (window + 1) * windowMs - now;
    entry.pending++;
    this.dirty.add(key);
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
    return 0;
  }

  /** Sends the pending counts now (also on shutdown); resolves when Redis answered or failed. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing) await this.flushing;
    this.flushing = this.send().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private async send(): Promise<void> {
    this.sweep();
    const batch = [...this.dirty].flatMap((key) => {
      const entry = this.entries.get(key);
      return entry && entry.pending > 0 ? [{ key, entry, window: entry.window, sent: entry.pending }] : [];
    });
    this.dirty.clear();
    if (!batch.length) return;
    // one command per KEYS_PER_COMMAND keys (a script holds Redis while it runs: keep each one short)
    const slices = Array.from({ length: Math.ceil(batch.length / KEYS_PER_COMMAND) }, (_, i) => batch.slice(i * KEYS_PER_COMMAND, (i + 1) * KEYS_PER_COMMAND));
    const results = (
      await Promise.all(
        slices.map(async (slice): Promise<[Error | null, unknown][]> => {
          try {
            const keys = slice.map(({ key, window }) => `${this.options.prefix}${key}:${window}`);
            const totals = await (this.redis as Redis & AddWindowCounts).zjpAddWindowCounts(
              keys.length,
              ...keys,
              ...slice.map(({ sent }) => sent),
              this.options.windowMs * 2,
            );
            return slice.map((_, i) => [null, totals[i]]);
          } catch (err) {
            return slice.map(() => [err as Error, null]);
          }
        }),
      )
    ).flat();
    batch.forEach(({ key, entry, window, sent }, i) => {
      const [err, total] = results[i] ?? [new Error('no reply'), null];
      if (err || typeof total !== 'number') {
        // kept: sent with the next flush, and still counted here meanwhile
        this.dirty.add(key);
        if (!this.warned) this.logger.warn(`rate-limit counts not sent to Redis, kept for the next flush: ${err?.message ?? 'no reply'}`);
        this.warned = true;
        return;
      }
      this.warned = false;
      if (entry.window !== window || this.entries.get(key) !== entry) return; // the window moved on meanwhile
      entry.pending -= sent;
      entry.known = total;
    });
    if (this.dirty.size) this.timer ??= setTimeout(() => void this.flush(), Math.max(this.flushMs, 500)).unref();
  }

  /** Forgets windows that have ended (their counts were sent or are no longer needed). */
  private sweep(now = Date.now()): void {
    if (now - this.lastSweep < this.options.windowMs) return;
    this.lastSweep = now;
    const current = Math.floor(now / this.options.windowMs);
    for (const [key, entry] of this.entries) {
      if (entry.window < current) {
        this.entries.delete(key);
        this.dirty.delete(key);
      }
    }
  }

  /** Stops the timer; call flush() first to send what is pending. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
