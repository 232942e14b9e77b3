import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { RedisConnectionFactory } from '@zjp/platform';
import type { Redis } from 'ioredis';
import { WebSocket } from 'ws';

/** The spectators' read-only feed: `GET /live?lots=<uuid>[,<uuid>…]` upgraded to a plain WebSocket. */
export const LIVE_FEED_PATH = '/live';
/** A feed connection follows at most this many lots. */
export const LIVE_FEED_MAX_LOTS = 20;
/** The server pings every feed socket this often; one that has not answered the previous ping is closed. */
export const LIVE_FEED_PING_MS = 25_000;
/** `clock` requests per connection: a bucket of this many, refilled one per second. */
export const LIVE_FEED_CLOCK_BURST = 5;

/** A feed message, one JSON text frame: the same event names and payloads as the socket.io lot room. */
export interface LiveFeedMessage<T = unknown> {
  event: string;
  data: T;
}

interface FeedSocket extends WebSocket {
  zjpAlive?: boolean;
  zjpLots?: readonly string[];
  zjpClockTokens?: number;
  zjpClockAt?: number;
}

/** ws's Sender: builds a frame once (`frame`) and writes a built frame (`sendFrame`). Internal to ws, hence checked at start. */
interface WsSender {
  sendFrame(list: Buffer[], cb?: (err?: Error) => void): void;
}
const WsSenderClass = (WebSocket as unknown as { Sender: { frame(data: Buffer, opts: Record<string, unknown>): Buffer[] } }).Sender;

/**
 * The local half of the spectator feed: which feed sockets of this API process watch which lot,
 * and the delivery of an event to them. Each event is encoded once (JSON, then one WebSocket
 * frame) and the same frame is written to every subscribed socket: no per-socket work but the
 * write. A socket whose unsent bytes exceed the limit is dropped (its client reconnects and
 * fills the gap over REST); the heartbeat closes sockets that stopped answering pings.
 *
 * Events reach the hub from three places: `lot.bids` from LotFeed's coalesced flush (the very
 * event object the socket.io room gets, so the same sequence numbers), `lot.watchers` from
 * LotWatchers, and every other lot event (`lot.extended`, `lot.call`, `lot.opened`, `lot.closed`)
 * from the Redis channel `<prefix>live` on which RealtimePublisher.toLot publishes in every
 * process, API or worker.
 */
@Injectable()
export class LiveFeedHub implements OnModuleDestroy {
  private readonly logger = new Logger(LiveFeedHub.name);
  private readonly rooms = new Map<string, Set<FeedSocket>>();
  private readonly channel: string;
  private sub?: Redis;
  private pub?: Redis;
  private heartbeat?: NodeJS.Timeout;
  private maxBufferedBytes = 1024 * 1024;
  private prebuilt = true;
  /** sockets dropped for being too slow, since start (metrics and tests) */
  dropped = 0;
  private sockets = 0;

  constructor(private readonly redis: RedisConnectionFactory) {
    this.channel = `${redis.prefix}live`;
  }

  /** In an API process: receive the lot events of every process, and start the heartbeat. */
  start(options: { maxBufferedBytes: number; pingMs?: number }): Promise<void> {
    this.maxBufferedBytes = options.maxBufferedBytes;
    this.heartbeat = setInterval(() => this.ping(), options.pingMs ?? LIVE_FEED_PING_MS);
    this.heartbeat.unref();
    this.pub ??= this.redis.create('pubsub-pub'); // opened now, so the first event is not queued behind a connection still opening
    this.sub = this.redis.create('pubsub-sub');
    this.sub.on('message', (_channel: string, message: string) => {
      const m = JSON.parse(message) as { lotId: string; event: string; data: unknown };
      this.deliver(m.lotId, m.event, m.data);
    });
    // Not awaited: the API starts (live, not ready) while Redis is away; the channel is subscribed
    // whenever the connection becomes ready, the first time and after every reconnection.
    const sub = this.sub;
    const subscribe = (): void => {
      sub.subscribe(this.channel).catch((err: unknown) => this.logger.warn(`live feed: could not subscribe to ${this.channel}: ${String(err)}`));
    };
    sub.on('ready', subscribe);
    if (sub.status === 'ready') subscribe();
    return Promise.resolve();
  }

