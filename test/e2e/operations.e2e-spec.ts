import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { startApi, TestApi, usersOfEveryRole, type RoleUsers } from '../support/api';
import { testEnv } from '../support/config';
import { insertLot } from '../support/market-factory';
import { startProcess } from '../support/processes';
import { createTestDatabase } from '../support/test-database';

/** One sample of a metric in Prometheus's text format, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (wanted) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('operations: Prometheus metrics at /metrics and a request id in every error body', () => {
  let api: TestApi;
  let users: RoleUsers;
  let db: DataSource;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api);
    db = api.app.get(require('typeorm').DataSource);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await api.close();
  });

  const metrics = async () => {
    const res = await api.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it('counts bids received and answered by outcome and code, and times their acknowledgements', async () => {
    const lotId = await insertLot(db, { startingPriceFen: 1_000_000n, incrementFen: 10_000n });
    await db.query(`INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, offline, deposit_status) VALUES ($1, $2, 1, false, 'held')`, [
      lotId,
      users.enterprise_admin.organizationId,
    ]);
    const before = await metrics();
    const bid = (amountFen: string) =>
      api.http.post(`/lots/${lotId}/bids`).set('Authorization', `Bearer ${users.enterprise_admin.token}`).send({ amountFen, idempotencyKey: randomUUID() });
    expect((await bid('1000000')).body).toMatchObject({ status: 'accepted' });
    expect((await bid('1000000')).body).toMatchObject({ status: 'rejected', code: 'ALREADY_LEADING' });
    expect(
      (
        await api.http
          .post(`/lots/${randomUUID()}/bids`)
          .set('Authorization', `Bearer ${users.enterprise_admin.token}`)
          .send({ amountFen: '1000000', idempotencyKey: randomUUID() })
      ).status,
    ).toBe(404);
    const after = await metrics();
    const delta = (name: string, labels: Record<string, string>) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(delta('zjp_bids_received_total', { source: 'online' })).toBe(3);
    expect(delta('zjp_bids_answered_total', { source: 'online', outcome: 'accepted' })).toBe(1);
    expect(delta('zjp_bids_answered_total', { source: 'online', outcome: 'rejected', code: 'ALREADY_LEADING' })).toBe(1);
    expect(delta('zjp_bids_answered_total', { source: 'online', outcome: 'failed', code: 'LOT_NOT_FOUND' })).toBe(1);
    expect(delta('zjp_bid_ack_seconds_count', { source: 'online' })).toBe(3);
  });

  it('times HTTP requests by route pattern, not by id', async () => {
    await api.http.get(`/lots/${randomUUID()}`);
    const text = await metrics();
    expect(sample(text, 'zjp_http_request_duration_seconds_count', { method: 'GET', route: '/lots/:id', status: '4xx' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(/route="\/lots\/[0-9a-f]{8}-/);
  });

  it('reports connected sockets, watched lots and their watchers, and queue depths by state', async () => {
    const lotId = await insertLot(db);
    const socket = io(api.url, { auth: { token: users.enterprise_member.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
    expect(await socket.emitWithAck('lot.join', { lotId })).toMatchObject({ ok: true });
    const text = await metrics();
    expect(sample(text, 'zjp_sockets_connected')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'zjp_lot_rooms', { measure: 'rooms' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'zjp_lot_rooms', { measure: 'watchers' })).toBeGreaterThanOrEqual(1);
    for (const queue of ['auctions', 'payments', 'compliance']) {
      for (const state of ['waiting', 'delayed', 'failed']) expect(sample(text, 'zjp_queue_jobs', { queue, state })).toEqual(expect.any(Number));
    }
    expect(sample(text, 'zjp_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('refuses /metrics to a proxied request when no token is configured (nginx in front does not make the internet internal)', async () => {
    const res = await api.http.get('/metrics').set('X-Forwarded-For', '203.0.113.9');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'METRICS_FORBIDDEN' });
  });

  it('with METRICS_TOKEN, serves /metrics only to that bearer token, even on the internal network', async () => {
    const token = randomUUID();
    const guarded = await startApi({ METRICS_TOKEN: token });
    try {
      expect((await guarded.http.get('/metrics')).status).toBe(403);
      expect((await guarded.http.get('/metrics').set('Authorization', `Bearer ${token}x`)).body).toMatchObject({ code: 'METRICS_FORBIDDEN' });
      const ok = await guarded.http.get('/metrics').set('Authorization', `Bearer ${token}`);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('zjp_bids_received_total');
    } finally {
      await guarded.close();
    }
  });

  it('puts the request id in every HTTP error body: the X-Request-Id answered, or the one the client sent', async () => {
    const generated = await api.http.get(`/lots/${randomUUID()}`);
    expect(generated.status).toBe(404);
    expect(generated.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.body.requestId).toBe(generated.headers['x-request-id']);
    const given = await api.http.post('/auth/login').set('X-Request-Id', 'support-ticket-4711').send({ email: 'x' });
    expect(given.status).toBe(400);
    expect(given.body).toMatchObject({ code: 'VALIDATION_FAILED', requestId: 'support-ticket-4711' });
    const unauthenticated = await api.http.get('/auth/me');
    expect(unauthenticated.body).toMatchObject({ code: 'UNAUTHENTICATED', requestId: unauthenticated.headers['x-request-id'] });
    // an id that is not a plain token (spaces, quotes, 65+ characters) is replaced by one of ours
    for (const bad of ['a b', '"}{"x', 'x'.repeat(65)]) {
      const replaced = await api.http.get('/auth/me').set('X-Request-Id', bad);
      expect(replaced.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(replaced.headers['x-request-id']).toBe(replaced.body.requestId);
    }
  });

  it('puts a request id in socket error acknowledgements (Nest events and the bid hot path)', async () => {
    const socket = io(api.url, { auth: { token: users.enterprise_admin.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
    const join = await socket.emitWithAck('lot.join', { lotId: 'nope' });
    expect(join).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    const bid = await socket.emitWithAck('lot.bid', { lotId: randomUUID(), amountFen: '100', idempotencyKey: 'k' });
    expect(bid).toMatchObject({ ok: false, error: { code: 'LOT_NOT_FOUND', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
  });

  it('counts error answers by transport and code, rate limits included', async () => {
    const limited = await startApi({ RATE_LIMIT_LOGIN_PER_ACCOUNT: '2/60' });
    try {
      const scrape = async () => (await limited.http.get('/metrics')).text;
      const before = await scrape();
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await limited.http.post('/auth/login').send({ email: 'nobody@example.cn', password: `wrong-${randomUUID()}` }));
      expect(answers.map((a) => a.status)).toEqual([401, 401, 429]);
      await limited.http.post('/auth/login').send({ email: 42 });
      const socket = io(limited.url, { auth: { token: 'not-a-jwt' }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      const handshake = await new Promise<unknown>((resolve) => socket.once('connect', () => resolve('connected')).once('connect_error', (e) => resolve(e)));
      expect(handshake).toBeInstanceOf(Error); // a bad token: refused at the handshake, not an ack (no token watches anonymously)
      const after = await scrape();
      const delta = (labels: Record<string, string>) =>
        (sample(after, 'zjp_error_answers_total', labels) ?? 0) - (sample(before, 'zjp_error_answers_total', labels) ?? 0);
      expect(delta({ transport: 'http', code: (answers[0].body as { code: string }).code })).toBe(2);
      expect(delta({ transport: 'http', code: 'RATE_LIMITED' })).toBe(1);
      expect(delta({ transport: 'http', code: 'VALIDATION_FAILED' })).toBe(1);
    } finally {
      await limited.close();
    }
    // socket acknowledgements, on the shared API: a malformed lot.join and a bid on a missing lot
    const before = await metrics();
    const socket = io(api.url, { auth: { token: users.enterprise_admin.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
    await socket.emitWithAck('lot.join', { lotId: 'nope' });
    await socket.emitWithAck('lot.bid', { lotId: randomUUID(), amountFen: '100', idempotencyKey: randomUUID() });
    const after = await metrics();
    const delta = (labels: Record<string, string>) =>
      (sample(after, 'zjp_error_answers_total', labels) ?? 0) - (sample(before, 'zjp_error_answers_total', labels) ?? 0);
    expect(delta({ transport: 'socket', code: 'VALIDATION_FAILED' })).toBe(1);
    expect(delta({ transport: 'socket', code: 'LOT_NOT_FOUND' })).toBe(1);
  });

  it('writes the request id in the log lines of a request (a built API process, JSON logs)', async () => {
    const database = await createTestDatabase();
    const proc = await startProcess('apps/api/src/main.js', testEnv(database.url, { LOG_LEVEL: 'info' }), /api listening on (http:\/\/\S+)/);
    try {
      const res = await request(proc.match[1]).get(`/lots/${randomUUID()}`).set('X-Request-Id', 'trace-me-0001');
      expect(res.body.requestId).toBe('trace-me-0001');
      await new Promise((r) => setTimeout(r, 200));
      const lines = proc
        .output()
        .split('\n')
        .filter((l) => l.includes('trace-me-0001'));
      expect(lines.length).toBeGreaterThanOrEqual(1);
      const line = JSON.parse(lines[0]) as { req?: { id?: string }; res?: { statusCode?: number } };
      expect(line.req?.id).toBe('trace-me-0001');
      expect(line.res?.statusCode).toBe(404);
    } finally {
      await proc.stop();
      await database.drop();
    }
  });
});
