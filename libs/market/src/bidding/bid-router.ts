import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DomainError, HTTP_STATUS_BY_KIND, ServiceUnavailableError, type ErrorKind } from '@zjp/core';
import { APP_CONFIG, type AppConfig, mapError, Metrics, RedisConnectionFactory } from '@zjp/platform';
import { ownerOf } from './bid-owner';
import { LotHeat } from './lot-heat';
import { BiddingEngine, type BidForwarder, type BidRequest, type BidResult } from './bidding-engine';

/** How often a process says it is alive, and how long it counts as alive after it last said so. */
const HEARTBEAT_MS = 1_000;
const MEMBER_TTL_MS = 3_000;
/** A forwarded bid without an answer after this long is judged here after all (its key makes that safe). */
const ANSWER_TIMEOUT_MS = 3_000;
/** An owner that let a bid time out is passed over until the members' list has surely dropped it. */
const SILENT_OWNER_MS = MEMBER_TTL_MS + HEARTBEAT_MS;

/** A forwarded bid: `n` numbers it among the sender's bids in flight. */
interface WireBid {
  n: number;
  lotId: string;
  organizationId: string;
  userId: string | null;
  amountFen: string;
  maxFen?: string;
  idempotencyKey: string;
}
interface WireError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}
interface WireAnswer {
  n: number;
  result?: BidResult;
  error?: WireError;
}

interface Waiting {
  request: BidRequest;
  owner: string;
  deadline: number;
  resolve: (r: BidResult) => void;
  reject: (e: unknown) => void;
}

const KIND_BY_STATUS = new Map<number, ErrorKind>(Object.entries(HTTP_STATUS_BY_KIND).map(([kind, status]) => [status, kind as ErrorKind]));

/** An error as the owner's engine raised it, for the sender to raise again (the same status and body for the client). */
function toWire(err: unknown): WireError {
  const mapped = mapError(err);
  return { status: mapped.status, code: mapped.body.code, message: mapped.body.message, details: mapped.body.details };
}

