import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { DomainError, ServiceUnavailableError } from '../../libs/core/src';
import { ownerOf } from '../../libs/market/src/bidding/bid-owner';
import { BidRouter } from '../../libs/market/src/bidding/bid-router';
import type { BiddingEngine, BidForwarder, BidRequest, BidResult } from '../../libs/market/src/bidding/bidding-engine';
import { mapError, RedisConnectionFactory } from '../../libs/platform/src';
import { testConfig } from '../support/config';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/env';

/**
 * The bid router's protocol between API processes over the real Redis: what it sends, in how many
 * messages, what comes back (answers and errors), and what happens when the owner is silent, gone or
 * shutting down. The engines here record what they are asked to judge and answer as a test says (the
 * engine's own judging is tested against PostgreSQL in bidding.int-spec and realtime.e2e-spec).
 */
class RecordingEngine {
  readonly judged: BidRequest[] = [];
  forwarder?: BidForwarder;
  answer: (r: BidRequest) => Promise<BidResult> = (r) =>
    Promise.resolve({
      status: 'accepted',
      seq: this.judged.length,
      currentFen: r.amountFen.toString(),
      leading: true,
      endsAt: '2026-12-08T00:00:00.000Z',
      replay: false,
    });

  forwardWith(f: BidForwarder | undefined): void {
    this.forwarder = f;
  }

  judgeHere(r: BidRequest): Promise<BidResult> {
    this.judged.push(r);
    return this.answer(r);
  }

  /** as BiddingEngine.submit: forwarded, or judged here */
  submit(r: BidRequest): Promise<BidResult> {
    return this.forwarder?.forward(r) ?? this.judgeHere(r);
  }
}

interface Node {
  router: BidRouter;
  engine: RecordingEngine;
  factory: RedisConnectionFactory;
}

const prefix = `zjp-br-${randomBytes(4).toString('hex')}:`;
const redis = new Redis(TEST_REDIS_URL);
const nodes: Node[] = [];

function node(overrides: Record<string, string> = {}): Node {
  const config = testConfig(TEST_DATABASE_URL, { REDIS_PREFIX: prefix, BID_ROUTING_HOT_RATE: '0', ...overrides });
  const factory = new RedisConnectionFactory(config);
  const engine = new RecordingEngine();
  const router = new BidRouter(engine as unknown as BiddingEngine, factory, config);
  router.start();
  const n = { router, engine, factory };
  nodes.push(n);
  return n;
}

async function stop(n: Node): Promise<void> {
  const i = nodes.indexOf(n);
  if (i < 0) return;
  nodes.splice(i, 1);
  await n.router.onApplicationShutdown();
  await n.factory.onApplicationShutdown();
}

