import { randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import request from 'supertest';
import { testEnv } from '../support/config';
import { runProcess, RunningProcess, startProcess } from '../support/processes';
import type { DataSource } from 'typeorm';
import { ownerOf } from '../../libs/market/src/bidding/bid-owner';
import { insertLot } from '../support/market-factory';
import { createTestDatabase, queryDatabase, TestDatabase } from '../support/test-database';

/**
 * Two API processes share one Redis: a socket.io event emitted through process A reaches a
 * client connected to process B (the Redis adapter), as with two replicas behind a balancer.
 */
describe('socket.io across two API processes', () => {
  let db: TestDatabase;
  let a: RunningProcess & { url: string };
  let b: RunningProcess & { url: string };
  const sockets: Socket[] = [];
  let adminToken: string;
  let enterpriseToken: string;
  let enterpriseId: string;
  let shared: Record<string, string>;

  const env = () => testEnv(db.url, { LOG_LEVEL: 'warn' });

  const connect = (url: string, token?: string): Socket => {
    const socket = io(url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  };
  const connected = (s: Socket) =>
    new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
  const waitFor = async (check: () => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const login = async (url: string, email: string, password: string) => {
    const res = await request(url).post('/auth/login').send({ email, password });
    expect(res.status).toBe(200);
    return res.body.accessToken as string;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    shared = { ...env(), BID_ROUTING_HOT_RATE: '0' }; // every lot's bids go to its owner, from the first (the product waits for a hot lot)
    const start = async () => {
      const p = await startProcess('apps/api/src/main.js', shared, /api listening on (http:\/\/\S+)/);
      return Object.assign(p, { url: p.match[1] });
    };
    [a, b] = await Promise.all([start(), start()]);
    expect(a.url).not.toBe(b.url);

    // the first administrator comes from the command, as on a new installation
    const created = await runProcess('apps/api/src/cli/create-admin.js', ['--email', 'root@test.example', '--password', 'Root-password-1'], shared);
    expect(created.stdout).toContain('created platform administrator root@test.example');
    adminToken = await login(a.url, 'root@test.example', 'Root-password-1');

    const org = await request(a.url)
      .post('/organizations')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ type: 'enterprise', name: '柯桥企业', regionCode: '330603', sme: true });
    expect(org.status).toBe(201);
    enterpriseId = org.body.id as string;
    const user = await request(a.url)
      .post(`/organizations/${org.body.id}/users`)
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ email: 'bidder@test.example', displayName: '竞买人', password: 'Bidder-password-1', roles: ['enterprise_admin'] });
    expect(user.status).toBe(201);
    enterpriseToken = await login(b.url, 'bidder@test.example', 'Bidder-password-1');
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  /** The factories take a DataSource; these processes' database is reached by plain queries. */
  const dbOf = () => ({ query: (sql: string, params?: unknown[]) => queryDatabase(db.url, sql, params) }) as unknown as DataSource;

  it('delivers an event emitted on process A to a client of the lot room on process B, and not to other rooms', async () => {
    const [lotId, otherLotId] = [await insertLot(dbOf()), await insertLot(dbOf())];
    const watcher = connect(b.url, enterpriseToken);
    const elsewhere = connect(b.url, enterpriseToken);
    await Promise.all([connected(watcher), connected(elsewhere)]);
    expect(await watcher.emitWithAck('lot.join', { lotId })).toEqual({ ok: true, data: { room: `lot:${lotId}`, watchers: 1 } });
    expect((await elsewhere.emitWithAck('lot.join', { lotId: otherLotId })).ok).toBe(true);

    let strayEvents = 0;
    elsewhere.on('announcement', () => strayEvents++);
    const received = new Promise<Record<string, unknown>>((resolve) => watcher.once('announcement', resolve));
    const sent = await request(a.url)
      .post('/realtime/announcements')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ lotId, message: '第3号标的即将开拍' });
    expect(sent.status).toBe(202);

    await expect(received).resolves.toMatchObject({ lotId, message: '第3号标的即将开拍' });
    await new Promise((r) => setTimeout(r, 200));
    expect(strayEvents).toBe(0);
  });

  it('refuses a socket with a bad token with the error shape (the client refreshes it)', async () => {
    const socket = connect(a.url, 'not-a-jwt');
    const err = await new Promise<Error & { data?: unknown }>((resolve) => socket.once('connect_error', resolve));
    expect(err.data).toEqual({ code: 'INVALID_TOKEN', message: expect.any(String), requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('lets anyone watch without a token: joins a room and reads the clock, but may not bid', async () => {
    const lotId = await insertLot(dbOf());
    const anonymous = connect(b.url, undefined);
    await connected(anonymous);
    expect(await anonymous.emitWithAck('lot.join', { lotId })).toEqual({ ok: true, data: { room: `lot:${lotId}`, watchers: expect.any(Number) } });
    const before = Date.now();
    const clock = await anonymous.emitWithAck('clock.sync', {});
    expect(clock.ok).toBe(true);
    expect(Math.abs(Date.parse(clock.data.now) - before)).toBeLessThan(5_000);
    const bid = await anonymous.emitWithAck('lot.bid', { lotId, amountFen: '100000', idempotencyKey: randomUUID() });
    expect(bid).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    const [{ n }] = await queryDatabase<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM bids WHERE lot_id = $1', [lotId]);
    expect(n).toBe(0);
  });

  it('counts the watchers of a lot across API processes and tells the room when the count changes', async () => {
    const lotId = await insertLot(dbOf());
    const first = connect(a.url, enterpriseToken);
    await connected(first);
    expect((await first.emitWithAck('lot.join', { lotId })).data.watchers).toBe(1);
    const counts: number[] = [];
    first.on('lot.watchers', (e: { lotId: string; watchers: number }) => e.lotId === lotId && counts.push(e.watchers));
    const others = [connect(b.url, undefined), connect(b.url, enterpriseToken)];
    await Promise.all(others.map(connected));
    for (const s of others) expect((await s.emitWithAck('lot.join', { lotId })).ok).toBe(true);
    // each process reports every few seconds; A learns of B's two watchers from B's report
    await waitFor(() => counts.at(-1) === 3, 15_000);
    // a home page asks for the counts of its lots without joining their rooms
    const page = connect(b.url, undefined);
    await connected(page);
    const other = await insertLot(dbOf());
    expect(await page.emitWithAck('lot.watchers.count', { lotIds: [lotId, other] })).toEqual({ ok: true, data: { counts: { [lotId]: 3, [other]: 0 } } });
    expect(await page.emitWithAck('lot.watchers.count', { lotIds: ['nope'] })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await page.emitWithAck('lot.watchers.count', { lotIds: Array.from({ length: 51 }, () => randomUUID()) })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    others.forEach((s) => s.close());
    await waitFor(() => counts.at(-1) === 1, 15_000);
  });

  it('acknowledges a malformed event with VALIDATION_FAILED and the offending field', async () => {
    const socket = connect(a.url, enterpriseToken);
    await connected(socket);
    const ack = await socket.emitWithAck('lot.join', { lotId: 'not-a-uuid' });
    expect(ack).toEqual({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.any(String), details: [expect.objectContaining({ field: 'lotId' })], requestId: expect.any(String) },
    });
  });

  it('answers a malformed lot.bid (a plain listener on the hot path) with VALIDATION_FAILED naming every field, and stores nothing', async () => {
    const socket = connect(b.url, enterpriseToken);
    await connected(socket);
    const ack = await socket.emitWithAck('lot.bid', { lotId: 'lot-1', amountFen: 12.5, maxFen: '-1', idempotencyKey: '', organizationId: randomUUID() });
    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe('VALIDATION_FAILED');
    expect((ack.error.details as { field: string; code: string }[]).map((d) => `${d.field}:${d.code}`).sort()).toEqual([
      'amountFen:isFen',
      'idempotencyKey:isLength',
      'lotId:isUuid',
      'maxFen:isFen',
      'organizationId:unknownField',
    ]);
    expect(await socket.emitWithAck('lot.bid', 'not an object')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const [{ n }] = await queryDatabase<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM bids');
    expect(n).toBe(0);
  });

  it('refuses lot.bid from a role that may not bid (a platform administrator) with FORBIDDEN_ROLE before reading the bid', async () => {
    const socket = connect(a.url, adminToken);
    await connected(socket);
    const ack = await socket.emitWithAck('lot.bid', { lotId: randomUUID(), amountFen: '100' });
    expect(ack).toEqual({
      ok: false,
      error: {
        code: 'FORBIDDEN_ROLE',
        message: expect.any(String),
        details: { requiredRoles: ['enterprise_admin', 'enterprise_member'] },
        requestId: expect.any(String),
      },
    });
    // the refusal comes before the input check: a malformed bid gets the same answer
    expect((await socket.emitWithAck('lot.bid', { nonsense: true })).error.code).toBe('FORBIDDEN_ROLE');
  });

  it('a logged-out token cannot open a socket', async () => {
    const token = await login(a.url, 'bidder@test.example', 'Bidder-password-1');
    expect((await request(b.url).post('/auth/logout').set('Authorization', `Bearer ${token}`)).status).toBe(204);
    const socket = connect(a.url, token);
    const err = await new Promise<Error & { data?: { code: string } }>((resolve) => socket.once('connect_error', resolve));
    expect(err.data?.code).toBe('SESSION_REVOKED');
  });

  /** A process's metric (summed over label sets matching `labels`), read from GET /metrics as Prometheus would. */
  const metric = async (url: string, name: string, labels = ''): Promise<number> => {
    const text = (await request(url).get('/metrics')).text;
    let sum = 0;
    for (const line of text.split('\n')) if (line.startsWith(name) && line.includes(labels) && !line.startsWith('#')) sum += Number(line.split(' ').pop());
    return sum;
  };
  const routerId = async (url: string) => /zjp_bid_router_info\{id="([0-9a-f]+)"\} 1/.exec((await request(url).get('/metrics')).text)?.[1];
  const bid = (url: string, lotId: string, amountFen: string, idempotencyKey: string) =>
    request(url).post(`/lots/${lotId}/bids`).set('Authorization', `Bearer ${enterpriseToken}`).send({ amountFen, idempotencyKey });
  const register = (lotId: string) =>
    queryDatabase(db.url, `INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, offline, deposit_status) VALUES ($1, $2, 1, false, 'held')`, [
      lotId,
      enterpriseId,
    ]);
  const bidRows = (lotId: string, key: string) =>
    queryDatabase<{ status: string; seq: number | null }>(db.url, 'SELECT status, seq FROM bids WHERE lot_id = $1 AND idempotency_key = $2', [lotId, key]);

  it("judges a lot's online bids in one process: the other forwards them through Redis and answers with the owner's answer", async () => {
    const ids = [await routerId(a.url), await routerId(b.url)];
    expect(ids[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(ids[1]).not.toBe(ids[0]);
    // each process hears the other within a heartbeat or two
    const deadline = Date.now() + 10_000;
    while ((await metric(a.url, 'zjp_bid_routers')) < 2 || (await metric(b.url, 'zjp_bid_routers')) < 2) {
      if (Date.now() > deadline) throw new Error('the two API processes never saw each other');
      await new Promise((r) => setTimeout(r, 200));
    }
    const lotId = await insertLot(dbOf());
    await register(lotId);
    const [owner, other] = ownerOf(lotId, ids as string[]) === ids[0] ? [a, b] : [b, a];
    const judgedBefore = await metric(owner.url, 'zjp_bids_received_total', 'source="online"');

    const first = await bid(other.url, lotId, '1000000', 'route-1'); // arrives at the other process
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'accepted', seq: 1, currentFen: '1000000', leading: true, replay: false });
    const second = await bid(owner.url, lotId, '1010000', 'route-2'); // at the owner itself
    expect(second.body).toMatchObject({ status: 'rejected', code: 'ALREADY_LEADING', currentFen: '1000000' });
    // a lost answer resent to the other process with the same key: the first answer, one row
    const again = await bid(other.url, lotId, '1000000', 'route-1');
    expect(again.body).toMatchObject({ status: 'accepted', seq: 1, replay: true });
    // an error is carried back too: a lot that does not exist is a 404 wherever the bid arrived
    const missing = await bid(other.url, randomUUID(), '1000000', 'route-3');
    expect([missing.status, missing.body.code]).toEqual([404, 'LOT_NOT_FOUND']);

    // the owner judged all four, the other judged none of them and forwarded three (the missing lot's owner may be either)
    expect((await metric(owner.url, 'zjp_bids_received_total', 'source="online"')) - judgedBefore).toBeGreaterThanOrEqual(3);
    expect(await metric(other.url, 'zjp_bid_forwards_total', 'outcome="answered"')).toBeGreaterThanOrEqual(2);
    expect(await metric(owner.url, 'zjp_bids_judged_for_others_total')).toBeGreaterThanOrEqual(2);
    expect(await bidRows(lotId, 'route-1')).toEqual([{ status: 'accepted', seq: 1 }]);
  });

  it('judges a bid where it arrived when its owner is stopped (after 3 s, once) or gone (at once), and the stopped owner then replays it', async () => {
    const c = Object.assign(await startProcess('apps/api/src/main.js', shared, /api listening on (http:\/\/\S+)/), { url: '' });
    c.url = c.match[1];
    try {
      const cId = await routerId(c.url);
      const deadline = Date.now() + 10_000;
      while ((await metric(a.url, 'zjp_bid_routers')) < 3) {
        if (Date.now() > deadline) throw new Error('A never saw the third process');
        await new Promise((r) => setTimeout(r, 200));
      }
      const ids = [await routerId(a.url), await routerId(b.url), cId] as string[];
      // two lots of the third process's
      const lots: string[] = [];
      while (lots.length < 2) {
        const lotId = await insertLot(dbOf());
        if (ownerOf(lotId, ids) === cId) {
          await register(lotId);
          lots.push(lotId);
        }
      }
      const timeoutsBefore = await metric(a.url, 'zjp_bid_forwards_total', 'outcome="timeout"');

      // stopped (SIGSTOP): alive to Redis, but silent. A waits 3 s, then judges the bid itself.
      c.child.kill('SIGSTOP');
      const started = Date.now();
      const stalled = await bid(a.url, lots[0], '1000000', 'stalled-1');
      expect(stalled.body).toMatchObject({ status: 'accepted', seq: 1, replay: false });
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
      expect((await metric(a.url, 'zjp_bid_forwards_total', 'outcome="timeout"')) - timeoutsBefore).toBe(1);
      // woken, the third process judges the message it had been sent: the same key, so the stored answer, no second row
      c.child.kill('SIGCONT');
      const replayDeadline = Date.now() + 10_000;
      // its answer (counted once judged): the stored one, a replay
      while ((await metric(c.url, 'zjp_bids_answered_total', 'outcome="accepted"')) < 1) {
        if (Date.now() > replayDeadline) throw new Error('the third process never judged the bid it was sent');
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await metric(c.url, 'zjp_bids_judged_for_others_total')).toBe(1);
      expect(await bidRows(lots[0], 'stalled-1')).toEqual([{ status: 'accepted', seq: 1 }]);

      // gone (kill -9): nobody listens on its channel, so the bid is judged at once where it arrived
      c.child.kill('SIGKILL');
      await new Promise((r) => c.child.once('exit', r));
      const goneAt = Date.now();
      const orphan = await bid(b.url, lots[1], '1000000', 'orphan-1');
      expect(orphan.body).toMatchObject({ status: 'accepted', seq: 1, replay: false });
      expect(Date.now() - goneAt).toBeLessThan(2_500);
      expect(await bidRows(lots[1], 'orphan-1')).toEqual([{ status: 'accepted', seq: 1 }]);
    } finally {
      c.child.kill('SIGCONT');
      await c.stop();
    }
  });
});
