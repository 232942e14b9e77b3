/*
 * Fault runs (npm run test:resilience:faults; part of npm run test:resilience). Needs the build
 * (`npm run build:checked`; scripts/resilience.sh builds first). Issue 16, "the proof".
 *
 * The run starts everything it uses, on its own ports, in a temporary directory: a PostgreSQL
 * cluster (initdb; as root its server runs as the `postgres` user) and a Redis (append-only file
 * on, as in docker/compose.yml) that it stops and restarts on purpose, so never the machine's
 * shared servers; the local Stripe-speaking server (test/stripe-server) in this process; two built
 * API processes and a worker (dist/, NODE_ENV=test). It migrates the database, creates the platform
 * administrator (the admin:create CLI), and through the API a holder with one registered
 * achievement per lot, enterprises with their administrators, a lot per scenario (fixed increment,
 * no anti-sniping, a deposit) and every enterprise's registration with its deposit held (a Stripe
 * card hold confirmed by the signed webhook, processed by the worker).
 *
 * Each scenario has its own lot. Bidders (socket.io, half on each API process) bid one at a time
 * with think time, every new bid higher than every earlier one, each with its own idempotency key;
 * an error acknowledgement or none within FAULTS_ACK_TIMEOUT_MS is resent with the same key (after
 * Retry-After, or after reconnecting to whichever API process answers). They watch the lot's room
 * and fill gaps from GET /lots/:id/bids?afterSeq=. After FAULTS_WARM_MS of storm the fault:
 *
 *   baseline          none;
 *   kill-api          SIGKILL of API process 1 (its bidders reconnect to process 2; a new process 1 is started at once);
 *   kill-worker       SIGKILL of the worker just as it closes lots: this scenario's lot and FAULTS_SIDE_LOTS others end
 *                     together, and the worker is killed as soon as the first of them is closed; a new worker is started at once
 *                     and must close every one of them exactly once;
 *   restart-redis     SIGKILL of Redis, FAULTS_REDIS_DOWN_MS down, started again (its append-only file kept);
 *   restart-postgres  pg_ctl stop -m immediate (every server process quits as in a crash), FAULTS_PG_DOWN_MS down, started again
 *                     (crash recovery replays the WAL).
 *
 * The storm lasts until the lot's end (bids are then answered LOT_ENDED), the lot is closed by the
 * worker, and the database is compared with what the clients were told:
 *   lost            acknowledged as accepted, but not stored as accepted with that seq and amount (must be 0);
 *   mismatched      acknowledged as rejected, but not stored as rejected (every bid is stored; must be 0);
 *   stored gaps     the lot's accepted bids are not seq 1..N, strictly increasing, ending at the lot's seq and price, with a
 *                   hash chain that verifies (must be 0);
 *   client gaps     after the clients' own gap fill and a last fill up to the lot's seq, seqs where a client holds no bid or
 *                   another amount than stored (must be 0);
 *   closed twice    a lot with more than one close in the audit log or more than one deal (must be 0; every lot must be closed);
 *   after end       bids accepted at or after the lot's end (must be 0);
 *   unanswered      bids without an answer when the run gave up (must be 0: a process that did not recover);
 *   INTERNAL_ERROR  acknowledgements saying our bug, not an outage (must be 0; SERVICE_UNAVAILABLE is the honest answer).
 * Recovery: the first accepted acknowledgement of a bid after the fault, and the time by which every
 * bidder had an answer again (kill-worker: the time until every ending lot was closed). Every API
 * process must answer /health/ready after each scenario.
 *
 * The table goes to stdout, then one JSON line. `--write-doc` replaces the "Fault runs" section of
 * docs/RELIABILITY.md with this run's figures. Exit code 1 when an invariant breaks.
 *
 *   FAULTS_SCENARIOS=baseline,kill-api,kill-worker,restart-redis,restart-postgres
 *   FAULTS_BIDDERS=8  FAULTS_THINK_MS=20  FAULTS_ACK_TIMEOUT_MS=5000  FAULTS_WARM_MS=3000  FAULTS_AFTER_MS=6000
 *   FAULTS_REDIS_DOWN_MS=2000  FAULTS_PG_DOWN_MS=3000  FAULTS_SIDE_LOTS=4  FAULTS_KEEP=1 (keep the temporary directory and logs)
 */
import 'reflect-metadata';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { patentCheckChar } from '../../libs/achievements/src/domain/patent-number';
import { startStripeServer, type StripeServer } from '../stripe-server/stripe-server';
import { UNTHROTTLED } from '../support/unthrottled';
import { BidderClient, now, type BidRecord } from './faults-client';
import { CpuMeter, PrivatePostgres, PrivateRedis, sleep, startApp, type AppProcess } from './faults-services';
import { commitOf, writeReliabilitySection } from './reliability-doc';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const PASSWORD = 'Faults-password-2026';
const START_FEN = 1_000_000n;
const INCREMENT_FEN = 100n;
const DEPOSIT_FEN = '100000';

function fail(message: string): never {
  process.stderr.write(`faults: ${message}\n`);
  process.exit(2);
}

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) fail(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return value;
}