/** until every router sees exactly these members */
async function converged(of: Node[]): Promise<string[]> {
  const ids = of.map((n) => n.router.id).sort();
  const deadline = Date.now() + 8_000;
  for (;;) {
    const seen = of.map((n) => (n.router as unknown as { members: string[] }).members.join());
    if (seen.every((s) => s === ids.join())) return ids;
    if (Date.now() > deadline) throw new Error(`members never converged: ${seen.join(' / ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** a lot that `owner` owns among `ids` */
function lotOf(owner: Node, ids: string[]): string {
  for (;;) {
    const lotId = randomUUID();
    if (ownerOf(lotId, ids) === owner.router.id) return lotId;
  }
}

const bid = (lotId: string, n: number, extra: Partial<BidRequest> = {}): BidRequest => ({
  lotId,
  organizationId: randomUUID(),
  userId: randomUUID(),
  amountFen: BigInt(1_000_000 + n * 100),
  idempotencyKey: `key-${n}`,
  source: 'online',
  ...extra,
});

// every test's processes leave, whatever it ended with (a failed test must not leave members behind)
afterEach(async () => {
  for (const n of [...nodes]) await stop(n);
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('BidRouter between two API processes (real Redis)', () => {
  it("sends a turn's bids for another process's lot in one message, in order, and answers each with the owner's answer", async () => {
    const a = node();
    const b = node();
    const ids = await converged([a, b]);
    const lotId = lotOf(b, ids);
    // a third connection listens on the owner's channel: how many messages carry the bids
    const spy = new Redis(TEST_REDIS_URL);
    const messages: string[] = [];
    spy.on('message', (_c: string, m: string) => messages.push(m));
    await spy.subscribe(`${prefix}bid-router:${b.router.id}`);
    try {
      const requests = Array.from({ length: 50 }, (_, i) => bid(lotId, i, { maxFen: i === 7 ? 5_000_000n : undefined }));
      const results = await Promise.all(requests.map((r) => a.engine.submit(r)));
      expect(a.engine.judged).toHaveLength(0);
      expect(b.engine.judged.map((r) => r.idempotencyKey)).toEqual(requests.map((r) => r.idempotencyKey));
      // the wire keeps the bigints, the optional maximum, the user and the organisation
      expect(b.engine.judged[7]).toEqual({ ...requests[7], source: 'online' });
      expect(b.engine.judged[8].maxFen).toBeUndefined();
      expect(results.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(results[49].currentFen).toBe('1004900');
      expect(messages.filter((m) => m.includes('"bids"'))).toHaveLength(1);
    } finally {
      await spy.quit();
    }
    // the owner's own bids and floor bids (no key) never leave the process that received them
    await b.engine.submit(bid(lotId, 100));
    await a.engine.submit(bid(lotId, 101, { idempotencyKey: undefined, organizationId: undefined, paddleNumber: 3, source: 'floor' }));
    expect(a.engine.judged.map((r) => r.source)).toEqual(['floor']);
    expect(b.engine.judged).toHaveLength(51);
  });

  it("carries the owner's errors back with their code, status and details: a domain error, a retryable outage, and an internal error as a 500", async () => {
    const a = node();
    const b = node();
    const lotId = lotOf(b, await converged([a, b]));
    b.engine.answer = (r) => {
      if (r.idempotencyKey === 'key-1')
        return Promise.reject(new DomainError('LOT_NOT_FOUND', 'no such lot', { kind: 'not_found', details: { lotId: r.lotId } }));
      if (r.idempotencyKey === 'key-2') return Promise.reject(new ServiceUnavailableError(7));
      return Promise.reject(new Error('relation "bids" does not exist'));
    };
    const errors = await Promise.all(
      [1, 2, 3].map((n) =>
        a.engine.submit(bid(lotId, n)).then(
          () => null,
          (e: unknown) => e,
        ),
      ),
    );
    expect(errors.map((e) => [mapError(e).status, mapError(e).body.code, mapError(e).body.details])).toEqual([
      [404, 'LOT_NOT_FOUND', { lotId }],
      [503, 'SERVICE_UNAVAILABLE', { retryAfterSeconds: 7 }],
      [500, 'INTERNAL_ERROR', undefined],
    ]);
    expect(errors[1]).toBeInstanceOf(ServiceUnavailableError);
    // the internal error's text stays in the owner's log, not in the client's answer
    expect(mapError(errors[2]).body.message).not.toContain('relation');
  });

  it("judges a cold lot where its bid arrives, and sends a lot's bids to its owner from the bid that makes it hot", async () => {
    const a = node({ BID_ROUTING_HOT_RATE: '3' });
    const b = node({ BID_ROUTING_HOT_RATE: '3' });
    const lotId = lotOf(b, await converged([a, b]));
    for (let n = 0; n < 5; n++) await a.engine.submit(bid(lotId, n));
    expect(a.engine.judged.map((r) => r.idempotencyKey)).toEqual(['key-0', 'key-1']);
    expect(b.engine.judged.map((r) => r.idempotencyKey)).toEqual(['key-2', 'key-3', 'key-4']);
  });

  it('judges here after 3 s what a silent owner never answered, passes that owner over, and judges at once what a departed owner cannot receive', async () => {
    const a = node();
    const b = node();
    const ids = await converged([a, b]);
    const lotId = lotOf(b, ids);
    b.engine.answer = () => new Promise<BidResult>(() => undefined); // never answers: stuck
    const started = Date.now();
    const result = await a.engine.submit(bid(lotId, 1));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    expect(result.status).toBe('accepted');
    expect(a.engine.judged.map((r) => r.idempotencyKey)).toEqual(['key-1']); // judged here after all
    expect(b.engine.judged.map((r) => r.idempotencyKey)).toEqual(['key-1']); // the owner got it too (its key makes one row)
    // passed over: the next bid of its lot is judged here at once, though it still heartbeats
    const t = Date.now();
    await a.engine.submit(bid(lotId, 2));
    expect(Date.now() - t).toBeLessThan(500);
    expect(a.engine.judged).toHaveLength(2);
    expect(b.engine.judged).toHaveLength(1);

    // a departed owner: the others' members drop it, so its lots are judged where their bids arrive
    await stop(b);
    const c = node();
    await converged([a, c]);
    const lotC = lotOf(c, [a.router.id, c.router.id].sort());
    // C's connection to Redis dies without a goodbye: nobody listens on its channel any more
    await c.factory.onApplicationShutdown();
    const t2 = Date.now();
    expect((await a.engine.submit(bid(lotC, 3))).status).toBe('accepted');
    expect(Date.now() - t2).toBeLessThan(2_000);
    expect(c.engine.judged).toHaveLength(0);
    expect(a.engine.judged.map((r) => r.idempotencyKey)).toContain('key-3');
  });

  it('judges what it is still waiting for itself when it shuts down, and leaves the members at once', async () => {
    const a = node();
    const b = node();
    const ids = await converged([a, b]);
    const lotId = lotOf(b, ids);
    b.engine.answer = () => new Promise<BidResult>(() => undefined);
    const pending = a.engine.submit(bid(lotId, 1));
    await new Promise((r) => setTimeout(r, 100)); // sent, unanswered
    await a.router.onApplicationShutdown();
    expect((await pending).status).toBe('accepted');
    expect(a.engine.judged.map((r) => r.idempotencyKey)).toEqual(['key-1']);
    expect(a.engine.forwarder).toBeUndefined();
    expect(await redis.zscore(`${prefix}bid-routers`, a.router.id)).toBeNull();
  });
});
