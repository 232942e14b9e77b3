import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, Metrics, RedisConnectionFactory } from '@zjp/platform';
import { LiveFeedHub, lotRoom } from '@zjp/realtime';
import type { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import { LotFeedBuffer, type LotBidsEvent } from './lot-feed-merge';

export const LOT_BIDS_EVENT = 'lot.bids';

/**
 * Live `lot.bids` updates, coalesced per API process. A process that commits a batch of bids
 * publishes it once on a Redis channel; every API process (itself included) merges what it
 * receives per lot (LotFeedBuffer) and emits to its own sockets only, at most once per
 * LIVE_COALESCE_MS per lot: the first batch after a quiet spell goes out at once, later ones wait
 * for the window, so an update is never more than one window (plus the delivery) stale and 5,000
 * watchers get a bounded number of events however fast the lot is bid. The same event goes to
 * the spectators' feed (LiveFeedHub) of the process. Bidders' own
 * acknowledgements never wait for this.
 */
@Injectable()
export class LotFeed implements OnModuleDestroy {
  private readonly logger = new Logger(LotFeed.name);
  private readonly buffers = new Map<string, LotFeedBuffer>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly channel: string;
  private readonly windowMs: number;
  private pub?: Redis;
  private sub?: Redis;
  private server?: Server;
  private lastSweep = Date.now();

  constructor(
    private readonly redis: RedisConnectionFactory,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
    @Optional() private readonly live?: LiveFeedHub,
  ) {
    this.channel = `${redis.prefix}lot-feed`;
    this.windowMs = config.LIVE_COALESCE_MS;
  }

  /** In an API process: deliver the feed to this socket.io server's clients. */
  async start(server: Server): Promise<void> {
    this.server = server;
    // The publishing connection is opened now, not at the first batch: a first batch queued behind a
    // connection still opening would reach the other processes after later batches published from
    // elsewhere, and be dropped as a hole that timed out (seen under load with two processes).
    this.pub ??= this.redis.create('pubsub-pub');
    this.sub = this.redis.create('pubsub-sub');
    this.sub.on('message', (_channel: string, message: string) => this.receive(JSON.parse(message) as LotBidsEvent));
    await this.sub.subscribe(this.channel);
  }

  /** A committed batch: to every API process's watchers of the lot. */
  publish(event: LotBidsEvent): void {
    this.pub ??= this.redis.create('pubsub-pub');
    this.pub
      .publish(this.channel, JSON.stringify(event))
      .catch((err: unknown) => this.logger.error(`could not publish lot ${event.lotId}'s bids: ${String(err)}`));
  }

  private receive(event: LotBidsEvent): void {
    const now = Date.now();
    let buffer = this.buffers.get(event.lotId);
    if (!buffer) this.buffers.set(event.lotId, (buffer = new LotFeedBuffer(event.lotId, this.windowMs)));
    this.schedule(buffer, buffer.receive(event, now));
    if (now - this.lastSweep > 60_000) this.sweep(now);
  }

  private schedule(buffer: LotFeedBuffer, dueMs: number | null): void {
    if (dueMs === null || this.timers.has(buffer.lotId)) return;
    if (dueMs === 0) return this.flush(buffer);
    const timer = setTimeout(() => {
      this.timers.delete(buffer.lotId);
      this.flush(buffer);
    }, dueMs);
    timer.unref();
    this.timers.set(buffer.lotId, timer);
  }

  private flush(buffer: LotFeedBuffer): void {
    const now = Date.now();
    const event = buffer.flush(now);
    if (event && this.server) {
      this.server.local.to(lotRoom(event.lotId)).emit(LOT_BIDS_EVENT, event);
      this.live?.deliver(event.lotId, LOT_BIDS_EVENT, event); // the same event (same seqs) to the spectator feed, one frame for all
      const oldest = event.bids.length ? Date.parse(event.bids[0].at) : NaN;
      if (this.metrics && Number.isFinite(oldest)) this.metrics.broadcastLagSeconds.observe(Math.max(0, Date.now() - oldest) / 1000);
    }
    this.schedule(buffer, buffer.due(now));
  }

  /** Forgets lots quiet for ten minutes (a later batch starts a new buffer). */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [lotId, buffer] of this.buffers) if (now - buffer.idleSince > 600_000) this.buffers.delete(lotId);
  }

  /** (The connections are closed by RedisConnectionFactory.) */
  onModuleDestroy(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
  }
}