const ALL_SCENARIOS = ['baseline', 'kill-api', 'kill-worker', 'restart-redis', 'restart-postgres'] as const;
type ScenarioName = (typeof ALL_SCENARIOS)[number];
const SCENARIOS = (process.env.FAULTS_SCENARIOS ?? ALL_SCENARIOS.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean) as ScenarioName[];
for (const s of SCENARIOS) if (!ALL_SCENARIOS.includes(s)) fail(`unknown scenario ${s} (known: ${ALL_SCENARIOS.join(', ')})`);
const BIDDERS = Math.max(2, Math.floor(setting('FAULTS_BIDDERS', 8)));
const THINK_MS = setting('FAULTS_THINK_MS', 20);
const ACK_TIMEOUT_MS = setting('FAULTS_ACK_TIMEOUT_MS', 5000);
const WARM_MS = setting('FAULTS_WARM_MS', 3000);
const AFTER_MS = setting('FAULTS_AFTER_MS', 6000);
const REDIS_DOWN_MS = setting('FAULTS_REDIS_DOWN_MS', 2000);
const PG_DOWN_MS = setting('FAULTS_PG_DOWN_MS', 3000);
const SIDE_LOTS = Math.floor(setting('FAULTS_SIDE_LOTS', 4));
const KEEP = process.env.FAULTS_KEEP === '1';
const WRITE_DOC = process.argv.includes('--write-doc');
/** How long a scenario's fault and the recovery after it may take before the lot ends (the storm goes on AFTER_MS beyond it). */
const FAULT_WINDOW_MS: Record<ScenarioName, number> = {
  baseline: 0,
  'kill-api': 4000,
  'kill-worker': 0,
  'restart-redis': REDIS_DOWN_MS + 4000,
  'restart-postgres': PG_DOWN_MS + 6000,
};
/** Room for the registrations and deposits (Stripe, webhook, worker) and the bidders' connections before the storm. */
const SETUP_MS = 8_000;

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);

// ---------------------------------------------------------------- HTTP

class Http {
  constructor(private readonly base: () => string) {}

  /** JSON request; 429 and 503 are waited out (Retry-After) and sent again, as a client should. */
  async call<T>(method: string, path: string, token?: string, body?: unknown, expect: number[] = [200, 201]): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.base()}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (expect.includes(res.status)) return (text ? JSON.parse(text) : undefined) as T;
      if ((res.status === 429 || res.status === 503) && attempt < 20) {
        await sleep(Math.min(10, Number(res.headers.get('retry-after') ?? 1)) * 1000);
        continue;
      }
      throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    }
  }
}

// ---------------------------------------------------------------- the platform under test

interface Platform {
  dir: string;
  pg: PrivatePostgres;
  redis: PrivateRedis;
  stripe: StripeServer;
  env: Record<string, string>;
  apis: AppProcess[];
  worker: AppProcess;
  /** every process started, killed ones too (for logs) */
  started: AppProcess[];
  db: Client;
  http: Http;
  adminToken: string;
  holderToken: string;
  bidders: { organizationId: string; token: string }[];
  achievements: number;
}

const API_READY = /api listening on (http:\/\/\S+)/;
const WORKER_READY = /worker started/;

async function startApi(p: Pick<Platform, 'env' | 'dir' | 'started'>, n: number): Promise<AppProcess> {
  const a = await startApp(
    `api-${n}-${p.started.filter((s) => s.name.startsWith(`api-${n}`)).length + 1}`,
    join(DIST, 'apps/api/src/main.js'),
    p.env,
    API_READY,
    p.dir,
  );
  p.started.push(a);
  return a;
}

async function startWorker(p: Pick<Platform, 'env' | 'dir' | 'started'>): Promise<AppProcess> {
  const w = await startApp(
    `worker-${p.started.filter((s) => s.name.startsWith('worker')).length + 1}`,
    join(DIST, 'apps/worker/src/main.js'),
    p.env,
    WORKER_READY,
    p.dir,
  );
  p.started.push(w);
  return w;
}

/** A pg client that comes back after PostgreSQL restarts (the checker's own connection). */
async function checkerQuery<T>(p: Platform, sql: string, params: unknown[] = []): Promise<T[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await p.db.query(sql, params)).rows as T[];
    } catch (err) {
      if (attempt >= 60) throw err;
      await p.db.end().catch(() => undefined);
      await sleep(500);
      p.db = new Client({ connectionString: p.pg.url('zjp_faults') });
      p.db.on('error', () => undefined);
      await p.db.connect().catch(() => undefined);
    }
  }
}

