// @expectedSeconds 65 (on a quiet machine): the test sequencer starts the longest files first (test/support/sequencer.cjs).
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { DEMO_CLOSING_SESSION, DEMO_LIVE_SESSION } from '../../apps/api/src/cli/demo-data';
import { startStripeServer, type StripeServer } from '../stripe-server/stripe-server';
import { testEnv } from '../support/config';
import { runProcess, RunningProcess, startProcess } from '../support/processes';
import { createTestDatabase, queryDatabase, TestDatabase } from '../support/test-database';

/**
 * `npm run demo` as a first visitor finds it: the built seed (twice: it is idempotent), the worker
 * closing the seed's first lots, the API, and the demo bidders (scripts/demo-bidders.ts) bidding on
 * the live lot through the HTTP API and putting the first sold lot's contract out for the winner's signature.
 */
describe('the demo market', () => {
  let db: TestDatabase;
  let stripe: StripeServer;
  let api: RunningProcess & { url: string };
  let worker: RunningProcess;
  let bidders: ChildProcess | undefined;
  let bidderLog = '';
  let env: Record<string, string>;

  const until = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 90_000): Promise<T> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${bidderLog}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const count = async (sql: string, params: unknown[] = []) => (await queryDatabase<{ n: number }>(db.url, sql, params))[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
    stripe = await startStripeServer({ port: 0, webhookSecret: 'whsec_e2e_demo' });
    env = testEnv(db.url, { LOG_LEVEL: 'warn', STRIPE_API_BASE: stripe.url, STRIPE_SECRET_KEY: 'sk_test_e2e_demo', STRIPE_WEBHOOK_SECRET: 'whsec_e2e_demo' });
  });

  afterAll(async () => {
    bidders?.kill('SIGTERM');
    await Promise.all([api?.stop(), worker?.stop()]);
    await stripe?.close();
    await db?.drop();
  });

  it('seeds sessions and lots of every kind once, dated from now; a second seed adds nothing', async () => {
    const first = await runProcess('apps/api/src/cli/seed.js', [], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`live session 「${DEMO_LIVE_SESSION.name}」`);
    const sessions = await count(`SELECT count(*)::int AS n FROM auction_sessions`);
    const lots = await count(`SELECT count(*)::int AS n FROM lots`);
    expect(sessions).toBe(4);
    expect(lots).toBe(11);
    // every lot was made through the services: a listing and an audit entry each, bids in the hash-chained log
    expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'lot.created'`)).toBe(11);
    expect(await count(`SELECT count(*)::int AS n FROM bids WHERE status = 'accepted'`)).toBe(12);

    const second = await runProcess('apps/api/src/cli/seed.js', [], env);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('live session');
    expect(await count(`SELECT count(*)::int AS n FROM auction_sessions`)).toBe(sessions);
    expect(await count(`SELECT count(*)::int AS n FROM lots`)).toBe(lots);
    expect(await count(`SELECT count(*)::int AS n FROM listings WHERE mode = 'fixed_price' AND NOT forced`)).toBe(2);
  });

  it('shows live, upcoming and closed lots; the worker closes the first ones with hammer prices; the demo bidders bid', async () => {
    worker = await startProcess('apps/worker/src/main.js', env, /worker started/);
    const started = await startProcess('apps/api/src/main.js', env, /api listening on (http:\/\/\S+)/);
    api = Object.assign(started, { url: started.match[1] });
    stripe.setWebhookUrl(`${api.url}/payments/stripe/webhook`);

    const closed = await until(async () => {
      const page = (await request(api.url).get('/lots?status=closed')).body as {
        items: { title: string; status: string; result: string; hammerPriceFen: string | null }[];
      };
      return page.items.filter((l) => l.status === 'closed').length === 3 ? page.items : undefined;
    }, 'the worker closing the first lots');
    expect(closed.map((l) => [l.title, l.result]).sort()).toEqual(
      [
        [DEMO_CLOSING_SESSION.lots[0], 'sold'],
        [DEMO_CLOSING_SESSION.lots[1], 'sold'],
        [DEMO_CLOSING_SESSION.lots[2], 'unsold'],
      ].sort(),
    );
    expect(closed.find((l) => l.title === DEMO_CLOSING_SESSION.lots[0])!.hammerPriceFen).toBe('62000000');

    const live = (await request(api.url).get('/lots?status=live')).body as { items: { id: string; title: string; endsAt: string }[] };
    expect(live.items.map((l) => l.title)).toEqual([DEMO_LIVE_SESSION.lots[0]]);
    const minutesLeft = (Date.parse(live.items[0].endsAt) - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(20);
    expect(minutesLeft).toBeLessThan(26);
    const upcoming = (await request(api.url).get('/lots?status=upcoming')).body as { total: number };
    expect(upcoming.total).toBe(7);

    bidders = spawn(process.execPath, ['-r', '@swc-node/register', 'scripts/demo-bidders.ts'], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, ...env, API_URL: api.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bidders.stdout!.on('data', (c: Buffer) => (bidderLog += c.toString()));
    bidders.stderr!.on('data', (c: Buffer) => (bidderLog += c.toString()));
    await until(async () => (/awaits the winner's signature/.test(bidderLog) ? true : undefined), 'the contract put out for signature');
    await until(async () => ((bidderLog.match(/: accepted/g) ?? []).length >= 2 ? true : undefined), 'two accepted bids');
    const lot = (await request(api.url).get(`/lots/${live.items[0].id}`)).body as { bidCount: number; currentFen: string };
    expect(lot.bidCount).toBeGreaterThanOrEqual(2);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM contracts c JOIN deals d ON d.id = c.deal_id WHERE c.status = 'awaiting_signatures' AND d.lot_id IN (SELECT id FROM lots WHERE title = $1)`,
        [DEMO_CLOSING_SESSION.lots[0]],
      ),
    ).toBe(1);
    // the bidders stop with the demo
    const exited = new Promise<number | null>((resolve) => bidders!.once('exit', (code) => resolve(code)));
    bidders.kill('SIGTERM');
    expect(await exited).toBe(0);
    bidders = undefined;
  });
});
