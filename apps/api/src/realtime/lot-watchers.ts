import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { RedisConnectionFactory } from '@zjp/platform';
import { LiveFeedHub, LOT_ROOM_PREFIX, lotRoom } from '@zjp/realtime';
import type { Redis } from 'ioredis';
import type { Server } from 'socket.io';

/** How often each API process reports its rooms' sizes, and how long a report counts. */
export const WATCHERS_REPORT_MS = 3_000;
const STALE_MS = 3 * WATCHERS_REPORT_MS;

export const LOT_WATCHERS_EVENT = 'lot.watchers';

/**
 * How many sockets watch each lot, across API processes: socket.io room members and spectator-feed
 * sockets (LiveFeedHub). Every few seconds each process writes the
 * size of its own lot rooms into a Redis hash per lot (field = process, value = count and time),
 * sums the fresh fields of every process, and tells its own watchers when the total changed. A
 * process that died stops counting once its last report is stale: no counter is ever left
 * inflated by a crash, and a join costs nothing but the room join itself.
 */
@Injectable()
export class LotWatchers implements OnModuleDestroy {
  private readonly logger = new Logger(LotWatchers.name);
  private readonly processId = randomUUID();
  private readonly lastSent = new Map<string, number>();
  private readonly reported = new Set<string>();
  private redis?: Redis;
  private server?: Server;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly connections: RedisConnectionFactory,
    private readonly live: LiveFeedHub,
  ) {}

  private key(lotId: string): string {
    return `${this.connections.prefix}watchers:${lotId}`;
  }

  start(server: Server): void {
    this.server = server;
    this.redis = this.connections.create('cache');
    this.timer = setInterval(() => this.report().catch((err: unknown) => this.logger.warn(`watcher counts not reported: ${String(err)}`)), WATCHERS_REPORT_MS);
    this.timer.unref();
  }

  private localRooms(): Map<string, number> {
    const rooms = new Map<string, number>();
    for (const [name, sockets] of this.server?.of('/').adapter.rooms ?? []) {
      if (name.startsWith(LOT_ROOM_PREFIX)) rooms.set(name.slice(LOT_ROOM_PREFIX.length), sockets.size);
    }
    for (const [lotId, n] of this.live.localRooms()) rooms.set(lotId, (rooms.get(lotId) ?? 0) + n); // spectators on the feed count too
    return rooms;
  }

  /** Writes this process's counts (and zeroes for rooms that emptied), then pushes changed totals to local watchers. */
  async report(): Promise<void> {
    if (!this.redis) return;
    const now = Date.now();
    const rooms = this.localRooms();
    const pipeline = this.redis.pipeline();
    for (const lotId of new Set([...rooms.keys(), ...this.reported])) {
      const count = rooms.get(lotId) ?? 0;
      if (count === 0) {
        pipeline.hdel(this.key(lotId), this.processId);
        this.reported.delete(lotId);
        this.lastSent.delete(lotId);
      } else {
        pipeline.hset(this.key(lotId), this.processId, `${count}:${now}`);
        pipeline.pexpire(this.key(lotId), STALE_MS * 2);
        this.reported.add(lotId);
      }
    }
    await pipeline.exec();
    for (const lotId of rooms.keys()) {
      const total = await this.count(lotId);
      if (this.lastSent.get(lotId) === total) continue;
      this.lastSent.set(lotId, total);
      this.server?.local.to(lotRoom(lotId)).emit(LOT_WATCHERS_EVENT, { lotId, watchers: total });
      this.live.deliver(lotId, LOT_WATCHERS_EVENT, { lotId, watchers: total });
    }
  }

  /** The lot's watchers on every process: fresh reports of the others plus this process's room right now. */
  async count(lotId: string): Promise<number> {
    const local = (this.server?.of('/').adapter.rooms.get(lotRoom(lotId))?.size ?? 0) + this.live.localCount(lotId);
    if (!this.redis) return local;
    const fields = await this.redis.hgetall(this.key(lotId));
    const now = Date.now();
    let total = local;
    for (const [processId, value] of Object.entries(fields)) {
      if (processId === this.processId) continue;
      const [count, at] = value.split(':').map(Number);
      if (now - at <= STALE_MS) total += count;
    }
    return total;
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