async function setUp(dir: string): Promise<Platform> {
  const pg = await PrivatePostgres.create(dir);
  pg.start();
  const redis = await PrivateRedis.create(dir);
  await redis.start();
  log(`private PostgreSQL on port ${pg.port}, Redis on port ${redis.port} (in ${dir})`);
  const admin = new Client({ connectionString: pg.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE zjp_faults');
  await admin.end();

  const webhookSecret = `whsec_faults${randomBytes(8).toString('hex')}`;
  const stripe = await startStripeServer({ port: 0, webhookSecret });
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: pg.url('zjp_faults'),
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'zjp-faults:',
    JWT_SECRET: `faults-${randomBytes(24).toString('hex')}`,
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    LOG_LEVEL: 'warn',
    STRIPE_API_BASE: stripe.url,
    STRIPE_SECRET_KEY: `sk_test_faults${randomBytes(8).toString('hex')}`,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    ...UNTHROTTLED, // a bid storm from few users: the abuse limits would refuse most of it
  };
  const cli = (script: string, args: string[]) => {
    const r = spawnSync(process.execPath, [join(DIST, script), ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  cli('libs/database/src/cli/migrate.js', ['up']);
  cli('apps/api/src/cli/create-admin.js', ['--email', 'admin@faults.example', '--password', PASSWORD]);

  const started: AppProcess[] = [];
  const base = { env, dir, started };
  const [api1, api2, worker] = await Promise.all([startApi(base, 1), startApi(base, 2), startWorker(base)]);
  // Webhooks go to API process 2, which no scenario kills.
  stripe.setWebhookUrl(`${api2.url}/payments/stripe/webhook`);
  log(`API 1 at ${api1.url}, API 2 at ${api2.url}, worker started`);

  const db = new Client({ connectionString: pg.url('zjp_faults') });
  db.on('error', () => undefined);
  await db.connect();
  const apis = [api1, api2];
  const http = new Http(() => apis[1].url);
  const login = async (email: string) =>
    (await http.call<{ accessToken: string }>('POST', '/auth/login', undefined, { email, password: PASSWORD })).accessToken;
  const adminToken = await login('admin@faults.example');
  const organization = (body: object) => http.call<{ id: string }>('POST', '/organizations', adminToken, body);
  const user = (org: string, email: string, role: string) =>
    http.call('POST', `/organizations/${org}/users`, adminToken, { email, displayName: email.split('@')[0], password: PASSWORD, roles: [role] });
  const holder = await organization({ type: 'holder', name: '故障演练大学', regionCode: '330106', holderCategory: 'university', highLevelPlatform: true });
  await user(holder.id, 'holder@faults.example', 'holder_admin');
  const bidders: Platform['bidders'] = [];
  for (let i = 1; i <= BIDDERS; i++) {
    const org = await organization({ type: 'enterprise', name: `故障演练企业 ${i}`, regionCode: '330603', sme: true });
    await user(org.id, `bidder-${i}@faults.example`, 'enterprise_admin');
    bidders.push({ organizationId: org.id, token: await login(`bidder-${i}@faults.example`) });
  }
  return {
    dir,
    pg,
    redis,
    stripe,
    env,
    apis,
    worker,
    started,
    db,
    http,
    adminToken,
    holderToken: await login('holder@faults.example'),
    bidders,
    achievements: 0,
  };
}

interface LotInfo {
  id: string;
  endsAt: Date;
}

/** Through the API: a registered achievement, its lot, and the registration of `bidders` with their deposits held. */
async function createLot(p: Platform, endsAt: Date, bidders: Platform['bidders']): Promise<LotInfo> {
  const n = ++p.achievements;
  const digits = `20251${String(10_000_000 + n).slice(1)}`; // year, 1 = invention patent, a serial: a different number per achievement
  const achievement = await p.http.call<{ id: string }>('POST', '/achievements', p.holderToken, {
    title: `故障演练成果 ${n}`,
    technicalField: 'new_materials',
    kind: 'applied',
    publiclyFunded: false,
    obtainedOn: '2025-01-01',
    ipRights: [{ type: 'invention_patent', number: `ZL${digits}.${patentCheckChar(digits)}`, grantedOn: '2025-06-01' }],
  });
  const lot = await p.http.call<{ id: string }>('POST', '/lots', p.holderToken, {
    achievementId: achievement.id,
    dealType: 'transfer',
    startingPriceFen: START_FEN.toString(),
    increment: { kind: 'fixed', amountFen: INCREMENT_FEN.toString() },
    depositFen: DEPOSIT_FEN,
    startsAt: new Date(Date.now() - 1000).toISOString(),
    endsAt: endsAt.toISOString(),
    extensionMinutes: 0,
  });
  await Promise.all(bidders.map((b) => p.http.call('POST', `/lots/${lot.id}/registrations`, b.token, { paymentMethod: 'pm_card_visa' })));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [{ held }] = await checkerQuery<{ held: number }>(
      p,
      `SELECT count(*)::int AS held FROM lot_registrations WHERE lot_id = $1 AND deposit_status = 'held'`,
      [lot.id],
    );
    if (held === bidders.length) break;
    if (Date.now() > deadline) throw new Error(`deposits of lot ${lot.id}: ${held} of ${bidders.length} held after 60 s`);
    await sleep(100);
  }
  return { id: lot.id, endsAt };
}

async function ready(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5000) })).status === 200;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- one scenario

interface Fault {
  /** performance.now() when the fault was injected */
  at: number;
  /** when the killed or stopped component was back (started and ready) */
  backAt?: number;
  seqWhenBack?: number;
  notes: string[];
}

