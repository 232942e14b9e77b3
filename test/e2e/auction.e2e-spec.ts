// @expectedSeconds 40 (on a quiet machine): the test sequencer starts the longest files first (test/support/sequencer.cjs).
import { io, Socket } from 'socket.io-client';
import request from 'supertest';
import { patentCheckChar } from '../../libs/achievements/src';
import { testEnv } from '../support/config';
import { runProcess, RunningProcess, startProcess } from '../support/processes';
import { createTestDatabase, queryDatabase, TestDatabase } from '../support/test-database';
import { startStripeServer, type StripeServer } from '../stripe-server/stripe-server';

interface LotBidsEvent {
  lotId: string;
  bids: { seq: number; amountFen: string; bidder: string }[];
  state: { seq: number; currentFen: string; leader: string };
}

/**
 * A timed auction end to end, as in production: two API processes and a worker (real OS
 * processes, one Redis), the local Stripe-speaking server with signed webhooks, socket.io bidders
 * and watchers on both API processes.
 */
describe('a live auction across two API processes and a worker', () => {
  let db: TestDatabase;
  let stripe: StripeServer;
  let a: RunningProcess & { url: string };
  let b: RunningProcess & { url: string };
  let worker: RunningProcess;
  const sockets: Socket[] = [];
  const tokens: Record<string, string> = {};
  let lotId: string;
  let endsAt: Date;

  const http = (url: string, who: string) => ({
    get: (path: string) => request(url).get(path).set('Authorization', `Bearer ${tokens[who]}`),
    post: (path: string, body: object = {}) => request(url).post(path).set('Authorization', `Bearer ${tokens[who]}`).send(body),
  });
  const connect = async (url: string, who: string): Promise<Socket> => {
    const s = io(url, { auth: { token: tokens[who] }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  };
  const until = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    stripe = await startStripeServer({ port: 0, webhookSecret: 'whsec_e2e_secret' });
    const env = testEnv(db.url, {
      LOG_LEVEL: 'warn',
      STRIPE_API_BASE: stripe.url,
      STRIPE_SECRET_KEY: 'sk_test_e2e',
      STRIPE_WEBHOOK_SECRET: 'whsec_e2e_secret',
    });
    const api = async () => {
      const p = await startProcess('apps/api/src/main.js', env, /api listening on (http:\/\/\S+)/);
      return Object.assign(p, { url: p.match[1] });
    };
    [a, b, worker] = await Promise.all([api(), api(), startProcess('apps/worker/src/main.js', env, /worker started/)]);
    stripe.setWebhookUrl(`${a.url}/payments/stripe/webhook`);

    await runProcess('apps/api/src/cli/create-admin.js', ['--email', 'admin@e2e.example', '--password', 'Admin-password-1'], env);
    const login = async (email: string, password: string) => (await request(a.url).post('/auth/login').send({ email, password })).body.accessToken as string;
    tokens.admin = await login('admin@e2e.example', 'Admin-password-1');
    const org = async (body: object) => (await http(a.url, 'admin').post('/organizations', body)).body.id as string;
    const user = async (orgId: string, who: string, role: string) => {
      const email = `${who}@e2e.example`;
      await http(a.url, 'admin').post(`/organizations/${orgId}/users`, { email, displayName: who, password: 'Password-1234', roles: [role] });
      tokens[who] = await login(email, 'Password-1234');
    };
    const holder = await org({ type: 'holder', name: '拍卖测试大学', regionCode: '330106', holderCategory: 'university', highLevelPlatform: true });
    await user(holder, 'holder', 'holder_admin');
    for (const [who, region] of [
      ['e1', '330603'],
      ['e2', '330106'],
      ['e3', '330212'],
    ]) {
      await user(await org({ type: 'enterprise', name: `竞买企业-${who}`, regionCode: region, sme: true }), who, 'enterprise_admin');
    }
    const digits = '202410777771';
    const achievement = await http(a.url, 'holder').post('/achievements', {
      title: '一种高效电池管理芯片',
      technicalField: 'internet_plus',
      kind: 'applied',
      publiclyFunded: true,
      obtainedOn: '2024-01-01',
      ipRights: [{ type: 'invention_patent', number: `ZL${digits}.${patentCheckChar(digits)}`, grantedOn: '2024-06-01' }],
    });
    expect(achievement.status).toBe(201);
    endsAt = new Date(Date.now() + 25_000); // room for the registrations, deposits and bids below on a slow machine
    const lot = await http(a.url, 'holder').post('/lots', {
      achievementId: achievement.body.id,
      dealType: 'license',
      licenseType: 'exclusive',
      startingPriceFen: '1000000',
      reservePriceFen: '1050000',
      increment: { kind: 'fixed', amountFen: '10000' },
      depositFen: '100000',
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: endsAt.toISOString(),
      extensionMinutes: 0,
    });
    expect(lot.status).toBe(201);
    lotId = lot.body.id;
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([a?.stop(), b?.stop(), worker?.stop()]);
    await stripe?.close();
    await db?.drop();
  });

  it('registers bidders with deposits held through Stripe, takes bids, broadcasts them, closes once and settles the deposits', async () => {
    // Deposits: a card hold for e1 and e2 (confirmed by the signed webhook, processed in the worker); e3's card is declined.
    for (const who of ['e1', 'e2']) {
      const reg = await http(b.url, who).post(`/lots/${lotId}/registrations`, { paymentMethod: 'pm_card_visa' });
      expect([reg.status, reg.body]).toEqual([201, expect.objectContaining({ lotId, pseudonym: expect.stringMatching(/^竞买人/) })]);
    }
    const declined = await http(b.url, 'e3').post(`/lots/${lotId}/registrations`, { paymentMethod: 'pm_card_chargeDeclined' });
    expect([declined.status, declined.body.code]).toEqual([422, 'PAYMENT_DECLINED']);
    for (const who of ['e1', 'e2']) {
      await until(
        async () => ((await http(a.url, who).get(`/lots/${lotId}/registrations/mine`)).body.depositStatus === 'held' ? true : undefined),
        `${who}'s deposit held`,
      );
    }
    expect((await http(a.url, 'e3').get(`/lots/${lotId}/registrations/mine`)).body.depositStatus).toBe('failed');

    const watcher = await connect(b.url, 'e3');
    const late = await connect(a.url, 'e3');
    expect((await watcher.emitWithAck('lot.join', { lotId })).ok).toBe(true);
    expect((await late.emitWithAck('lot.join', { lotId })).ok).toBe(true);
    const seen: LotBidsEvent[] = [];
    watcher.on('lot.bids', (e: LotBidsEvent) => seen.push(e));
    let lateLastSeq = 0;
    late.on('lot.bids', (e: LotBidsEvent) => (lateLastSeq = e.state.seq));

    const e1 = await connect(a.url, 'e1');
    const e2 = await connect(b.url, 'e2');
    const e3 = await connect(a.url, 'e3');
    const bid = (s: Socket, amountFen: string, key: string) => s.emitWithAck('lot.bid', { lotId, amountFen, idempotencyKey: key });

    expect((await bid(e3, '1000000', 'e3-1')).data).toMatchObject({ status: 'rejected', code: 'DEPOSIT_NOT_HELD' });
    expect((await bid(e1, '1000000', 'e1-1')).data).toMatchObject({ status: 'accepted', seq: 1, leading: true });
    expect((await bid(e2, '1000000', 'e2-1')).data).toMatchObject({ status: 'rejected', code: 'BID_TOO_LOW', minimumFen: '1010000' });
    expect((await bid(e2, '1010000', 'e2-2')).data).toMatchObject({ status: 'accepted', seq: 2 });

    // a client drops out, misses bids, and recovers them by sequence number
    await until(async () => (lateLastSeq === 2 ? true : undefined), 'the second client to see seq 2');
    late.disconnect();
    expect((await bid(e1, '1030000', 'e1-2')).data).toMatchObject({ status: 'accepted', seq: 3 });
    expect((await bid(e2, '1060000', 'e2-3')).data).toMatchObject({ status: 'accepted', seq: 4 });
    // a retry of the same bid (same key) after a lost acknowledgement gets the same answer, not a new bid
    expect((await bid(e2, '1060000', 'e2-3')).data).toMatchObject({ status: 'accepted', seq: 4, replay: true });
    const missed = await request(a.url).get(`/lots/${lotId}/bids?afterSeq=${lateLastSeq}`);
    expect(missed.body.bids.map((x: { seq: number }) => x.seq)).toEqual([3, 4]);

    await until(async () => (seen.flatMap((e) => e.bids).length >= 4 ? true : undefined), 'the watcher to see four bids');
    const watched = seen.flatMap((e) => e.bids);
    expect(watched.map((x) => x.seq)).toEqual([1, 2, 3, 4]);
    expect(seen[seen.length - 1].state).toMatchObject({ seq: 4, currentFen: '1060000' });
    expect(watched[0].bidder).toMatch(/^竞买人 \d{2,}$/);

    // the worker closes the lot at its end; the room hears it
    const closed = new Promise<Record<string, unknown>>((resolve) => watcher.once('lot.closed', resolve));
    await expect(closed).resolves.toMatchObject({ lotId, result: 'sold', hammerPriceFen: '1060000' });
    const after = await bid(e1, '2000000', 'e1-after');
    expect(after.data).toMatchObject({ status: 'rejected', code: 'LOT_ENDED' });

    // deposits: the loser's hold is released (cancelled); the winner's stays held for the contract
    await until(
      async () => ((await http(a.url, 'e1').get(`/lots/${lotId}/registrations/mine`)).body.depositStatus === 'released' ? true : undefined),
      'the loser deposit released',
    );
    expect((await http(a.url, 'e2').get(`/lots/${lotId}/registrations/mine`)).body.depositStatus).toBe('held');
    expect(
      stripe
        .paymentIntents()
        .map((pi) => pi.status)
        .sort(),
    ).toEqual(['canceled', 'requires_capture', 'requires_payment_method']);

    const history = await request(b.url).get(`/lots/${lotId}/bids`);
    expect(history.body.verified).toBe(true);
    expect(history.body.bids).toHaveLength(4);
    const lot = await request(b.url).get(`/lots/${lotId}`);
    expect(lot.body).toMatchObject({
      status: 'closed',
      result: 'sold',
      hammerPriceFen: '1060000',
      winner: watched[3].bidder,
      chainHead: history.body.chainHead,
    });
    expect(lot.body).not.toHaveProperty('reservePriceFen');

    // the winner does not sign in time: the operator records the default and the deposit is forfeited
    const deal = await queryDatabase<{ id: string }>(db.url, `SELECT id FROM deals WHERE lot_id = $1`, [lotId]);
    expect(deal).toHaveLength(1);
    const byHolder = await http(a.url, 'holder').post(`/deals/${deal[0].id}/default`, { reason: '未按期签约' });
    expect(byHolder.status).toBe(403);
    const defaulted = await http(b.url, 'admin').post(`/deals/${deal[0].id}/default`, { reason: '成交后未在规定期限内签订合同' });
    expect(defaulted.status).toBe(200);
    await until(
      async () => ((await http(a.url, 'e2').get(`/lots/${lotId}/registrations/mine`)).body.depositStatus === 'forfeited' ? true : undefined),
      'the winner deposit forfeited',
    );
    expect(stripe.paymentIntents().filter((pi) => pi.status === 'succeeded')).toHaveLength(1);
    const again = await http(b.url, 'admin').post(`/deals/${deal[0].id}/default`, { reason: '再次' });
    expect(again.status).toBe(409);

    // each enterprise's desk: its registration, deposit, best bid and outcome — and never another's
    const desk = async (who: string) => (await http(a.url, who).get('/bidder-registrations')).body;
    const [winner, loser] = [await desk('e2'), await desk('e1')];
    expect(winner).toMatchObject({ total: 1, limit: 20, offset: 0 });
    expect(winner.items).toEqual([
      expect.objectContaining({ lotId, depositStatus: 'forfeited', won: true, leading: true, result: 'sold', hammerPriceFen: '1060000', myBestFen: '1060000' }),
    ]);
    expect(loser.items).toEqual([expect.objectContaining({ lotId, depositStatus: 'released', won: false, leading: false, result: 'sold' })]);
    expect(BigInt(loser.items[0].myBestFen)).toBeLessThan(1060000n);
    expect(loser.items[0].pseudonym).not.toBe(winner.items[0].pseudonym);
    expect((await http(a.url, 'holder').get('/bidder-registrations')).status).toBe(403); // holders have no bidder desk
    expect((await http(a.url, 'e1').get('/bidder-registrations?limit=0')).status).toBe(400);
  });
});