  /** From any process (RealtimePublisher.toLot): to the feed watchers of the lot on every API process. */
  publish(lotId: string, event: string, data: unknown): void {
    this.pub ??= this.redis.create('pubsub-pub');
    this.pub
      .publish(this.channel, JSON.stringify({ lotId, event, data }))
      .catch((err: unknown) => this.logger.error(`could not publish ${event} of lot ${lotId} to the live feed: ${String(err)}`));
  }

  /** A new feed socket following these lots (already checked). */
  add(socket: WebSocket, lotIds: readonly string[]): void {
    const s = socket as FeedSocket;
    this.sockets++;
    s.zjpAlive = true;
    s.zjpLots = lotIds;
    s.zjpClockTokens = LIVE_FEED_CLOCK_BURST;
    s.zjpClockAt = Date.now();
    for (const lotId of lotIds) {
      let room = this.rooms.get(lotId);
      if (!room) this.rooms.set(lotId, (room = new Set()));
      room.add(s);
    }
    s.on('pong', () => (s.zjpAlive = true));
    s.on('message', (data, isBinary) => this.onMessage(s, isBinary ? '' : String(data as Buffer)));
    s.on('close', () => this.remove(s));
    s.on('error', () => s.terminate());
  }

  /** Feed sockets of this process watching the lot. */
  localCount(lotId: string): number {
    return this.rooms.get(lotId)?.size ?? 0;
  }

  /** Feed sockets of this process. */
  socketCount(): number {
    return this.sockets;
  }

  /** Lots with feed watchers on this process, and how many. */
  localRooms(): Map<string, number> {
    return new Map([...this.rooms].map(([lotId, sockets]) => [lotId, sockets.size]));
  }

  /** Encodes the event once and writes the one frame to every feed socket of the lot on this process. */
  deliver(lotId: string, event: string, data: unknown): number {
    const room = this.rooms.get(lotId);
    if (!room?.size) return 0;
    const payload = Buffer.from(JSON.stringify({ event, data } satisfies LiveFeedMessage));
    return this.write(room, payload);
  }

  private write(sockets: Iterable<FeedSocket>, payload: Buffer): number {
    const frame = this.prebuilt ? WsSenderClass.frame(payload, { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false }) : undefined;
    let n = 0;
    for (const s of sockets) {
      if (s.readyState !== WebSocket.OPEN) continue;
      if (s.bufferedAmount > this.maxBufferedBytes) {
        // too slow: its unsent bytes would only grow. Dropped at once (a close frame would queue
        // behind the backlog); the client reconnects and fetches what it missed.
        this.dropped++;
        s.terminate();
        continue;
      }
      const sender = (s as unknown as { _sender?: WsSender })._sender;
      if (frame && sender) sender.sendFrame(frame);
      else s.send(payload, { binary: false });
      n++;
    }
    return n;
  }

  private onMessage(s: FeedSocket, text: string): void {
    if (text !== 'clock' && !text.startsWith('{"type":"clock"')) return; // the feed is read-only: nothing else is read
    const now = Date.now();
    s.zjpClockTokens = Math.min(LIVE_FEED_CLOCK_BURST, (s.zjpClockTokens ?? 0) + (now - (s.zjpClockAt ?? now)) / 1000);
    s.zjpClockAt = now;
    if (s.zjpClockTokens < 1) {
      s.send(JSON.stringify({ event: 'error', data: { code: 'RATE_LIMITED', message: 'Too many clock requests', retryAfterSeconds: 1 } }));
      return;
    }
    s.zjpClockTokens -= 1;
    s.send(JSON.stringify({ event: 'clock', data: { now: new Date(now).toISOString() } }));
  }

  private remove(s: FeedSocket): void {
    this.sockets--;
    for (const lotId of s.zjpLots ?? []) {
      const room = this.rooms.get(lotId);
      if (!room) continue;
      room.delete(s);
      if (!room.size) this.rooms.delete(lotId);
    }
  }

  private ping(): void {
    const seen = new Set<FeedSocket>();
    for (const room of this.rooms.values()) {
      for (const s of room) {
        if (seen.has(s)) continue;
        seen.add(s);
        if (!s.zjpAlive) {
          s.terminate();
          continue;
        }
        s.zjpAlive = false;
        s.ping();
      }
    }
  }

  onModuleDestroy(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const room of this.rooms.values()) for (const s of room) s.terminate();
    this.rooms.clear();
  }
}