interface ScenarioReport {
  scenario: ScenarioName;
  lotId: string;
  bids: number;
  sent: number;
  acknowledged: number;
  accepted: number;
  rejected: Record<string, number>;
  errors: Record<string, number>;
  noAnswer: number;
  unanswered: number;
  stored: number;
  storedAccepted: number;
  lost: number;
  mismatched: number;
  replays: number;
  storedGaps: number;
  chainVerified: boolean;
  clientGaps: number;
  clientConflicts: number;
  gapsDetected: number;
  gapFills: number;
  filledAtEnd: number;
  eventsReceived: number;
  reconnects: number;
  acceptedAfterEnd: number;
  lotsClosed: number;
  lotsEnding: number;
  closedTwice: number;
  closeDelayMs: number | null;
  faultMs: {
    backAfter: number | null;
    firstAcceptedAfter: number | null;
    allAnsweredAfter: number | null;
    allEventsAfter: number | null;
    lotsClosedAfter: number | null;
  } | null;
  healthy: boolean;
  cpu: { oursCores: number; otherCores: number };
  notes: string[];
  problems: string[];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const ms = (x: number | undefined | null) => (x === undefined || x === null ? null : Math.round(x));

async function runScenario(p: Platform, name: ScenarioName, cpu: CpuMeter): Promise<ScenarioReport> {
  const cpu0 = cpu.read();
  const notes: string[] = [];
  const problems: string[] = [];
  log(`scenario ${name}: creating the lot${name === 'kill-worker' ? 's' : ''} and registering ${BIDDERS} bidders (deposits through Stripe) …`);
  const stormMs = WARM_MS + FAULT_WINDOW_MS[name] + AFTER_MS;
  const endsAt = new Date(Date.now() + SETUP_MS + stormMs);
  const lot = await createLot(p, endsAt, p.bidders);
  // kill-worker: more lots end at the same instant, each with two bids, so that the worker is busy closing when it dies
  const side: LotInfo[] = [];
  if (name === 'kill-worker') {
    for (let i = 0; i < SIDE_LOTS; i++) {
      const pair = [p.bidders[(2 * i) % BIDDERS], p.bidders[(2 * i + 1) % BIDDERS]];
      const s = await createLot(p, endsAt, pair);
      for (const [k, b] of pair.entries()) {
        await p.http.call(
          'POST',
          `/lots/${s.id}/bids`,
          b.token,
          { amountFen: (START_FEN + BigInt(k) * INCREMENT_FEN).toString(), idempotencyKey: `side-${i}-${k}` },
          [200],
        );
      }
      side.push(s);
    }
  }
  const lots = [lot, ...side];

  let n = 0n;
  const clients = p.bidders.map(
    (b, i) =>
      new BidderClient({
        index: i,
        lotId: lot.id,
        token: b.token,
        urls: () => p.apis.map((a) => a.url),
        nextAmount: () => (START_FEN + n++ * INCREMENT_FEN).toString(),
        keyPrefix: name,
        ackTimeoutMs: ACK_TIMEOUT_MS,
        thinkMs: THINK_MS,
      }),
  );
  await Promise.all(clients.map((c) => c.connect()));
  const connectsBefore = sum(clients.map((c) => c.connects));
  const endPerf = now() + (endsAt.getTime() - Date.now());
  const slack = endsAt.getTime() - Date.now() - stormMs;
  if (slack < 0) notes.push(`setup overran its ${SETUP_MS / 1000} s by ${(-slack / 1000).toFixed(1)} s: the storm was that much shorter`);
  const giveUpAt = endPerf + 60_000;
  log(`scenario ${name}: storm of ${BIDDERS} bidders on lot ${lot.id} until its end (${((endPerf - now()) / 1000).toFixed(1)} s)`);
  for (const c of clients) c.start(giveUpAt);

  let fault: Fault | null = null;
  if (name !== 'baseline' && name !== 'kill-worker') {
    await sleep(Math.max(0, Math.min(WARM_MS, endPerf - now() - FAULT_WINDOW_MS[name] - AFTER_MS)));
    fault = await inject(p, name, notes);
    // the lot's seq once the component is back: live events carrying later bids show the feed works again
    fault.seqWhenBack = (await checkerQuery<{ seq: number }>(p, `SELECT seq FROM lots WHERE id = $1`, [lot.id]))[0].seq;
  }
  let closedAllAt: number | null = null;
  if (name === 'kill-worker') {
    const killed = await killWorkerAtClose(p, lots, endPerf, notes);
    fault = killed.fault;
    closedAllAt = killed.closedAllAt;
  }

  await Promise.all(clients.map((c) => c.finished()));
  const unansweredBids = clients.map((c) => c.unanswered).filter((b): b is BidRecord => !!b);

  // Every lot of the scenario closed (by the worker, at its end), once.
  const closeDeadline = Date.now() + 90_000;
  const closeStates = () =>
    checkerQuery<{ id: string; status: string; closed_at: Date | null; ends_at: Date }>(
      p,
      `SELECT id, status, closed_at, ends_at FROM lots WHERE id = ANY($1::uuid[])`,
      [lots.map((l) => l.id)],
    );
  let states = await closeStates();
  while (!states.every((s) => s.status === 'closed') && Date.now() < closeDeadline) {
    await sleep(100);
    states = await closeStates();
  }
  if (name === 'kill-worker' && closedAllAt === null && states.every((s) => s.status === 'closed')) closedAllAt = now();
  const mainState = states.find((s) => s.id === lot.id)!;
  const closeDelayMs = mainState.closed_at ? mainState.closed_at.getTime() - mainState.ends_at.getTime() : null;

  // ---- what PostgreSQL stored
  const [lotRow] = await checkerQuery<{
    seq: number;
    current_fen: string | null;
    leader_registration_id: string | null;
    winner_registration_id: string | null;
    hammer_price_fen: string | null;
    result: string | null;
  }>(p, `SELECT seq, current_fen::text, leader_registration_id, winner_registration_id, hammer_price_fen::text, result FROM lots WHERE id = $1`, [lot.id]);
  const rows = await checkerQuery<{
    idempotency_key: string | null;
    status: string;
    reject_code: string | null;
    seq: number | null;
    amount: string;
    late: boolean;
  }>(
    p,
    `SELECT b.idempotency_key, b.status, b.reject_code, b.seq, b.amount_fen::text AS amount, (b.status = 'accepted' AND b.received_at >= l.ends_at) AS late
       FROM bids b JOIN lots l ON l.id = b.lot_id WHERE b.lot_id = $1`,
    [lot.id],
  );
  const byKey = new Map(rows.filter((r) => r.idempotency_key).map((r) => [r.idempotency_key!, r]));
  const all = clients.flatMap((c) => c.bids);
  let lost = 0;
  let mismatched = 0;
  const lostDetail: string[] = [];
  for (const b of all) {
    if (!b.ack) continue;
    const row = byKey.get(b.key);
    if (b.ack.status === 'accepted') {
      if (!row || row.status !== 'accepted' || row.seq !== b.ack.seq || row.amount !== b.amountFen) {
        lost++;
        if (lostDetail.length < 5)
          lostDetail.push(`${b.key} acknowledged accepted seq ${b.ack.seq} amount ${b.amountFen}, stored ${row ? JSON.stringify(row) : 'nothing'}`);
      }
    } else if (!row || row.status !== 'rejected' || (row.reject_code ?? undefined) !== b.ack.code) {
      mismatched++;
      if (lostDetail.length < 5) lostDetail.push(`${b.key} acknowledged rejected ${b.ack.code}, stored ${row ? JSON.stringify(row) : 'nothing'}`);
    }
  }
  const storedAccepted = rows.filter((r) => r.status === 'accepted').sort((a, b) => a.seq! - b.seq!);
  let storedGaps = 0;
  for (let i = 0; i < storedAccepted.length; i++) {
    if (storedAccepted[i].seq !== i + 1) storedGaps++;
    else if (i > 0 && BigInt(storedAccepted[i].amount) <= BigInt(storedAccepted[i - 1].amount)) storedGaps++;
  }
  if (storedAccepted.length !== lotRow.seq) storedGaps += Math.abs(lotRow.seq - storedAccepted.length);
  if (storedAccepted.length && storedAccepted[storedAccepted.length - 1].amount !== lotRow.current_fen) {
    storedGaps++;
    problems.push(`the lot's price ${lotRow.current_fen} is not its last accepted bid ${storedAccepted[storedAccepted.length - 1].amount}`);
  }
  const history = await p.http.call<{ verified: boolean; bids: unknown[] }>('GET', `/lots/${lot.id}/bids?afterSeq=0&limit=5000`);
  const chainVerified = history.verified || lotRow.seq > 5000;

  // ---- what the clients hold, after their own gap fill and a last one up to the lot's seq
  await Promise.all(clients.map((c) => c.reconcile(lotRow.seq)));
  const amountBySeq = new Map(storedAccepted.map((r) => [r.seq!, r.amount]));
  let clientGaps = 0;
  for (const c of clients) for (let s = 1; s <= lotRow.seq; s++) if (c.received.get(s) !== amountBySeq.get(s)) clientGaps++;

  // ---- closes: exactly once, with the stored leader as the winner
  const closes = await checkerQuery<{
    id: string;
    closes: number;
    deals: number;
    status: string;
    result: string | null;
    winner: string | null;
    leader: string | null;
    hammer: string | null;
    current: string | null;
  }>(
    p,
    `SELECT l.id, l.status, l.result, l.winner_registration_id AS winner, l.leader_registration_id AS leader, l.hammer_price_fen::text AS hammer, l.current_fen::text AS current,
            (SELECT count(*)::int FROM audit_log a WHERE a.subject_type = 'lot' AND a.subject_id = l.id::text AND a.action IN ('lot.closed', 'lot.hammered')) AS closes,
            (SELECT count(*)::int FROM deals d WHERE d.lot_id = l.id) AS deals
       FROM lots l WHERE l.id = ANY($1::uuid[])`,
    [lots.map((l) => l.id)],
  );
  const closedTwice = closes.filter((c) => c.closes > 1 || c.deals > 1).length;
  const lotsClosed = closes.filter((c) => c.status === 'closed' && c.closes === 1).length;
  for (const c of closes) {
    if (c.status !== 'closed') problems.push(`lot ${c.id} is ${c.status} 90 s after its end`);
    else if (c.result === 'sold' && (c.winner !== c.leader || c.hammer !== c.current || c.deals !== 1))
      problems.push(`lot ${c.id} closed with winner ${c.winner} at ${c.hammer}, but the leader was ${c.leader} at ${c.current} (${c.deals} deals)`);
  }

  // ---- every API process answers again; the worker lives
  const healthy = (await Promise.all(p.apis.map((a) => ready(a.url)))).every(Boolean) && p.worker.alive();

  // Recovery counts answers to sends made after the fault (an answer to a bid sent before it says nothing of recovery).
  const faultAt = fault?.at;
  const acks = all.filter((b) => b.ack).map((b) => b.ack!);
  const answeredAfter = (bids: BidRecord[], accepted: boolean) =>
    faultAt === undefined
      ? Infinity
      : Math.min(...bids.filter((b) => b.ack && b.lastSentAt > faultAt && (!accepted || b.ack.status === 'accepted')).map((b) => b.ack!.at));
  const firstAccepted = answeredAfter(all, true);
  const answeredAgain = clients.map((c) => answeredAfter(c.bids, false));
  const seqWhenBack = fault?.seqWhenBack;
  const eventsAgain = seqWhenBack === undefined ? [Infinity] : clients.map((c) => c.eventTimes.find((_, k) => c.eventSeqs[k] > seqWhenBack) ?? Infinity);
  const errors: Record<string, number> = {};
  for (const c of clients) for (const [code, count] of Object.entries(c.errorCodes)) errors[code] = (errors[code] ?? 0) + count;
  const rejected: Record<string, number> = {};
  for (const a of acks) if (a.status === 'rejected') rejected[a.code ?? '?'] = (rejected[a.code ?? '?'] ?? 0) + 1;
  const cpu1 = cpu.read();
  const span = cpu1.seconds - cpu0.seconds;
  const report: ScenarioReport = {
    scenario: name,
    lotId: lot.id,
    bids: all.length,
    sent: sum(clients.map((c) => c.sends)),
    acknowledged: acks.length,
    accepted: acks.filter((a) => a.status === 'accepted').length,
    rejected,
    errors,
    noAnswer: sum(clients.map((c) => c.noAnswer)),
    unanswered: unansweredBids.length,
    stored: all.filter((b) => byKey.has(b.key)).length,
    storedAccepted: storedAccepted.length,
    lost,
    mismatched,
    replays: acks.filter((a) => a.replay).length,
    storedGaps,
    chainVerified,
    clientGaps,
    clientConflicts: sum(clients.map((c) => c.conflicting)),
    gapsDetected: sum(clients.map((c) => c.gapsDetected)),
    gapFills: sum(clients.map((c) => c.gapFills)),
    filledAtEnd: sum(clients.map((c) => c.filledAtEnd)),
    eventsReceived: sum(clients.map((c) => c.eventsReceived)),
    reconnects: sum(clients.map((c) => c.connects)) - connectsBefore,
    acceptedAfterEnd: rows.filter((r) => r.late).length,
    lotsClosed,
    lotsEnding: lots.length,
    closedTwice,
    closeDelayMs: ms(closeDelayMs),
    faultMs: fault
      ? {
          backAfter: ms(fault.backAt === undefined ? null : fault.backAt - fault.at),
          firstAcceptedAfter: Number.isFinite(firstAccepted) ? ms(firstAccepted! - fault.at) : null,
          allAnsweredAfter: answeredAgain.every(Number.isFinite) ? ms(Math.max(...answeredAgain) - fault.at) : null,
          allEventsAfter: eventsAgain.every(Number.isFinite) ? ms(Math.max(...eventsAgain) - fault.at) : null,
          lotsClosedAfter: closedAllAt === null ? null : ms(closedAllAt - fault.at),
        }
      : null,
    healthy,
    // cores over the scenario: CpuMeter.read() gives averages since the run's start, so weight them by time
    cpu: {
      oursCores: Math.round(((cpu1.oursCores * cpu1.seconds - cpu0.oursCores * cpu0.seconds) / span) * 100) / 100,
      otherCores: Math.round(((cpu1.otherCores * cpu1.seconds - cpu0.otherCores * cpu0.seconds) / span) * 100) / 100,
    },
    notes: [...notes, ...(fault?.notes ?? [])],
    problems,
  };
  for (const c of clients) c.close();

  // The invariants
  if (lost) problems.push(`${lost} bids acknowledged as accepted are not stored as accepted: ${lostDetail.join('; ')}`);
  if (mismatched) problems.push(`${mismatched} bids acknowledged as rejected are not stored as rejected: ${lostDetail.join('; ')}`);
  if (storedGaps) problems.push(`the stored sequence of accepted bids has ${storedGaps} gap(s) or disorder(s)`);
  if (!chainVerified) problems.push("the hash chain of the lot's bids does not verify");
  if (clientGaps) problems.push(`after gap fill, clients lack or differ on ${clientGaps} seq(s)`);
  if (report.clientConflicts) problems.push(`clients received ${report.clientConflicts} seq(s) with two different amounts`);
  if (closedTwice) problems.push(`${closedTwice} lot(s) closed twice`);
  if (lotsClosed !== lots.length) problems.push(`${lots.length - lotsClosed} of ${lots.length} lots not closed exactly once`);
  if (report.acceptedAfterEnd) problems.push(`${report.acceptedAfterEnd} bids accepted at or after the lot's end`);
  if (unansweredBids.length)
    problems.push(
      `${unansweredBids.length} bids never answered (gave up 60 s after the lot's end): ${unansweredBids
        .slice(0, 3)
        .map((b) => `${b.key} sent ${b.sends}×`)
        .join(', ')}`,
    );
  if (errors.INTERNAL_ERROR) problems.push(`${errors.INTERNAL_ERROR} acknowledgements were INTERNAL_ERROR`);
  if (fault && report.faultMs!.firstAcceptedAfter === null && name !== 'kill-worker')
    problems.push('no bid was accepted after the fault: the platform did not recover before the lot ended');
  if (!healthy)
    problems.push(
      `after the scenario: ${p.apis.map((a) => `${a.name} ${a.alive() ? 'alive' : 'dead'}`).join(', ')}, worker ${p.worker.alive() ? 'alive' : 'dead'}, not every API process ready`,
    );
  log(
    `scenario ${name}: ${report.sent} sent, ${report.acknowledged} acknowledged, ${report.stored} stored, lost ${lost}, ${problems.length ? `PROBLEMS: ${problems.join('; ')}` : 'invariants hold'}`,
  );
  return report;
}

async function inject(p: Platform, name: ScenarioName, notes: string[]): Promise<Fault> {
  if (name === 'kill-api') {
    const victim = p.apis[0];
    const at = now();
    await victim.kill9();
    log(`kill-api: SIGKILL to ${victim.name} (pid ${victim.child.pid})`);
    // As a supervisor would: a new API process 1 at once (its address replaces the dead one's).
    const replacement = await startApi(p, 1);
    p.apis[0] = replacement;
    const backAt = now();
    notes.push(`a new API process 1 was ready ${((backAt - at) / 1000).toFixed(1)} s after the kill`);
    return { at, backAt, notes: [] };
  }
  if (name === 'restart-redis') {
    const at = now();
    await p.redis.kill();
    log(`restart-redis: SIGKILL to redis-server, ${REDIS_DOWN_MS} ms down`);
    await sleep(REDIS_DOWN_MS);
    await p.redis.start();
    return { at, backAt: now(), notes: [] };
  }
  if (name === 'restart-postgres') {
    const at = now();
    p.pg.stop('immediate');
    log(`restart-postgres: pg_ctl stop -m immediate, ${PG_DOWN_MS} ms down`);
    await sleep(PG_DOWN_MS);
    p.pg.start();
    return { at, backAt: now(), notes: [] };
  }
  throw new Error(`no fault for ${name}`);
}

/** SIGKILL to the worker as soon as the first of the ending lots is closed (or 5 s after the end); a new worker at once. */
async function killWorkerAtClose(p: Platform, lots: LotInfo[], endPerf: number, notes: string[]): Promise<{ fault: Fault; closedAllAt: number | null }> {
  await sleep(Math.max(0, endPerf - now() - 300));
  const ids = lots.map((l) => l.id);
  const closedCount = async () =>
    (await checkerQuery<{ n: number }>(p, `SELECT count(*)::int AS n FROM lots WHERE id = ANY($1::uuid[]) AND status = 'closed'`, [ids]))[0].n;
  while ((await closedCount()) === 0 && now() < endPerf + 5000) await sleep(2);
  const victim = p.worker;
  const at = now();
  await victim.kill9();
  const lateBy = at - endPerf;
  await sleep(300); // a COMMIT already sent by the dead worker's backend may still land
  const closedByDead = await closedCount();
  log(`kill-worker: SIGKILL to ${victim.name} ${lateBy.toFixed(0)} ms after the lots' end, ${closedByDead} of ${ids.length} lots closed by then`);
  notes.push(
    `the worker was killed ${lateBy.toFixed(0)} ms after the end, when ${closedByDead} of ${ids.length} ending lots were closed; the rest fell to the new worker`,
  );
  if (closedByDead === ids.length) notes.push("the dead worker had closed every lot: the kill came too late to test the new worker's close");
  p.worker = await startWorker(p);
  const backAt = now();
  let closedAllAt: number | null = null;
  const deadline = now() + 90_000;
  while (now() < deadline) {
    if ((await closedCount()) === ids.length) {
      closedAllAt = now();
      break;
    }
    await sleep(50);
  }
  return { fault: { at, backAt, notes: [] }, closedAllAt };
}

// ---------------------------------------------------------------- deposits after the closes

/** Each closed lot: the losers' deposit holds released (cancelled at Stripe once), the winner's still held. */
async function checkDeposits(p: Platform, lotIds: string[]): Promise<string[]> {
  const problems: string[] = [];
  const deadline = Date.now() + 90_000; // a close interrupted by a kill settles on BullMQ's retry of the stalled job
  for (;;) {
    const regs = await checkerQuery<{
      lot_id: string;
      deposit_status: string;
      deposit_id: string | null;
      winner: boolean;
      result: string | null;
      provider_payment_id: string | null;
    }>(
      p,
      `SELECT r.lot_id, r.deposit_status, r.deposit_id, r.id = l.winner_registration_id AS winner, l.result,
              (SELECT d.provider_payment_id FROM deposits d WHERE d.id = r.deposit_id) AS provider_payment_id
         FROM lot_registrations r JOIN lots l ON l.id = r.lot_id WHERE r.lot_id = ANY($1::uuid[])`,
      [lotIds],
    );
    problems.length = 0;
    for (const r of regs) {
      const want = r.winner ? 'held' : 'released';
      if (r.deposit_status !== want) problems.push(`registration of lot ${r.lot_id}: deposit ${r.deposit_status}, expected ${want}`);
      const pi = r.provider_payment_id ? p.stripe.paymentIntent(r.provider_payment_id) : undefined;
      const piWant = r.winner ? 'requires_capture' : 'canceled';
      if (pi && pi.status !== piWant) problems.push(`registration of lot ${r.lot_id}: PaymentIntent ${pi.id} ${pi.status}, expected ${piWant}`);
    }
    if (!problems.length || Date.now() > deadline) break;
    await sleep(500);
  }
  const cancels = p.stripe.requests.filter((r) => r.method === 'POST' && /\/cancel$/.test(r.path) && r.status === 200 && !r.replayed);
  const perIntent = new Map<string, number>();
  for (const c of cancels) perIntent.set(c.path, (perIntent.get(c.path) ?? 0) + 1);
  const twice = [...perIntent].filter(([, count]) => count > 1);
  if (twice.length) problems.push(`${twice.length} PaymentIntents cancelled more than once: ${twice.map(([path]) => path).join(', ')}`);
  return problems;
}

// ---------------------------------------------------------------- report

function table(reports: ScenarioReport[]): string {
  const codes = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '—';
  const t = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x / 1000).toFixed(2)} s`);
  const lines = [
    '| scenario | bids sent (resends) | acknowledged (accepted) | stored | lost | stored seq gaps | client seq gaps after fill | lots closed (twice) | SERVICE_UNAVAILABLE / INTERNAL_ERROR / no answer | first accepted ack after fault | every bidder answered again |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of reports) {
    lines.push(
      `| ${r.scenario} | ${r.sent} (${r.sent - r.bids}) | ${r.acknowledged} (${r.accepted}) | ${r.stored} | ${r.lost} | ${r.storedGaps} | ${r.clientGaps} | ${r.lotsClosed}/${r.lotsEnding} (${r.closedTwice}) | ${r.errors.SERVICE_UNAVAILABLE ?? 0} / ${r.errors.INTERNAL_ERROR ?? 0} / ${r.noAnswer} | ${
        r.scenario === 'kill-worker' ? `lots closed ${t(r.faultMs?.lotsClosedAfter)} after the kill` : t(r.faultMs?.firstAcceptedAfter)
      } | ${t(r.faultMs?.allAnsweredAfter)} |`,
    );
  }
  const details = reports.map((r) =>
    [
      `- **${r.scenario}** (lot \`${r.lotId}\`): ${r.bids} bids, ${r.sent} sends; rejected ${codes(r.rejected)}; error acks ${codes(r.errors)}; ${r.replays} replays (a resent key answered with its first answer);`,
      ` ${r.storedAccepted} accepted bids stored, chain ${r.chainVerified ? 'verifies' : 'BROKEN'}; mismatched ${r.mismatched}; accepted after the end ${r.acceptedAfterEnd}; unanswered ${r.unanswered};`,
      ` ${r.eventsReceived} lot.bids events received, ${r.gapsDetected} gaps seen and ${r.gapFills} fills, ${r.filledAtEnd} bid(s) only the final fill brought; ${r.reconnects} reconnects;`,
      ` close ${r.closeDelayMs === null ? 'never' : `${(r.closeDelayMs / 1000).toFixed(2)} s after the end`}${r.faultMs?.backAfter != null ? `; component back ${(r.faultMs.backAfter / 1000).toFixed(2)} s after the fault` : ''}` +
        `${r.faultMs && r.scenario !== 'kill-worker' ? `; every bidder received live lot.bids events of bids committed after the component was back ${t(r.faultMs.allEventsAfter)} after the fault` : ''}; CPU ours ${r.cpu.oursCores} cores, others ${r.cpu.otherCores}.`,
      ...r.notes.map((n) => ` ${n}.`),
      ...(r.problems.length ? [` **PROBLEMS**: ${r.problems.join('; ')}.`] : []),
    ].join(''),
  );
  return `${lines.join('\n')}\n\n${details.join('\n')}\n`;
}

