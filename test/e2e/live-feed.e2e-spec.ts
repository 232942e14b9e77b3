// @expectedSeconds 35 (on a quiet machine): the test sequencer starts the longest files first (test/support/sequencer.cjs).
import { randomBytes, randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { WebSocket } from 'ws';
import { type AppConfig, RedisConnectionFactory } from '../../libs/platform/src';
import { LiveFeedHub, SERVER_EVENTS } from '../../libs/realtime/src';
import { testEnv } from '../support/config';
import { insertBidder, insertLot } from '../support/market-factory';
import { runProcess, RunningProcess, startProcess } from '../support/processes';
import { createTestDatabase, queryDatabase, TestDatabase } from '../support/test-database';

interface LotBidsEvent {
  lotId: string;
  bids: { seq: number; amountFen: string; bidder: string }[];
  state: { seq: number; currentFen: string };
}
interface Frame {
  event: string;
  data: Record<string, unknown>;
}

/**
 * The spectators' read-only feed (GET /live upgraded to a plain WebSocket) against real processes:
 * two API processes and a worker on one Redis and PostgreSQL, real `ws` clients beside socket.io
 * watchers.
 */
describe('the spectator feed (GET /live) across two API processes and a worker', () => {
  let db: TestDatabase;
  let a: RunningProcess & { url: string };
  let b: RunningProcess & { url: string };
  let worker: RunningProcess;
  let adminToken: string;
  let env: Record<string, string>;
  const sockets: Socket[] = [];
  const feeds: WebSocket[] = [];
  const PASSWORD = 'Bidder-password-1';

  const dbOf = () => ({ query: (sql: string, params?: unknown[]) => queryDatabase(db.url, sql, params) }) as unknown as DataSource;
  const wsUrl = (url: string, lots: string) => `${url.replace(/^http/, 'ws')}/live?lots=${lots}`;

  /** A feed client recording every frame it receives. */
  const feed = async (url: string, lots: string[]): Promise<{ ws: WebSocket; frames: Frame[] }> => {
    const ws = new WebSocket(wsUrl(url, lots.join(',')));
    feeds.push(ws);
    const frames: Frame[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await until(() => frames.some((f) => f.event === 'live.ready'), 'live.ready');
    return { ws, frames };
  };
  const until = async (check: () => boolean, what: string | (() => string), ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  /** The refusal of an upgrade: its status and JSON body. */
  const refused = (url: string, lots: string) =>
    new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
      const ws = new WebSocket(wsUrl(url, lots), { headers: { 'Accept-Language': 'en' } });
      ws.once('open', () => reject(new Error('the feed opened')));
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += String(c)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      });
      ws.once('error', () => undefined);
    });
  const tokenFor = async (organizationId: string) => {
    const email = `u-${randomBytes(4).toString('hex')}@test.example`;
    const created = await request(a.url)
      .post(`/organizations/${organizationId}/users`)
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ email, displayName: '竞买人', password: PASSWORD, roles: ['enterprise_admin'] });
    expect(created.status).toBe(201);
    return (await request(a.url).post('/auth/login').send({ email, password: PASSWORD })).body.accessToken as string;
  };
  const connect = async (url: string, token?: string): Promise<Socket> => {
    const s = io(url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db.url, { LOG_LEVEL: 'warn', LIVE_FEED_MAX_BUFFERED_BYTES: '1024', SCHEDULE_CLOSE_DUE_LOTS: 'every 1s' });
    const api = async () => {
      const p = await startProcess('apps/api/src/main.js', env, /api listening on (http:\/\/\S+)/);
      return Object.assign(p, { url: p.match[1] });
    };
    [a, b, worker] = await Promise.all([api(), api(), startProcess('apps/worker/src/main.js', env, /worker started/)]);
    const rootPassword = 'Root-password-1'; // the same test administrator as test/e2e/realtime.e2e-spec.ts
    await runProcess('apps/api/src/cli/create-admin.js', ['--email', 'root@test.example', '--password', rootPassword], env);
    adminToken = (await request(a.url).post('/auth/login').send({ email: 'root@test.example', password: rootPassword })).body.accessToken as string;
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    feeds.forEach((f) => f.terminate());
    await Promise.all([a?.stop(), b?.stop(), worker?.stop()]);
    await db?.drop();
  });

  it('refuses a bad lot list with 400 VALIDATION_FAILED naming the field, and an unknown lot with 404 LOT_NOT_FOUND', async () => {
    const lotId = await insertLot(dbOf());
    for (const lots of ['', 'not-a-uuid', `${lotId},nope`, Array.from({ length: 21 }, () => randomUUID()).join(',')]) {
      const res = await refused(a.url, lots);
      expect(res).toEqual({
        status: 400,
        body: { code: 'VALIDATION_FAILED', message: expect.any(String), details: [expect.objectContaining({ field: 'lots' })], requestId: expect.any(String) },
      });
    }
    expect(await refused(b.url, `${lotId},${randomUUID()}`)).toEqual({
      status: 404,
      body: { code: 'LOT_NOT_FOUND', message: 'No such lot', requestId: expect.any(String) },
    });
    // an upgrade to any other path is closed at once (engine.io no longer destroys foreign upgrades itself)
    const stray = new WebSocket(`${a.url.replace(/^http/, 'ws')}/elsewhere`);
    const started = Date.now();
    await expect(new Promise((resolve, reject) => (stray.once('open', resolve), stray.once('error', reject)))).rejects.toThrow(/socket hang up/);
    expect(Date.now() - started).toBeLessThan(5_000);
    // the route without the upgrade is documented (public) and answers 426
    const plain = await request(a.url).get(`/live?lots=${lotId}`);
    expect([plain.status, plain.body.code]).toEqual([426, 'UPGRADE_REQUIRED']);
    const doc = await request(a.url).get('/api/docs/openapi.json');
    expect(doc.body.paths['/live'].get['x-access']).toEqual({ kind: 'public' });
  });

  it('carries the same lot.bids events with the same seqs as the socket.io room, from bids on either process, and counts feed watchers', async () => {
    const lotId = await insertLot(dbOf());
    const [x, y] = [await insertBidder(dbOf(), lotId), await insertBidder(dbOf(), lotId)];
    const [xs, ys] = [await connect(a.url, await tokenFor(x.organizationId)), await connect(b.url, await tokenFor(y.organizationId))];

    const spectator = await feed(a.url, [lotId]); // on A; bids come through B as well
    const roomWatcher = await connect(a.url);
    expect((await roomWatcher.emitWithAck('lot.join', { lotId })).data.watchers).toBe(2); // the feed socket counts
    const roomEvents: LotBidsEvent[] = [];
    roomWatcher.on('lot.bids', (e: LotBidsEvent) => roomEvents.push(e));

    for (let i = 0; i < 6; i++) {
      const ack = await (i % 2 ? ys : xs).emitWithAck('lot.bid', { lotId, amountFen: String(1_000_000 + i * 10_000), idempotencyKey: randomUUID() });
      expect(ack.data).toMatchObject({ status: 'accepted', seq: i + 1 });
    }
    const feedBids = () => spectator.frames.filter((f) => f.event === 'lot.bids').map((f) => f.data as unknown as LotBidsEvent);
    await until(
      () => feedBids().flatMap((e) => e.bids).length >= 6 && roomEvents.flatMap((e) => e.bids).length >= 6,
      () =>
        `six bids on both: feed ${JSON.stringify(feedBids().map((e) => e.bids.map((b) => b.seq)))}, room ${JSON.stringify(roomEvents.map((e) => e.bids.map((b) => b.seq)))}`,
    );
    expect(feedBids().flatMap((e) => e.bids.map((bid) => bid.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(feedBids()).toEqual(roomEvents); // the very events of the room
    expect(feedBids().at(-1)!.state).toMatchObject({ seq: 6, currentFen: '1050000' });

    // clock: answered with the server's time, then rate-limited
    const before = Date.now();
    for (let i = 0; i < 7; i++) spectator.ws.send('clock');
    await until(() => spectator.frames.filter((f) => f.event === 'clock' || f.event === 'error').length >= 7, 'clock answers');
    const clocks = spectator.frames.filter((f) => f.event === 'clock');
    expect(clocks).toHaveLength(5);
    expect(Math.abs(Date.parse(clocks[0].data.now as string) - before)).toBeLessThan(5_000);
    expect(spectator.frames.filter((f) => f.event === 'error').map((f) => f.data.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);

    // watcher counts include the feed on the other process
    const other = await feed(b.url, [lotId]);
    await until(() => other.frames.some((f) => f.event === 'lot.watchers' && f.data.watchers === 3), 'lot.watchers 3 on the feed', 20_000);
    const page = await connect(b.url);
    expect(await page.emitWithAck('lot.watchers.count', { lotIds: [lotId] })).toEqual({ ok: true, data: { counts: { [lotId]: 3 } } });
  });

  it('drops a watcher that stops reading once its unsent bytes pass the limit, and keeps serving the others', async () => {
    const lotId = await insertLot(dbOf());
    const slow = await feed(b.url, [lotId]);
    const fine = await feed(b.url, [lotId]);
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // reads nothing more: the kernel's buffers fill, then the server's
    let closed = false;
    slow.ws.once('close', () => (closed = true));
    // Announcements to the lot, ~1.5 KB each, published to Redis as the API's RealtimePublisher.toLot does
    // (LiveFeedHub.publish): the feed on process B gets them from Redis. Thousands are needed before the kernel's
    // buffers are full and the server's start to grow; one HTTP request each took over 120 s on a slow machine.
    const redis = new RedisConnectionFactory({ REDIS_URL: env.REDIS_URL, REDIS_PREFIX: env.REDIS_PREFIX } as AppConfig);
    const publisher = new LiveFeedHub(redis);
    const message = '拍'.repeat(500);
    let sent = 0;
    const droppedOnB = async () => Number(/^zjp_live_feed_dropped_total (\d+)/m.exec((await request(b.url).get('/metrics')).text)?.[1] ?? NaN);
    try {
      expect(await droppedOnB()).toBe(0);
      // the real route once, then the publisher directly
      await request(a.url).post('/realtime/announcements').set('Authorization', `Bearer ${adminToken}`).send({ lotId, message }).expect(202);
      sent++;
      while (sent < 20_000 && (await droppedOnB()) === 0) {
        for (let i = 0; i < 200; i++) publisher.publish(lotId, SERVER_EVENTS.announcement, { id: randomUUID(), message, lotId, at: new Date().toISOString() });
        sent += 200;
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await redis.onApplicationShutdown();
    }
    // the last announcements may still be on their way through Redis: wait for the drop
    const deadline = Date.now() + 20_000;
    while ((await droppedOnB()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await droppedOnB()).toBe(1);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume(); // reads what the kernel kept, then finds the connection reset
    await until(() => closed, 'the slow watcher dropped', 20_000);
    await until(() => fine.frames.filter((f) => f.event === 'announcement').length === sent, 'every announcement on the other feed');
    expect(fine.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('negotiates no permessage-deflate, on the feed or on socket.io (compression would cost far more CPU and memory per watcher)', async () => {
    const lotId = await insertLot(dbOf());
    for (const url of [wsUrl(a.url, lotId), `${a.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`]) {
      const ws = new WebSocket(url, { perMessageDeflate: true }); // the client offers it
      feeds.push(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      expect(ws.extensions).toBe('');
      ws.close();
    }
  });

  it("delivers the worker's lot.closed to feed watchers", async () => {
    const lotId = await insertLot(dbOf(), { endsAt: new Date(Date.now() + 3_000) });
    const spectator = await feed(a.url, [lotId]);
    await until(() => spectator.frames.some((f) => f.event === 'lot.closed'), 'lot.closed', 30_000);
    expect(spectator.frames.find((f) => f.event === 'lot.closed')!.data).toMatchObject({ lotId });
  });
});
