import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { getQueueToken } from '@nestjs/bullmq';
import { QueueEvents, type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { AUCTION_JOBS, LotNoticesService, type NotifyOutbidJob } from '../../libs/market/src';
import { QUEUES } from '../../libs/platform/src';
import { startStripeServer, type StripeServer } from '../stripe-server/stripe-server';
import { createOrganization, createUser, login, startApi, type TestApi } from '../support/api';
import { insertAchievement } from '../support/registry-factory';

interface Notice {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

/**
 * The enterprise's notices, stored (GET /notifications) and pushed live (socket event
 * `notification` to every socket of the organisation's users): outbid (also by a proxy), won and
 * lost at the close, deposits released, starting soon (a delayed job), a contract to sign, a
 * payment received through the Stripe-speaking server. The API and the worker run in this process
 * on one Redis: the worker's notices reach the API's sockets through the Redis emitter.
 */
describe('notifications: stored and pushed live to the organisation users', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let stripe: StripeServer;
  let ds: DataSource;
  const sockets: Socket[] = [];
  const orgs: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  /** what each socket received, by who (a: enterprise A's admin, aMember, b, c: another organisation) */
  const received: Record<string, Notice[]> = { a: [], aMember: [], b: [], c: [] };
  const live: Record<string, Socket> = {};
  const cleanups: (() => Promise<void>)[] = [];

  const bearer = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const inbox = async (who: string, query = ''): Promise<Notice[]> => {
    const res = await api.http.get(`/notifications${query}`).set(bearer(who));
    expect(res.status).toBe(200);
    expect(res.body.total).toBeGreaterThanOrEqual(res.body.items.length);
    return res.body.items as Notice[];
  };
  const until = async <T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const pushed = (who: string, kind: string, lotOrContract?: string) =>
    until(
      () => received[who].find((n) => n.kind === kind && (!lotOrContract || Object.values(n.data).includes(lotOrContract))),
      `${who}'s ${kind} notification on its socket`,
    );
  const connect = async (who: string): Promise<Socket> => {
    const s = io(api.url, { auth: { token: tokens[who] }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    s.on('notification', (n: Notice) => received[who].push(n));
    return s;
  };
  const createLot = async (body: Record<string, unknown>): Promise<string> => {
    const achievementId = await insertAchievement(ds, orgs.holder, { title: `通知测试成果-${Date.now()}` });
    const res = await api.http
      .post('/lots')
      .set(bearer('holder'))
      .send({
        achievementId,
        dealType: 'license',
        licenseType: 'exclusive',
        startingPriceFen: '1000000',
        increment: { kind: 'fixed', amountFen: '10000' },
        depositFen: '0',
        extensionMinutes: 0,
        ...body,
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    stripe = await startStripeServer({ port: 0, webhookSecret: 'whsec_e2e_secret' });
    api = await startApi({ STRIPE_API_BASE: stripe.url, STRIPE_SECRET_KEY: 'sk_test_e2e', STRIPE_WEBHOOK_SECRET: 'whsec_e2e_secret' });
    stripe.setWebhookUrl(`${api.url}/payments/stripe/webhook`);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(api.config, { schedule: false }), { logger: false, abortOnError: false });
    ds = api.app.get(DataSource);
    orgs.holder = await createOrganization(api, {
      type: 'holder',
      name: '通知测试大学',
      regionCode: '330106',
      holderCategory: 'university',
      highLevelPlatform: true,
    });
    orgs.a = await createOrganization(api, { type: 'enterprise', name: '通知测试企业甲', regionCode: '330603', sme: true });
    orgs.b = await createOrganization(api, { type: 'enterprise', name: '通知测试企业乙', regionCode: '330106', sme: true });
    orgs.c = await createOrganization(api, { type: 'enterprise', name: '通知测试企业丙', regionCode: '330212', sme: true });
    orgs.operator = await createOrganization(api, { type: 'authority', name: '通知测试运营方', regionCode: '330000', authorityLevel: 'province' });
    const user = async (who: string, org: string, role: Parameters<typeof createUser>[2][number]) =>
      (tokens[who] = (await login(api, await createUser(api, orgs[org], [role]))).accessToken);
    await user('holder', 'holder', 'holder_admin');
    await user('a', 'a', 'enterprise_admin');
    await user('aMember', 'a', 'enterprise_member');
    await user('b', 'b', 'enterprise_admin');
    await user('c', 'c', 'enterprise_admin');
    await user('admin', 'operator', 'platform_admin');
    for (const who of ['a', 'aMember', 'b', 'c']) live[who] = await connect(who);
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
    sockets.forEach((s) => s.close());
    await worker?.close();
    await api?.close();
    await stripe?.close();
  });

  it('outbid (by a bid, and by a proxy counter-bid), then won / lost and the loser deposit released at the close', async () => {
    const lotId = await createLot({
      depositFen: '100000',
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 14_000).toISOString(),
    });
    for (const who of ['a', 'b']) {
      const reg = await api.http.post(`/lots/${lotId}/registrations`).set(bearer(who)).send({ paymentMethod: 'pm_card_visa' });
      expect(reg.status).toBe(201);
      await until(
        async () => ((await api.http.get(`/lots/${lotId}/registrations/mine`).set(bearer(who))).body.depositStatus === 'held' ? true : undefined),
        `${who}'s deposit held`,
      );
    }
    const bid = async (who: string, amountFen: string, maxFen?: string) =>
      (await live[who].emitWithAck('lot.bid', { lotId, amountFen, maxFen, idempotencyKey: `${who}-${amountFen}` })) as {
        ok: boolean;
        data: Record<string, unknown>;
      };

    // A bids with a proxy maximum; B's bid is answered by A's proxy at once: B is outbid by the proxy
    expect((await bid('a', '1000000', '1200000')).data).toMatchObject({ status: 'accepted', leading: true });
    expect((await bid('b', '1010000')).data).toMatchObject({ status: 'accepted', leading: false, currentFen: '1020000' });
    const byProxy = await pushed('b', 'outbid', lotId);
    expect(byProxy).toMatchObject({ kind: 'outbid', title: '您的出价已被超越', data: { lotId, currentFen: '1020000' }, readAt: null });
    expect(byProxy.body).toContain('10,200.00');

    // B goes above A's maximum: A is outbid, on both its users' sockets, and in its inbox
    expect((await bid('b', '1300000')).data).toMatchObject({ status: 'accepted', leading: true });
    const outbid = await pushed('a', 'outbid', lotId);
    expect(outbid.data).toEqual({ lotId, currentFen: '1300000' });
    expect(await pushed('aMember', 'outbid', lotId)).toEqual(outbid);
    expect((await inbox('a')).find((n) => n.id === outbid.id)).toEqual(outbid); // the pushed payload is the stored item
    expect((await inbox('aMember')).map((n) => n.id)).toContain(outbid.id);
    expect((await inbox('b')).filter((n) => n.kind === 'outbid')).toHaveLength(1);

    // at the close (the worker's job): B won, A lost, A's deposit hold released
    const won = await pushed('b', 'lot_won', lotId);
    expect(won).toMatchObject({ title: '恭喜您竞得拍品', data: { lotId, hammerPriceFen: '1300000' } });
    const lost = await pushed('a', 'lot_lost', lotId);
    expect(lost.data).toMatchObject({ lotId, result: 'sold', hammerPriceFen: '1300000' });
    const released = await pushed('a', 'deposit_released', lotId);
    expect(released.data).toMatchObject({ lotId, amountFen: '100000', depositId: expect.any(String) });
    expect((await inbox('b')).map((n) => n.kind)).not.toContain('deposit_released'); // the winner's stays held for the contract
    // newest first
    const kinds = (await inbox('a')).map((n) => n.kind);
    expect(kinds.indexOf('lot_lost')).toBeLessThan(kinds.indexOf('outbid'));
    const times = (await inbox('a')).map((n) => n.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    // a second outbid of the same organisation on the same lot within the window stores nothing more
    const notices = worker.get(LotNoticesService);
    const open = await createLot({ startsAt: new Date(Date.now() - 1000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(await notices.outbid(open, [orgs.c])).toEqual([orgs.c]);
    expect(await notices.outbid(open, [orgs.c])).toEqual([]);
    expect((await inbox('c')).filter((n) => n.kind === 'outbid')).toHaveLength(1);
    await pushed('c', 'outbid', open);
    await ds.query(`DELETE FROM notifications WHERE organization_id = $1`, [orgs.c]);
    received.c.length = 0;
  }, 90_000);

  it('outbid jobs as the API queues them: many lots in one job (one lookup, one insert), and a job of the old one-lot shape', async () => {
    const queue = worker.get<Queue>(getQueueToken(QUEUES.auctions));
    const connection = new Redis(api.config.REDIS_URL, { maxRetriesPerRequest: null });
    const queueEvents = new QueueEvents(QUEUES.auctions, { connection, prefix: `${api.config.REDIS_PREFIX}bull` });
    await queueEvents.waitUntilReady();
    cleanups.push(async () => {
      await queueEvents.close();
      await connection.quit();
    });
    const window = { startsAt: new Date(Date.now() - 1000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString() };
    const [one, two, cancelled, legacy] = [await createLot(window), await createLot(window), await createLot(window), await createLot(window)];
    await ds.query(`UPDATE lots SET status = 'cancelled' WHERE id = $1`, [cancelled]);
    const job: NotifyOutbidJob = {
      lots: [
        { lotId: one, organizationIds: [orgs.a, orgs.c] },
        { lotId: two, organizationIds: [orgs.c] },
        { lotId: cancelled, organizationIds: [orgs.a] },
        { lotId: one, organizationIds: [orgs.a] }, // the same lot twice (two API processes' flushes): one notice
      ],
    };
    const done = await (await queue.add(AUCTION_JOBS.notifyOutbid, job)).waitUntilFinished(queueEvents, 30_000);
    expect(done).toEqual({ notified: 3 });
    await queue.add(AUCTION_JOBS.notifyOutbid, { lotId: legacy, organizationIds: [orgs.b] }); // queued by an older API during a deploy
    for (const [who, lotId] of [
      ['a', one],
      ['aMember', one],
      ['c', one],
      ['c', two],
      ['b', legacy],
    ]) {
      expect((await pushed(who, 'outbid', lotId)).data).toEqual({ lotId, currentFen: null });
    }
    const outbids = async (who: string) =>
      (await inbox(who)).filter((n) => n.kind === 'outbid' && [one, two, cancelled, legacy].includes(n.data.lotId as string));
    expect((await outbids('a')).map((n) => n.data.lotId)).toEqual([one]); // not the cancelled lot's, and once
    expect((await outbids('c')).map((n) => n.data.lotId).sort()).toEqual([one, two].sort());
    expect((await outbids('b')).map((n) => n.data.lotId)).toEqual([legacy]);
    // within the throttle window the same job again sends nothing
    expect(await (await queue.add(AUCTION_JOBS.notifyOutbid, job)).waitUntilFinished(queueEvents, 30_000)).toEqual({ notified: 0 });
    expect(await outbids('c')).toHaveLength(2);
    await ds.query(`DELETE FROM notifications WHERE organization_id = $1`, [orgs.c]); // the next test starts from C's empty inbox
    received.c.length = 0;
  }, 60_000);

  it('lot_starting_soon: a delayed job about 30 minutes before the start, to registered enterprises only, once', async () => {
    const startsAt = new Date(Date.now() + 30 * 60_000 + 3_000);
    const lotId = await createLot({ startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString() });
    expect((await api.http.post(`/lots/${lotId}/registrations`).set(bearer('a')).send({})).status).toBe(201);
    const soon = await pushed('a', 'lot_starting_soon', lotId);
    expect(soon).toMatchObject({ title: '拍品即将开拍', data: { lotId, startsAt: startsAt.toISOString() } });
    expect(soon.body).toContain('北京时间');
    // idempotent: the job again stores nothing; B, not registered, heard nothing
    expect(await worker.get(LotNoticesService).startingSoon(lotId, startsAt.toISOString())).toBe(0);
    expect((await inbox('a')).filter((n) => n.kind === 'lot_starting_soon' && n.data.lotId === lotId)).toHaveLength(1);
    expect(received.b.filter((n) => n.data.lotId === lotId)).toEqual([]);
  }, 60_000);

  it('contract_ready_to_sign when submitted, payment_received when the enterprise pays by Stripe', async () => {
    const achievementId = await insertAchievement(ds, orgs.holder, { title: '一种通知测试用催化剂' });
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const draft = await api.http
      .post('/contracts')
      .set(bearer('holder'))
      .send({
        type: 'license',
        achievementId,
        buyerId: orgs.a,
        terms: {
          license: { licenseType: 'exclusive', startsOn: today, endsOn: '2031-12-31', territory: '中国大陆', fieldOfUse: '催化', sublicensing: false },
          fees: [{ kind: 'lump_sum', amountFen: '500000', dueDays: 30 }],
        },
      });
    expect(draft.status).toBe(201);
    const contractId = draft.body.id as string;
    expect((await api.http.post(`/contracts/${contractId}/submission`).set(bearer('holder')).send({ version: 1 })).status).toBe(200);
    const ready = await pushed('a', 'contract_ready_to_sign', contractId);
    expect(ready).toMatchObject({ title: '技术合同待签署', data: { contractId, version: 1 } });
    expect(await pushed('aMember', 'contract_ready_to_sign', contractId)).toEqual(ready);

    expect((await api.http.post(`/contracts/${contractId}/signatures`).set(bearer('holder')).send({ version: 1 })).status).toBe(200);
    expect((await api.http.post(`/contracts/${contractId}/signatures`).set(bearer('a')).send({ version: 1 })).status).toBe(200);
    const registered = await api.http
      .post(`/contracts/${contractId}/registration`)
      .set(bearer('admin'))
      .send({ number: `${today.slice(0, 4)}330106${String(Date.now()).slice(-6)}`, registeredOn: today, registry: '杭州市技术合同登记处' });
    expect(registered.status).toBe(200);
    const pay = await api.http
      .post(`/contracts/${contractId}/payments`)
      .set(bearer('a'))
      .send({ paymentMethod: 'pm_card_visa', idempotencyKey: `notify-${contractId}` });
    expect([pay.status, pay.body.status]).toEqual([201, 'succeeded']);
    const received_ = await pushed('a', 'payment_received', contractId);
    expect(received_).toMatchObject({ title: '付款已到账', data: { contractId, amountFen: '500000', paymentId: expect.any(String) } });
    expect(received_.body).toContain('5,000.00');
    // the webhook of the same payment (processed by the worker) does not notify twice
    await new Promise((r) => setTimeout(r, 1500));
    expect((await inbox('a')).filter((n) => n.kind === 'payment_received' && n.data.contractId === contractId)).toHaveLength(1);
  }, 60_000);

  it("never shows or pushes another organisation's notices; reading one is 404; read-all and unreadOnly", async () => {
    expect(received.c).toEqual([]);
    expect(await inbox('c')).toEqual([]);
    expect(received.b.some((n) => n.kind === 'contract_ready_to_sign' || n.kind === 'lot_lost')).toBe(false);
    const [mine] = await inbox('a');
    const foreign = await api.http.post(`/notifications/${mine.id}/read`).set(bearer('c'));
    expect([foreign.status, foreign.body.code]).toEqual([404, 'NOTIFICATION_NOT_FOUND']);
    expect([400, 404]).toContain((await api.http.post(`/notifications/not-a-uuid/read`).set(bearer('a'))).status);
    expect((await api.http.post('/notifications/read-all')).status).toBe(401);
    expect((await inbox('a')).find((n) => n.id === mine.id)?.readAt).toBeNull(); // the foreign read changed nothing

    // a member reads one for the organisation; then the admin reads all the rest
    expect((await api.http.post(`/notifications/${mine.id}/read`).set(bearer('aMember'))).status).toBe(204);
    const unread = await inbox('a', '?unreadOnly=true');
    expect(unread.map((n) => n.id)).not.toContain(mine.id);
    expect(unread.length).toBeGreaterThan(0);
    expect((await api.http.get('/notifications?unreadOnly=maybe').set(bearer('a'))).status).toBe(400);
    const all = await api.http.post('/notifications/read-all').set(bearer('a'));
    expect([all.status, all.body]).toEqual([200, { marked: unread.length }]);
    expect(await inbox('a', '?unreadOnly=true')).toEqual([]);
    expect((await inbox('b', '?unreadOnly=true')).length).toBeGreaterThan(0); // B's inbox untouched
  });
});