function writeDoc(section: string): void {
  log(`wrote the "Fault runs" section of ${writeReliabilitySection('## Fault runs', section)}`);
}

// ---------------------------------------------------------------- main

let platform: Platform | undefined;
let runDir: string | undefined;

function cleanUp(keep: boolean): void {
  for (const a of platform?.started ?? []) if (a.alive()) a.child.kill('SIGKILL');
  platform?.redis.stopNow();
  platform?.pg.stopNow();
  if (runDir && !keep) rmSync(runDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  for (const entry of ['apps/api/src/main.js', 'apps/worker/src/main.js', 'libs/database/src/cli/migrate.js', 'apps/api/src/cli/create-admin.js']) {
    if (!existsSync(join(DIST, entry))) fail(`dist/${entry} is missing: run "npm run build:checked" first (npm run test:resilience does)`);
  }
  const load0 = loadavg();
  const started = Date.now();
  runDir = mkdtempSync(join(tmpdir(), 'zjp-faults-'));
  const p = await setUp(runDir);
  platform = p;
  const cpu = new CpuMeter(() => [p.pg.pid(), p.redis.pid]);
  cpu.start();

  const reports: ScenarioReport[] = [];
  for (const name of SCENARIOS) reports.push(await runScenario(p, name, cpu));
  const depositProblems = await checkDeposits(
    p,
    reports.map((r) => r.lotId),
  );
  const usage = cpu.read();
  cpu.stop();
  const load1 = loadavg();
  const problems = [...reports.flatMap((r) => r.problems.map((x) => `${r.scenario}: ${x}`)), ...depositProblems.map((x) => `deposits: ${x}`)];

  const command = `npm run test:resilience:faults${WRITE_DOC ? ' -- --write-doc' : ''}`;
  const settings = `FAULTS_BIDDERS=${BIDDERS} FAULTS_THINK_MS=${THINK_MS} FAULTS_ACK_TIMEOUT_MS=${ACK_TIMEOUT_MS} FAULTS_WARM_MS=${WARM_MS} FAULTS_AFTER_MS=${AFTER_MS} FAULTS_REDIS_DOWN_MS=${REDIS_DOWN_MS} FAULTS_PG_DOWN_MS=${PG_DOWN_MS} FAULTS_SIDE_LOTS=${SIDE_LOTS}`;
  const pgVersion = (await checkerQuery<{ v: string }>(p, `SELECT current_setting('server_version') AS v`))[0].v;
  const redisVersion = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1] ?? '?';
  const machine =
    `${availableParallelism()} cores (nproc), load average ${load0.map((x) => x.toFixed(2)).join(' ')} before and ${load1.map((x) => x.toFixed(2)).join(' ')} after; ` +
    `over the ${Math.round(usage.seconds)} s of scenarios the run used ${usage.oursCores} cores and everything else on the machine ${usage.otherCores}` +
    (usage.topOthers.length ? ` (mostly ${usage.topOthers.map((o) => `${o.label} ${o.cores}`).join(', ')})` : '') +
    `; Node ${process.version}, PostgreSQL ${pgVersion}, Redis ${redisVersion}`;
  const section =
    `## Fault runs\n\n` +
    `\`${command}\` (scripts/resilience.sh runs it after the build; test/resilience/faults.ts says exactly what it does). ` +
    `Its own PostgreSQL and Redis on their own ports, two API processes and a worker from dist/, ${BIDDERS} socket.io bidders ` +
    `(half on each API process, one bid at a time, ${THINK_MS} ms think time, each bid with its own idempotency key, resent with the same key ` +
    `after an error acknowledgement or none within ${ACK_TIMEOUT_MS / 1000} s, gaps filled from \`GET /lots/:id/bids?afterSeq=\`), one lot per scenario, ` +
    `the fault ${WARM_MS / 1000} s into the storm (kill-worker: at the lots' end), the storm until the lot's end.\n\n` +
    `Run ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC on commit ${commitOf()}, ${settings}. Machine: ${machine}.\n\n` +
    `Lost = acknowledged as accepted but not stored as accepted with that seq and amount; client seq gaps = seqs a client lacks, or holds ` +
    `with another amount, after its gap fills and a last fill up to the lot's seq; lots closed = closed exactly once of those ending in the scenario ` +
    `(twice = more than one close or deal); recovery times count from the fault, and only answers to bids sent after it.\n\n` +
    table(reports) +
    `\nDeposits after every close (losers' holds cancelled once at Stripe, winners' still held): ${depositProblems.length ? depositProblems.join('; ') : 'as expected'}.\n` +
    `\nResult: ${problems.length ? `**${problems.length} invariant(s) broken**` : 'every invariant held'}.\n`;
  process.stdout.write(`\n${section}\n`);
  if (WRITE_DOC) writeDoc(section);
  if (problems.length) {
    for (const a of p.started) process.stdout.write(`---- last output of ${a.name} (${a.log}):\n${a.tail().slice(-3000)}\n`);
    process.stdout.write(`logs kept in ${runDir}\n`);
  }
  process.stdout.write(
    `${JSON.stringify({ verified: problems.length === 0, problems, scenarios: reports, machine, settings, seconds: Math.round((Date.now() - started) / 1000) })}\n`,
  );
  await p.db.end().catch(() => undefined);
  await Promise.all(p.started.map((a) => a.stop()));
  await p.stripe.close();
  cleanUp(KEEP || problems.length > 0);
  process.exit(problems.length ? 1 : 0);
}

process.once('SIGINT', () => {
  cleanUp(true);
  process.exit(130);
});
process.once('SIGTERM', () => {
  cleanUp(true);
  process.exit(143);
});
main().catch((err: unknown) => {
  process.stderr.write(`faults failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  for (const a of platform?.started ?? []) process.stderr.write(`---- last output of ${a.name}:\n${a.tail().slice(-2000)}\n`);
  if (runDir) process.stderr.write(`logs kept in ${runDir}\n`);
  cleanUp(true);
  process.exit(2);
});
