import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { createOrganization, createUser, login } from '../support/api';
import { testConfig } from '../support/config';
import { insertLot } from '../support/market-factory';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/test-database';
import { TEST_REDIS_URL } from '../support/env';

/**
 * PostgreSQL unreachable (the API reaches it through a proxy the test cuts): bids and reads are
 * answered 503 SERVICE_UNAVAILABLE with Retry-After, the socket ack carries the same code, and the
 * same bid resent with the same key after the outage is accepted once.
 */
describe('outage answers: PostgreSQL unreachable', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: INestApplication;
  let url: string;
  let token: string; // bids on the socket
  let other: string; // bids over HTTP
  let lotId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const target = new URL(db.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    app = await createApiApp(testConfig(proxied.toString()));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const api = { app, http: request(url) } as Parameters<typeof createOrganization>[0];
    const enterprise = await createOrganization(api, { type: 'enterprise', name: '断网测试企业', regionCode: '330603', sme: true });
    const rival = await createOrganization(api, { type: 'enterprise', name: '断网测试企业二', regionCode: '330603', sme: true });
    token = (await login(api, await createUser(api, enterprise, ['enterprise_admin']))).accessToken;
    other = (await login(api, await createUser(api, rival, ['enterprise_admin']))).accessToken;
    const ds = app.get((await import('typeorm')).DataSource);
    lotId = await insertLot(ds, { startingPriceFen: 1_000_000n, incrementFen: 10_000n });
    await ds.query(`UPDATE lots SET status = 'open' WHERE id = $1`, [lotId]);
    await ds.query(
      `INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, offline, deposit_status) VALUES ($1, $2, 1, false, 'held'), ($1, $3, 2, false, 'held')`,
      [lotId, enterprise, rival],
    );
  });

  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await app?.close();
    await proxy.close();
    await db.drop();
  });

  const bid = (amountFen: string, idempotencyKey: string) =>
    request(url).post(`/lots/${lotId}/bids`).set('Authorization', `Bearer ${other}`).send({ amountFen, idempotencyKey });

  function connect(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After during the outage, and takes the resent bids once afterwards', async () => {
    const socket = await connect(); // the socket needs no database: its token is checked without one
    try {
      expect(await socket.emitWithAck('lot.bid', { lotId, amountFen: '1000000', idempotencyKey: 'before' })).toMatchObject({
        ok: true,
        data: { status: 'accepted', seq: 1 },
      });
      await proxy.cut();

      const http = await bid('1010000', 'during-http');
      expect(http.status).toBe(503);
      expect(http.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { retryAfterSeconds: expect.any(Number) } });
      expect(Number(http.headers['retry-after'])).toBeGreaterThan(0);

      const ack = await socket.emitWithAck('lot.bid', { lotId, amountFen: '1020000', idempotencyKey: 'during-socket' });
      expect(ack).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } });

      const read = await request(url).get(`/lots/${lotId}`);
      expect(read.status).toBe(503);
      expect(read.body.code).toBe('SERVICE_UNAVAILABLE');

      await proxy.restore();
      // what a client does: resend the same bids with the same keys
      let again = await bid('1010000', 'during-http');
      for (let i = 0; again.status === 503 && i < 50; i++) {
        await new Promise((r) => setTimeout(r, 200));
        again = await bid('1010000', 'during-http');
      }
      expect(again.body).toMatchObject({ status: 'accepted', seq: 2, replay: false });
      expect((await bid('1010000', 'during-http')).body).toMatchObject({ status: 'accepted', seq: 2, replay: true });
      expect(await socket.emitWithAck('lot.bid', { lotId, amountFen: '1020000', idempotencyKey: 'during-socket' })).toMatchObject({
        ok: true,
        data: { status: 'accepted', seq: 3 },
      });
    } finally {
      socket.disconnect();
    }
    const stored = await queryDatabase<{ seq: number; amount_fen: string }>(
      db.url,
      `SELECT seq, amount_fen FROM bids WHERE lot_id = $1 AND seq IS NOT NULL ORDER BY seq`,
      [lotId],
    );
    expect(stored.map((b) => [b.seq, b.amount_fen])).toEqual([
      [1, '1000000'],
      [2, '1010000'],
      [3, '1020000'],
    ]);
  });
});

/**
 * Redis unreachable (through a proxy the test cuts): requests whose token check needs Redis (revoked
 * sessions) are answered 503 SERVICE_UNAVAILABLE, and so is a socket handshake, instead of a 500.
 */
describe('outage answers: Redis unreachable', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: INestApplication;
  let url: string;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = new URL(TEST_REDIS_URL);
    proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    redis.hostname = '127.0.0.1';
    redis.port = String(proxy.port);
    app = await createApiApp(testConfig(db.url, { REDIS_URL: redis.toString() }));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const api = { app, http: request(url) } as Parameters<typeof createOrganization>[0];
    const holder = await createOrganization(api, { type: 'holder', name: '断网测试大学', regionCode: '330106', holderCategory: 'university' });
    token = (await login(api, await createUser(api, holder, ['holder_admin']))).accessToken;
  });

  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await app?.close();
    await proxy.close();
    await db.drop();
  });

  it('answers 503 SERVICE_UNAVAILABLE on HTTP and on the socket handshake while Redis is away, and serves again after', async () => {
    expect((await request(url).get('/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    await proxy.cut();
    try {
      const res = await request(url).get('/auth/me').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      const refused = await new Promise<{ data?: { code?: string } }>((resolve) => {
        const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false });
        socket.once('connect', () => resolve({}));
        socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err));
      });
      expect(refused.data?.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await proxy.restore();
    }
    let after = await request(url).get('/auth/me').set('Authorization', `Bearer ${token}`);
    for (let i = 0; after.status !== 200 && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = await request(url).get('/auth/me').set('Authorization', `Bearer ${token}`);
    }
    expect(after.status).toBe(200);
  });
});