function fromWire(e: WireError): Error {
  if (e.code === 'SERVICE_UNAVAILABLE') {
    const retry = (e.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return new ServiceUnavailableError(typeof retry === 'number' ? retry : undefined);
  }
  const kind = KIND_BY_STATUS.get(e.status);
  // an internal error stays one: the sender answers 500 as the owner would have
  return kind ? new DomainError(e.code, e.message, { kind, details: e.details }) : new Error(`bid judged by another API process failed: ${e.message}`);
}

/**
 * One judge per lot (BID_ROUTING=owner, the default): every API process heartbeats into a Redis sorted
 * set, and a lot's online bids are judged by one of them, chosen by rendezvous hashing over the live ones
 * (`ownerOf`). A process that receives a bid for a hot lot (BID_ROUTING_HOT_RATE bids of it per second
 * here, `LotHeat`) that another process owns publishes it to that process's channel (a tick's bids in
 * one message) and answers its client with the owner's answer. So a hot lot's bids are judged in one
 * queue and batched into one transaction at a time, instead of two processes taking turns on the lot's
 * row lock; a cold lot's bid is judged where it arrives, since the hop would cost more than the turns
 * (docs/BENCHMARKS.md, "fifth pass").
 *
 * Correctness never depends on the routing: every process still judges under the lot's lock, so two
 * processes that disagree about the owner (a member joining or leaving) only lose the batching. A
 * forwarded bid whose owner nobody listens for (PUBLISH reached no subscriber: the process is gone)
 * or that gets no answer in 3 s is judged here; online bids always carry an idempotency key, so a bid
 * the owner did store gets its stored answer again, never a second row. Floor bids (no key) are
 * always judged where they arrive.
 */
@Injectable()
export class BidRouter implements BidForwarder, OnApplicationShutdown {
  private readonly logger = new Logger(BidRouter.name);
  /** this process among the members (random: a restarted process is a new member) */
  readonly id = randomBytes(8).toString('hex');
  private members: readonly string[] = [];
  /** owners that let a bid time out, until when they are passed over */
  private readonly silent = new Map<string, number>();
  private readonly owners = new Map<string, string>();
  /** which lots are hot enough here for their bids to go to their owner */
  private readonly heat: LotHeat;
  private pub?: Redis;
  private sub?: Redis;
  private heartbeat?: NodeJS.Timeout;
  private sweeper?: NodeJS.Timeout;
  private serial = 0;
  /** forwarded bids waiting for their answer, in the order sent (so deadlines are in order too) */
  private readonly waiting = new Map<number, Waiting>();
  private readonly outgoing = new Map<string, WireBid[]>();
  private readonly answers = new Map<string, WireAnswer[]>();
  private flushQueued = false;
  private stopped = false;
  /** subscribed to this process's channel: only then does it join the members */
  private listening = false;
  private beating = false;

  constructor(
    private readonly engine: BiddingEngine,
    private readonly redis: RedisConnectionFactory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.heat = new LotHeat(config.BID_ROUTING_HOT_RATE);
  }

  private get membersKey(): string {
    return `${this.redis.prefix}bid-routers`;
  }

  private channel(member: string): string {
    return `${this.redis.prefix}bid-router:${member}`;
  }

  /**
   * Joins the API processes that judge bids (the API calls this once it is up; a worker never does).
   * It does not wait for Redis: until this process listens on its channel it is no member, and while
   * it has no members every bid is judged where it arrives (so a process starts with Redis down).
   */
  start(): void {
    if (this.config.BID_ROUTING !== 'owner' || this.pub) return;
    // plain commands fail fast ('cache': a heartbeat or a forward never hangs on a dead Redis)
    this.pub = this.redis.create('cache');
    this.pub.defineCommand('zjpBidRouterBeat', {
      numberOfKeys: 1,
      // the server's clock for every member (the processes' clocks need not agree): alive = heard from within the TTL
      lua: `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
redis.call('PEXPIRE', KEYS[1], 60000)
return redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[2]), '+inf')`,
    });
    this.sub = this.redis.create('pubsub-sub'); // resubscribes by itself after a reconnection
    this.sub.on('message', (_channel: string, message: string) => this.receive(message));
    this.sub.subscribe(this.channel(this.id)).then(
      () => {
        this.listening = true;
        void this.beat();
      },
      (err: unknown) => this.logger.warn(`bid routing off: could not subscribe (${err instanceof Error ? err.message : String(err)})`),
    );
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.sweeper = setInterval(() => this.sweep(), 250);
    this.heartbeat.unref();
    this.sweeper.unref();
    this.metrics?.gauge('zjp_bid_routers', 'API processes that judge bids, as this one last heard from Redis (BID_ROUTING=owner)', [], () => [
      { value: this.members.length },
    ]);
    this.metrics?.gauge('zjp_bid_router_info', "This process's id among them", ['id'], () => [{ labels: { id: this.id }, value: 1 }]);
    this.engine.forwardWith(this);
  }

  /** The live members, as Redis's clock sees them; on a failure, none (every bid is judged where it arrives). */
  private async beat(): Promise<void> {
    if (!this.listening || this.beating) return;
    this.beating = true;
    try {
      const pub = this.pub as Redis & { zjpBidRouterBeat(key: string, id: string, ttl: number): Promise<string[]> };
      const live = (await pub.zjpBidRouterBeat(this.membersKey, this.id, MEMBER_TTL_MS)).sort();
      this.setMembers(live.includes(this.id) ? live : []);
    } catch (err) {
      this.setMembers([]);
      this.logger.warn(`bid routing heartbeat failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.beating = false;
    }
  }

  private setMembers(members: readonly string[]): void {
    const now = Date.now();
    for (const [member, until] of this.silent) if (until <= now) this.silent.delete(member);
    const usable = members.filter((m) => !this.silent.has(m));
    if (usable.length === this.members.length && usable.every((m, i) => m === this.members[i])) return;
    this.members = usable;
    this.owners.clear();
  }

  /** The process that judges this lot's bids (this one when it is alone, or when routing is off or failing). */
  ownerOf(lotId: string): string {
    if (this.members.length < 2) return this.id;
    let owner = this.owners.get(lotId);
    if (owner === undefined) {
      if (this.owners.size >= 10_000) this.owners.clear();
      owner = ownerOf(lotId, this.members) ?? this.id;
      this.owners.set(lotId, owner);
    }
    return owner;
  }

  /** BidForwarder: an online bid for a lot another process owns goes there; null: judge it here. */
  forward(request: BidRequest): Promise<BidResult> | null {
    if (this.stopped || !request.idempotencyKey || !request.organizationId) return null;
    const owner = this.ownerOf(request.lotId);
    // a cold lot is judged where its bid arrives: only a hot lot's bids gain from one queue
    if (owner === this.id || !this.heat.hit(request.lotId, Date.now())) return null;
    return new Promise<BidResult>((resolve, reject) => {
      const n = ++this.serial;
      this.waiting.set(n, { request, owner, deadline: Date.now() + ANSWER_TIMEOUT_MS, resolve, reject });
      const bid: WireBid = {
        n,
        lotId: request.lotId,
        organizationId: request.organizationId!,
        userId: request.userId,
        amountFen: request.amountFen.toString(),
        idempotencyKey: request.idempotencyKey!,
      };
      if (request.maxFen !== undefined) bid.maxFen = request.maxFen.toString();
      let batch = this.outgoing.get(owner);
      if (!batch) this.outgoing.set(owner, (batch = []));
      batch.push(bid);
      this.queueFlush();
    });
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // after this turn's I/O: the bids (and answers) of one turn go in one message per process
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    const pub = this.pub!;
    for (const [owner, bids] of this.outgoing) {
      this.metrics?.bidForwards.inc({ outcome: 'sent' }, bids.length);
      pub.publish(this.channel(owner), JSON.stringify({ from: this.id, bids })).then(
        (listeners) => {
          // nobody subscribed: the owner is gone (its connection closed), so these bids are judged here now
          if (listeners === 0) this.judgeHereAfterAll(bids, 'no_owner');
        },
        () => this.judgeHereAfterAll(bids, 'no_owner'),
      );
    }
    this.outgoing.clear();
    for (const [sender, answers] of this.answers) {
      // an answer that is lost (the sender is gone, or Redis failed) leaves the sender to judge the bid itself after the timeout
      pub.publish(this.channel(sender), JSON.stringify({ answers })).catch(() => undefined);
    }
    this.answers.clear();
  }

  /** A message on this process's channel: bids to judge, or answers to bids this process forwarded. */
  private receive(message: string): void {
    let parsed: { from?: string; bids?: WireBid[]; answers?: WireAnswer[] };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      this.logger.error('bid routing: an unreadable message on this process channel');
      return;
    }
    if (parsed.answers) {
      for (const a of parsed.answers) {
        const w = this.waiting.get(a.n);
        if (!w) continue; // judged here after a timeout: that answer went out already (the same one, by the key)
        this.waiting.delete(a.n);
        this.metrics?.bidForwards.inc({ outcome: 'answered' });
        if (a.result) w.resolve(a.result);
        else w.reject(fromWire(a.error ?? { status: 500, code: 'INTERNAL_ERROR', message: 'no answer' }));
      }
      return;
    }
    const from = parsed.from;
    if (!from || !parsed.bids) return;
    this.metrics?.bidsJudgedForOthers.inc(parsed.bids.length);
    // all in this turn: they join the bids that arrived here in the same transaction
    for (const b of parsed.bids) {
      const request: BidRequest = {
        lotId: b.lotId,
        organizationId: b.organizationId,
        userId: b.userId,
        amountFen: BigInt(b.amountFen),
        maxFen: b.maxFen === undefined ? undefined : BigInt(b.maxFen),
        idempotencyKey: b.idempotencyKey,
        source: 'online',
      };
      this.engine.judgeHere(request).then(
        (result) => this.reply(from, { n: b.n, result }),
        (err: unknown) => this.reply(from, { n: b.n, error: toWire(err) }),
      );
    }
  }

  private reply(sender: string, answer: WireAnswer): void {
    let answers = this.answers.get(sender);
    if (!answers) this.answers.set(sender, (answers = []));
    answers.push(answer);
    this.queueFlush();
  }

  /** Judges here the forwarded bids still waiting (the owner is gone or silent). */
  private judgeHereAfterAll(bids: WireBid[], outcome: 'no_owner' | 'timeout'): void {
    for (const b of bids) {
      const w = this.waiting.get(b.n);
      if (!w) continue;
      this.waiting.delete(b.n);
      this.metrics?.bidForwards.inc({ outcome });
      this.silence(w.owner);
      this.engine.judgeHere(w.request).then(w.resolve, w.reject);
    }
  }

  private silence(owner: string): void {
    this.silent.set(owner, Date.now() + SILENT_OWNER_MS);
    if (this.members.includes(owner)) this.setMembers(this.members);
  }

  private sweep(): void {
    const now = Date.now();
    this.heat.prune(now);
    for (const [n, w] of this.waiting) {
      if (w.deadline > now) break; // sent in order, so the rest are younger
      this.waiting.delete(n);
      this.metrics?.bidForwards.inc({ outcome: 'timeout' });
      this.silence(w.owner);
      this.logger.warn(`bid routing: no answer from process ${w.owner} in ${ANSWER_TIMEOUT_MS} ms; judging the bid here`);
      this.engine.judgeHere(w.request).then(w.resolve, w.reject);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.pub || this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearInterval(this.sweeper);
    this.engine.forwardWith(undefined);
    await this.pub.zrem(this.membersKey, this.id).catch(() => undefined);
    // what is still waiting is judged here while the database is still open
    for (const [n, w] of this.waiting) {
      this.waiting.delete(n);
      this.engine.judgeHere(w.request).then(w.resolve, w.reject);
    }
  }
}
