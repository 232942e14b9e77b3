/*
 * Live-bidding benchmark (npm run bench:bidding). Needs the build (`npm run build` first: it
 * starts dist/apps/api/src/main.js). It finds PostgreSQL and Redis as `npm run demo` does
 * (scripts/lib/services.sh: DATABASE_URL / REDIS_URL when set, else the local servers), drops and
 * recreates the database zjp_bench_bidding, migrates it, creates its data in SQL (a holder, one
 * lot per phase, open now and ending tomorrow, no anti-sniping, a fixed increment of 100 fen;
 * enterprises with users and registrations whose deposit is held), starts the API as real OS
 * processes and signs every user in through POST /auth/login. Then, over socket.io
 * (socket.io-client, websocket transport), one fresh lot per phase:
 *
 *   0. warm-up, not a result: 3 s of bids through each API process when it starts (V8 compiles
 *      the hot code, the pool opens its connections), on a lot of its own; checked like the rest;
 *   1. throughput, one API process: BENCH_BIDDERS bidders, each keeping BENCH_DEPTH bids
 *      outstanding (the next one is sent when an acknowledgement comes), for BENCH_SECONDS;
 *   2. the same with two API processes behind the Redis adapter, half of the bidders on each;
 *   3. a fixed rate of BENCH_RATE bids/s for BENCH_SECONDS (open loop: bids are sent on schedule
 *      whatever the acknowledgements do), across both processes: acknowledgement latency;
 *   4. BENCH_WATCHERS watchers in the lot's room (half on each process) while BENCH_WATCH_RATE
 *      bids/s are sent for BENCH_WATCH_SECONDS: broadcast latency (a watcher's receipt of
 *      `lot.bids` minus the time the bid was sent; every bid's amount maps to its send time).
 *
 * Every bid's amount is the lot's starting price + n × increment and its idempotency key bench-n,
 * n counting the bids this one process sent on the lot, so every bid sent is higher than every earlier one: a bid is accepted
 * when it reaches the engine before any later one was accepted, and rejected (BID_TOO_LOW, or
 * ALREADY_LEADING when its bidder leads) otherwise. Rejected bids are judged and stored too: they
 * count as processed; accepted ones are reported apart. A handful of watchers (one per API
 * process) watch phases 1 to 3 as well.
 *
 * After each phase the database is checked: every acknowledged bid is stored with the answer that
 * was acknowledged (its status, seq and amount; otherwise it is counted as lost); the accepted bids
 * are seq 1..N with no gap and strictly increasing amounts, ending at the lot's seq and price; and
 * every watcher's last state (seq, price) equals the lot's. A failed check makes the exit code 1.
 * Rates count only acknowledged bids, over the time from the first send to the last acknowledgement.
 * CPU time of the generator, the API processes, PostgreSQL and Redis is shown per phase (cores).
 *
 * The last line of output is one JSON object (bidsPerSecond and acceptedPerSecond from the best
 * throughput phase, ackP50Ms/ackP99Ms from phase 3, broadcastP99Ms from phase 4, acknowledged /
 * stored / lost summed over phases 1 to 4, verified, the targets, the phases and the machine).
 *
 * Issue 22 added (each phase prints one JSON line, `{"phase":"<short name>",…}`, and the run ends with a
 * `{"phase":"summary",…}` line; phases are chosen by number or name in BENCH_PHASES):
 *
 *   5. increasing / 6. increasing-2api: strictly increasing amounts, BENCH_INCREASING_BIDDERS (800) bidders with
 *      BENCH_INCREASING_DEPTH (1) bid in flight each, one and two API processes: nearly every bid moves the price;
 *   8. watchers: a fresh API process pinned to core 0 and this generator to core 1 (taskset), light
 *      raw-protocol watchers (rawWatcher) at BENCH_CURVE (1000,2000,5000,8000), BENCH_CURVE_RATE bids/s;
 *  10. watchers-feed: the same curve with the watchers on the spectator feed (GET /live, a plain WebSocket);
 *   9. scaling: BENCH_SCALING_WATCHERS light watchers over BENCH_SCALING (1,2,3) API processes, each with
 *      a `scaling-check` line (predicted from the one-process run against measured);
 *   7. many-lots: BENCH_LOTS (500) lots with 20 registered bidders and 20 watchers each, BENCH_MANY_RATE
 *      (2000) bids/s for BENCH_MANY_SECONDS (15) spread by a Zipf law (BENCH_ZIPF_S 1), all lots ending at
 *      one instant and closed by BENCH_WORKERS (1) worker processes: exactly once, within 5 s, winners notified, losers' deposits released.
 *
 *   Scaling and many-lots watch through the spectator feed, the product's choice for spectators
 *   (BENCH_SPECTATORS=socketio: through socket.io rooms, raw-protocol clients, as before).
 *
 *   BENCH_PHASES=hot-lot,hot-lot-2api,ack-rate,increasing,increasing-2api,watchers,watchers-feed,scaling,many-lots (the default;
 *   names of 1–4: hot-lot, hot-lot-2api, ack-rate, watchers-socketio)  BENCH_SECONDS=10  BENCH_BIDDERS=200 (BENCH_INCREASING_BIDDERS=800)  BENCH_DEPTH=4  BENCH_RATE=2000
 *   BENCH_WATCHERS=5000  BENCH_WATCH_RATE=50  BENCH_WATCH_SECONDS=10
 *   BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"   extra node options for the API processes (profiling)
 *   BENCH_DIST=/path/to/a/copy/of/dist   run another build (e.g. a copy of an earlier one, to compare)
 *   BENCH_API_LOG=/tmp/api.log   keep each API process's whole output in /tmp/api.log.<pid> (with --trace-gc, say)
 *   BENCH_FRESH_APIS=1   every phase on API processes started for it (no heap, caches or connections left by earlier phases)
 *   BENCH_NO_CHECKPOINT=1   no CHECKPOINT before each phase (by default one writes the earlier phases' dirty pages first)
 *   BENCH_ACK_ONE_API=1   ack-rate through one API process instead of two (the lot's bids then never wait for the other
 *     process's transaction on the lot's lock)
 *   BID_ROUTING=local   (passed to the API processes) every process judges the bids it receives, taking turns on the lot's
 *     lock with the others, instead of the default, one process per lot (BidRouter). A phase of N API processes runs with
 *     exactly N alive (the routing spreads the lots over every live one); the pinned curves' process is never one of them.
 *   BENCH_BIDDER_CLIENT=socketio   bidders on socket.io-client (the default, raw: the socket.io protocol over a plain
 *     WebSocket, RawSocket, at about half the generator's CPU per bid)
 */
import 'reflect-metadata';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as argon2 from 'argon2';
import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../libs/database/src/data-source-options';
import { UNTHROTTLED } from '../test/support/unthrottled';

const ROOT = join(__dirname, '..');
/** The build to run: dist/, or another one (a copy of an earlier build, to compare). */
const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist');
const DATABASE = 'zjp_bench_bidding';
const PASSWORD = 'Bench-password-2026';
const START_FEN = 1_000_000;
const INCREMENT_FEN = 100;
const ACK_TIMEOUT_MS = 30_000;

function fail(message: string): never {
  process.stderr.write(`bench:bidding: ${message}\n`);
  process.exit(1);
}

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) fail(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return value;
}

// The generator stands for clients on other machines: its young-generation GC runs on its own thread (as the API's
// does by default, GC_PARALLEL_SCAVENGE=off), so GC helper threads do not take the cores from the processes measured.
setFlagsFromString('--no-parallel-scavenge');
const SECONDS = setting('BENCH_SECONDS', 10);
/** BENCH_API_LOG=/tmp/api.log: each API process's whole output goes to /tmp/api.log.<pid> (e.g. with --trace-gc in BENCH_API_NODE_ARGS) */
const API_LOG = process.env.BENCH_API_LOG;
const BIDDERS = Math.max(2, Math.floor(setting('BENCH_BIDDERS', 200)));
const DEPTH = Math.max(1, Math.floor(setting('BENCH_DEPTH', 4)));
const RATE = setting('BENCH_RATE', 2000);
const WATCHERS = Math.floor(setting('BENCH_WATCHERS', 5000));
const WATCH_RATE = setting('BENCH_WATCH_RATE', 50);
const WATCH_SECONDS = setting('BENCH_WATCH_SECONDS', 10);
const WATCH_BIDDERS = 20;
/** Watchers of a large room run in this many worker threads of the generator (0: in its main thread with the bidders). */
const WATCHER_THREADS = Math.floor(setting('BENCH_WATCHER_THREADS', 2));
const WATCHER_USERS = 20;
/** phases by number or short name; the socket.io-client watcher phase (4) is not in the default any more: the light-client curve replaces it */
const PHASE_NAMES: Record<string, number> = {
  'hot-lot': 1,
  'hot-lot-2api': 2,
  'ack-rate': 3,
  'watchers-socketio': 4,
  increasing: 5,
  'increasing-2api': 6,
  'many-lots': 7,
  watchers: 8,
  scaling: 9,
  'watchers-feed': 10,
};
const PHASES = new Set(
  (process.env.BENCH_PHASES ?? 'hot-lot,hot-lot-2api,ack-rate,increasing,increasing-2api,watchers,watchers-feed,scaling,many-lots')
    .split(',')
    .map((s) => PHASE_NAMES[s.trim()] ?? Number(s.trim())),
);
/** the watchers curve: API pinned to core 0, the generator to core 1 (taskset), 10 events/s per watcher */
const INCREASING_DEPTH = Math.max(1, Math.floor(setting('BENCH_INCREASING_DEPTH', 1)));
/** bidders of the increasing phases: one bid in flight each, so their number ÷ the ack time bounds the rate (200 did not fill the engine) */
const INCREASING_BIDDERS = Math.max(2, Math.floor(setting('BENCH_INCREASING_BIDDERS', 800)));
const CURVE = (process.env.BENCH_CURVE ?? '1000,2000,5000,8000').split(',').map(Number);
const CURVE_RATE = setting('BENCH_CURVE_RATE', 10);
/** the scaling check: the same watchers and rate over 1, 2, 3 API processes behind the Redis adapter */
const SCALING = (process.env.BENCH_SCALING ?? '1,2,3').split(',').map(Number);
const SCALING_WATCHERS = Math.floor(setting('BENCH_SCALING_WATCHERS', 3000));
/** how spectators watch in the scaling and many-lots phases: the product's spectator feed (GET /live, the default) or socket.io rooms */
const SPECTATORS = process.env.BENCH_SPECTATORS === 'socketio' ? 'socketio' : 'feed';
const LOTS = 8 + 2 * CURVE.length + SCALING.length; // lot 0 warms up, the others are the phases'
const WARM_UP_SECONDS = 3;

// ---------------------------------------------------------------- measuring

/** Latencies in 0.1 ms buckets up to 60 s: constant memory however many samples. */
class Histogram {
  private readonly buckets = new Uint32Array(600_001);
  count = 0;
  max = 0;

  add(ms: number): void {
    this.buckets[Math.min(600_000, Math.max(0, Math.round(ms * 10)))]++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const target = Math.max(1, Math.ceil(this.count * p));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= target) return i / 10;
    }
    return this.max;
  }
}

const round = (x: number | null, digits = 1): number | null => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** CPU seconds (user + system) of processes, from /proc: ours, the API's, PostgreSQL's and Redis's. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

function pidsNamed(name: string, cmdline?: (line: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== name) continue;
      if (cmdline && !cmdline(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '))) continue;
      pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait
  return (ticks.slice(0, 8).reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) / 100;
}

interface CpuSnapshot {
  at: number;
  machine: number;
  generator: number;
  api: number[];
  /** per process: backends come and go, so a sum over whatever runs at each instant would not do */
  postgres: Map<number, number>;
  redis: Map<number, number>;
  /** every process's CPU seconds, to name what else ran */
  all: Map<number, { name: string; cpu: number }>;
  load: number[];
}

interface LoadReport {
  before: number[];
  after: number[];
  /** the processes outside the bench (its generator, API processes, PostgreSQL and Redis) that used the most CPU meanwhile */
  busiestOthers: { pid: number; name: string; cores: number }[];
}

function rssKB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function allProcesses(): Map<number, { name: string; cpu: number }> {
  const out = new Map<number, { name: string; cpu: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 90);
      out.set(Number(entry), { name: cmd || readFileSync(`/proc/${entry}/comm`, 'utf8').trim(), cpu: cpuSeconds(Number(entry)) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const benchPids = new Set<number>();

function busiestOthers(before: CpuSnapshot, after: CpuSnapshot): LoadReport['busiestOthers'] {
  const seconds = (after.at - before.at) / 1000;
  return [...after.all]
    .filter(([pid]) => !benchPids.has(pid) && pid !== process.pid && !before.postgres.has(pid) && !after.postgres.has(pid) && !after.redis.has(pid))
    .map(([pid, p]) => ({ pid, name: p.name, cores: Math.round(((p.cpu - (before.all.get(pid)?.cpu ?? 0)) / seconds) * 100) / 100 }))
    .filter((p) => p.cores >= 0.02)
    .sort((a, b) => b.cores - a.cores)
    .slice(0, 4);
}

/** PostgreSQL's share: the backends connected to the bench database and the server's own processes (WAL writer, checkpointer …), not other databases' backends. */
const ourPostgres = (line: string) => line.includes(DATABASE) || !/^postgres: \S+: \S+ \S+ (\[local\]|[\d.:a-f]+\(\d+\))/.test(line);

function cpuSnapshot(apis: ApiProcess[]): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    machine: machineBusySeconds(),
    generator: (own.user + own.system) / 1e6,
    api: apis.map((a) => cpuSeconds(a.child.pid!)),
    postgres: new Map(pidsNamed('postgres', ourPostgres).map((pid) => [pid, cpuSeconds(pid)])),
    redis: new Map(pidsNamed('redis-server').map((pid) => [pid, cpuSeconds(pid)])),
    all: allProcesses(),
    load: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function cpuCores(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const seconds = (after.at - before.at) / 1000;
  const cores = (x: number) => Math.round((x / seconds) * 100) / 100;
  const out: Record<string, number> = { generator: cores(after.generator - before.generator) };
  let ours = after.generator - before.generator;
  after.api.forEach((v, i) => {
    out[`api${i + 1}`] = cores(v - (before.api[i] ?? v));
    ours += v - (before.api[i] ?? v);
  });
  // a process that started meanwhile counts from 0; one that ended meanwhile is missed
  const delta = (a: Map<number, number>, b: Map<number, number>) => [...b].reduce((s, [pid, v]) => s + v - (a.get(pid) ?? 0), 0);
  const pg = delta(before.postgres, after.postgres);
  const redis = delta(before.redis, after.redis);
  out.postgres = cores(pg);
  out.redis = cores(redis);
  // whatever else ran on the machine meanwhile (other programs, other databases' backends, the kernel's own work)
  out.other = cores(Math.max(0, after.machine - before.machine - ours - pg - redis));
  return out;
}

// ---------------------------------------------------------------- services, database, processes

function services(): { pgServer: string; pgQuery: string; redisUrl: string } {
  // The same discovery as npm run demo / npm test: DATABASE_URL and REDIS_URL when set, else the local servers.
  const out = execFileSync(
    'bash',
    ['-c', 'source scripts/lib/services.sh && zjp_ensure_services >&2 && printf "%s\\n%s\\n%s\\n" "$ZJP_PG_URL" "$ZJP_PG_QUERY" "$REDIS_URL"'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [pgServer, pgQuery, redisUrl] = out.split('\n');
  return { pgServer, pgQuery, redisUrl };
}

interface ApiProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

const children: ChildProcess[] = [];

function startApi(env: Record<string, string>, options: { cpus?: string; entry?: string } = {}): Promise<ApiProcess> {
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [...nodeArgs, join(DIST, options.entry ?? 'apps/api/src/main.js')];
  // pinned to some cores: taskset execs node, so the pid is the API's
  const child = spawn(options.cpus ? 'taskset' : process.execPath, options.cpus ? ['-c', options.cpus, process.execPath, ...args] : args, {
    // NODE_PATH: a build copied elsewhere (BENCH_DIST) still finds this project's node_modules
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  benchPids.add(child.pid!);
  let out = '';
  let head = '';
  return new Promise<ApiProcess>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start within 30 s:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      if (API_LOG) appendFileSync(`${API_LOG}.${child.pid}`, chunk);
      if (head.length < 4000) head += chunk.toString();
      out = (out + chunk.toString()).slice(-4000);
      const m =
        out.match(/api listening on (http:\/\/\S+)/) ??
        (options.entry && /worker (started|ready)|Nest application successfully started|started/i.test(out) ? ['', ''] : null);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1],
          output: () => (head.length < 4000 ? head : `${head.slice(0, 4000)}\n…\n${out}`),
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited with ${code}:\n${out}`));
    });
  });
}

interface Lot {
  id: string;
  name: string;
}

interface Seeded {
  holder: string;
  lots: Lot[];
  bidderEmails: string[];
  watcherEmails: string[];
}

/** Transactions committed in the bench database so far (pg_stat_database; the statistics lag by up to 0.5 s). */
async function commitCount(db: Client): Promise<number> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  return Number(((await db.query(`SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()`)).rows[0] as { n: string }).n);
}

/** A lot open since a minute ago with a fixed increment of 100 fen and no anti-sniping (its achievement and listing with it). */
async function createLot(db: Client, holder: string, title: string, endsAt: Date): Promise<string> {
  const [{ id: achievement }] = (
    await db.query(
      `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, registration_status, registered_on)
       VALUES ($1, $2, 'new_materials', 'applied', '2024-01-01', 'registered', '2024-01-15') RETURNING id`,
      [holder, title.replace('标的', '成果')],
    )
  ).rows as { id: string }[];
  const [{ id: listing }] = (
    await db.query(
      `INSERT INTO listings (achievement_id, holder_id, mode, price_fen, status, deal_type) VALUES ($1, $2, 'auction', $3, 'active', 'transfer') RETURNING id`,
      [achievement, holder, START_FEN],
    )
  ).rows as { id: string }[];
  const [{ id }] = (
    await db.query(
      `INSERT INTO lots (listing_id, achievement_id, holder_id, title, starting_price_fen, increment, deposit_fen, starts_at, ends_at, original_ends_at,
                         extension_minutes, status)
       VALUES ($1, $2, $3, $4, $5, $6, 100000, $7, $8, $8, 0, 'open') RETURNING id`,
      // millisecond instants, as the API stores them (the engine writes ends_at back from a JS Date)
      [
        listing,
        achievement,
        holder,
        title,
        START_FEN,
        JSON.stringify({ kind: 'fixed', amountFen: String(INCREMENT_FEN) }),
        new Date(Date.now() - 60_000),
        endsAt,
      ],
    )
  ).rows as { id: string }[];
  return id;
}

async function seed(db: Client, bidders: number): Promise<Seeded> {
  // One cheap argon2id hash for every bench user (the server verifies whatever parameters the hash names).
  const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
  const [{ id: holder }] = (
    await db.query(
      `INSERT INTO organizations (type, name, region_code, holder_category, high_level_platform) VALUES ('holder', '压测大学', '330106', 'university', true) RETURNING id`,
    )
  ).rows as { id: string }[];
  const lots: Lot[] = [];
  for (let i = 1; i <= LOTS; i++) lots.push({ id: await createLot(db, holder, `压测标的 ${i}`, new Date(Date.now() + 86_400_000)), name: `lot ${i - 1}` });
  await db.query(
    `INSERT INTO organizations (type, name, region_code, sme) SELECT 'enterprise', format('压测竞买企业 %s', i), '330603', true FROM generate_series(1, $1::int) AS i`,
    [bidders],
  );
  await db.query(`INSERT INTO organizations (type, name, region_code, sme) VALUES ('enterprise', '压测围观企业', '330106', true)`);
  await db.query(
    `INSERT INTO users (organization_id, email, display_name, password_hash, roles)
     SELECT id, format('bidder-%s@bench.example', substring(name from '\\d+$')), name, $1, '{enterprise_admin}' FROM organizations WHERE name LIKE '压测竞买企业 %'`,
    [hash],
  );
  await db.query(
    `INSERT INTO users (organization_id, email, display_name, password_hash, roles)
     SELECT (SELECT id FROM organizations WHERE name = '压测围观企业'), format('watcher-%s@bench.example', i), '围观', $1, '{enterprise_member}' FROM generate_series(1, $2::int) AS i`,
    [hash, WATCHER_USERS],
  );
  await db.query(
    `INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, deposit_status)
     SELECT l.id, o.id, row_number() OVER (PARTITION BY l.id ORDER BY o.name), 'held'
       FROM lots l CROSS JOIN organizations o WHERE o.name LIKE '压测竞买企业 %'`,
  );
  await db.query('ANALYZE');
  return {
    holder,
    lots,
    bidderEmails: Array.from({ length: bidders }, (_, i) => `bidder-${i + 1}@bench.example`),
    watcherEmails: Array.from({ length: WATCHER_USERS }, (_, i) => `watcher-${i + 1}@bench.example`),
  };
}

async function login(url: string, email: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const body = (await res.json()) as { accessToken?: string };
    if (res.ok && body.accessToken) return body.accessToken;
    if (attempt >= 3) throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(body)}`);
  }
}

async function inBatches<T, R>(items: T[], size: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map((x, j) => work(x, i + j)))));
  return out;
}

/** What the phases use of a client's connection: socket.io-client's Socket, or the light RawSocket below. */
interface ClientSocket {
  readonly connected: boolean;
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as socket.io-client types its listeners
  on(event: string, listener: (payload: any) => void): unknown;
  removeAllListeners(): unknown;
  close(): unknown;
}

const allSockets = new Set<ClientSocket>();

function connect(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
  allSockets.add(socket);
  return new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: unknown }) =>
      reject(new Error(`socket.io connection to ${url} failed: ${err.message} ${JSON.stringify(err.data ?? '')}`)),
    );
  });
}

/**
 * A light bidder: engine.io 4 / socket.io 5 spoken over a plain `ws` WebSocket, as rawWatcher does, with what the
 * phases use of socket.io-client (emit with an acknowledgement and a timeout, events, `connected`). The bidders
 * stand for clients on other machines; on this one they share the two cores with the API processes and
 * PostgreSQL, and socket.io-client's per-packet machinery cost the generator about twice as much CPU per bid
 * (docs/BENCHMARKS.md, fourth pass; BENCH_BIDDER_CLIENT=socketio brings it back). Acknowledgements time out
 * by a sweep once a second, not a timer per bid.
 */
class RawSocket implements ClientSocket {
  connected = false;
  private nextId = 0;
  private readonly acks = new Map<number, { resolve: (a: unknown) => void; reject: (e: Error) => void; deadline: number }>();
  private readonly listeners = new Map<string, ((payload: unknown) => void)[]>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly ws: WebSocket) {
    this.sweep = setInterval(() => {
      const now = performance.now();
      for (const [id, a] of this.acks) {
        if (a.deadline > now) continue;
        this.acks.delete(id);
        a.reject(new Error('operation has timed out'));
      }
    }, 1000).unref();
    ws.on('close', () => {
      this.connected = false;
      clearInterval(this.sweep);
      for (const a of this.acks.values()) a.reject(new Error('socket closed'));
      this.acks.clear();
    });
  }

  /** Handles a frame after the handshake: an acknowledgement `43<id>[answer]`, an event `42[name, payload]`, a ping `2`. */
  receive(data: Buffer): void {
    if (data[0] === 0x34 && data[1] === 0x33) {
      // '43<id>[…]'
      let i = 2;
      let id = 0;
      while (data[i] >= 0x30 && data[i] <= 0x39) id = id * 10 + (data[i++] - 0x30);
      const a = this.acks.get(id);
      if (!a) return;
      this.acks.delete(id);
      a.resolve((JSON.parse(data.toString('utf8', i)) as unknown[])[0]);
    } else if (data[0] === 0x34 && data[1] === 0x32) {
      const [name, payload] = JSON.parse(data.toString('utf8', 2)) as [string, unknown];
      for (const listener of this.listeners.get(name) ?? []) listener(payload);
    } else if (data.length === 1 && data[0] === 0x32) this.ws.send('3');
    else if (data[0] === 0x34 && data[1] === 0x31) this.ws.close(); // '41': the server disconnected this socket
  }

  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> } {
    return {
      emitWithAck: (event, payload) =>
        new Promise((resolve, reject) => {
          if (!this.connected) return reject(new Error('socket closed'));
          const id = this.nextId++;
          this.acks.set(id, { resolve, reject, deadline: performance.now() + ms });
          this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
        }),
    };
  }

  on(event: string, listener: (payload: unknown) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }

  close(): void {
    this.ws.terminate();
  }
}

const BIDDER_CLIENT = process.env.BENCH_BIDDER_CLIENT === 'socketio' ? 'socketio' : 'raw';

/** A bidder's connection, signed in with its access token: a RawSocket, or socket.io-client's with BENCH_BIDDER_CLIENT=socketio. */
function connectBidder(url: string, token: string): Promise<ClientSocket> {
  if (BIDDER_CLIENT === 'socketio') return connect(url, token);
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
  const socket = new RawSocket(ws);
  allSockets.add(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bidder connection to ${url}: not connected within 60 s`)), 60_000);
    ws.on('error', (err) => reject(err));
    const handshake = (data: Buffer) => {
      const s = data.toString();
      if (s.startsWith('0')) ws.send(`40${JSON.stringify({ token })}`);
      else if (s.startsWith('40')) {
        clearTimeout(timer);
        ws.off('message', handshake);
        ws.on('message', (frame: Buffer) => socket.receive(frame));
        socket.connected = true;
        resolve(socket);
      } else if (s.startsWith('44')) reject(new Error(`bidder connection to ${url} refused: ${s}`));
    };
    ws.on('message', handshake);
  });
}

function closeSockets(sockets: ClientSocket[]): void {
  for (const s of sockets) {
    s.removeAllListeners();
    s.close();
    allSockets.delete(s);
  }
}

// ---------------------------------------------------------------- watcher threads

interface WatcherThreadInit {
  urls: string[];
  tokens: string[];
  /** watcher i joins lotIds[i % lotIds.length] */
  lotIds: string[];
  count: number;
  offset: number;
  /** light clients: the socket.io protocol spoken over a plain `ws` WebSocket (no socket.io-client), so that the generator keeps up */
  raw: boolean;
  /** spectators on the product's read-only feed (GET /live, a plain WebSocket) instead of socket.io rooms */
  feed?: boolean;
}
interface WatcherState {
  lastSeq: number;
  lastFen: string | null;
  gaps: number;
  lot: number;
  closed: number;
}
type ToThread = { type: 'progress' } | { type: 'finish' };
type FromThread =
  | { type: 'ready' }
  | { type: 'progress'; minSeq: number[] }
  | { type: 'result'; states: WatcherState[]; events: number; lotIndex: Int32Array; bidNumbers: Float64Array; receivedAt: Float64Array };

/**
 * JSON of a received frame, parsed once per thread for the many watchers that receive the very same
 * bytes (every watcher of a room gets the same frame): the generator spends its one core on reading
 * sockets, not on parsing 5,000 copies of one event. The payload is only read, never changed.
 */
let lastFrame: Buffer | undefined;
let lastParsed: unknown;
function parsedFrame(data: Buffer, skip = 0): unknown {
  if (lastFrame && lastFrame.equals(data)) return lastParsed;
  lastParsed = JSON.parse(data.toString('utf8', skip));
  lastFrame = Buffer.from(data); // a copy: ws may reuse the buffer
  return lastParsed;
}

/**
 * One light watcher: engine.io 4 / socket.io 5 over a plain WebSocket (what socket.io-client does with
 * `transports: ['websocket']`, without its per-packet machinery). Handshake `0{…}` → `40{auth}` →
 * `40{sid}` → `420["lot.join",…]` → `430[ack]`; pings `2` answered `3`; events `42[name, payload]`.
 */
function rawWatcher(url: string, token: string | undefined, lotId: string, onEvent: (name: string, payload: unknown) => void): Promise<{ close(): void }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`raw watcher to ${url}: no join within 60 s`)), 60_000);
    ws.on('error', (err) => reject(err));
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0x34 && data[1] === 0x32) {
        // '42': an event
        const [name, payload] = parsedFrame(data, 2) as [string, unknown];
        onEvent(name, payload);
        return;
      }
      const s = data.toString();
      if (s.startsWith('42')) {
        const [name, payload] = JSON.parse(s.slice(2)) as [string, unknown];
        onEvent(name, payload);
      } else if (s === '2') ws.send('3');
      else if (s.startsWith('0')) ws.send(`40${token ? JSON.stringify({ token }) : ''}`);
      else if (s.startsWith('40')) ws.send(`420${JSON.stringify(['lot.join', { lotId }])}`);
      else if (s.startsWith('430')) {
        clearTimeout(timer);
        const [ack] = JSON.parse(s.slice(3)) as [{ ok: boolean }];
        if (!ack.ok) reject(new Error(`lot.join refused: ${s}`));
        else resolve({ close: () => ws.terminate() });
      } else if (s.startsWith('44')) reject(new Error(`raw watcher refused: ${s}`));
    });
  });
}

/**
 * One spectator on the product's read-only feed: `GET /live?lots=<lotId>` upgraded to a plain
 * WebSocket, frames `{ event, data }` (ws answers the server's pings itself). Ready at `live.ready`.
 */
function feedWatcher(url: string, lotId: string, onEvent: (name: string, payload: unknown) => void): Promise<{ close(): void }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/live?lots=${lotId}`, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`feed watcher to ${url}: not ready within 60 s`)), 60_000);
    ws.on('error', (err) => reject(err));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`feed watcher refused: HTTP ${res.statusCode}`)));
    ws.on('message', (data: Buffer) => {
      const { event, data: payload } = parsedFrame(data) as { event: string; data: unknown };
      if (event === 'live.ready') {
        clearTimeout(timer);
        resolve({ close: () => ws.terminate() });
      } else onEvent(event, payload);
    });
  });
}

/** In a worker thread: `count` watchers in lots' rooms; records when each bid reached each watcher (epoch ms). */
async function watcherThread(init: WatcherThreadInit): Promise<void> {
  const port = parentPort!;
  const lotIndexOf = new Map(init.lotIds.map((id, i) => [id, i]));
  const states: WatcherState[] = Array.from({ length: init.count }, (_, k) => ({
    lastSeq: 0,
    lastFen: null,
    gaps: 0,
    lot: (init.offset + k) % init.lotIds.length,
    closed: 0,
  }));
  let lotIndex = new Int32Array(1 << 16);
  let bidNumbers = new Float64Array(1 << 16);
  let receivedAt = new Float64Array(1 << 16);
  let samples = 0;
  let events = 0;
  const onBids = (st: WatcherState, e: LotBidsEvent) => {
    const now = performance.timeOrigin + performance.now();
    events++;
    if (e.bids.length && e.bids[0].seq !== st.lastSeq + 1) st.gaps++;
    const lot = lotIndexOf.get(e.lotId) ?? -1;
    for (const b of e.bids) {
      if (samples === bidNumbers.length) {
        const grow = <A extends Float64Array | Int32Array>(a: A): A => {
          const bigger = new (a.constructor as new (n: number) => A)(a.length * 2);
          bigger.set(a);
          return bigger;
        };
        bidNumbers = grow(bidNumbers);
        receivedAt = grow(receivedAt);
        lotIndex = grow(lotIndex);
      }
      lotIndex[samples] = lot;
      bidNumbers[samples] = (Number(b.amountFen) - START_FEN) / INCREMENT_FEN;
      receivedAt[samples++] = now;
    }
    if (e.state.seq > st.lastSeq) {
      st.lastSeq = e.state.seq;
      st.lastFen = e.state.currentFen;
    }
  };
  const indices = Array.from({ length: init.count }, (_, k) => k);
  // watcher i watches lot i mod L through API process ⌊i / L⌋ mod P: a lot's watchers alternate over the processes
  const apiOf = (i: number) => Math.floor(i / init.lotIds.length) % init.urls.length;
  let closeAll: () => void;
  if (init.raw || init.feed) {
    const clients = await inBatches(indices, 200, (k) => {
      const i = init.offset + k;
      const st = states[k];
      const onEvent = (name: string, payload: unknown) => {
        if (name === 'lot.bids') onBids(st, payload as LotBidsEvent);
        else if (name === 'lot.closed') st.closed++;
      };
      return init.feed
        ? feedWatcher(init.urls[apiOf(i)], init.lotIds[st.lot], onEvent)
        : rawWatcher(init.urls[apiOf(i)], init.tokens[i % init.tokens.length], init.lotIds[st.lot], onEvent);
    });
    closeAll = () => clients.forEach((c) => c.close());
  } else {
    const sockets = await inBatches(indices, 200, (k) => connect(init.urls[apiOf(init.offset + k)], init.tokens[(init.offset + k) % init.tokens.length]));
    sockets.forEach((socket, k) => {
      socket.on('lot.bids', (e: LotBidsEvent) => onBids(states[k], e));
      socket.on('lot.closed', () => states[k].closed++);
    });
    await inBatches(indices, 500, async (k) => {
      const ack = (await sockets[k].timeout(60_000).emitWithAck('lot.join', { lotId: init.lotIds[states[k].lot] })) as { ok: boolean };
      if (!ack.ok) throw new Error(`lot.join refused: ${JSON.stringify(ack)}`);
    });
    closeAll = () => closeSockets(sockets);
  }
  port.on('message', (m: ToThread) => {
    if (m.type === 'progress') {
      // per lot: the lowest seq any of this thread's watchers of it has heard (-1: none here)
      const minSeq = init.lotIds.map(() => Infinity);
      for (const st of states) minSeq[st.lot] = Math.min(minSeq[st.lot], st.lastSeq);
      port.postMessage({ type: 'progress', minSeq: minSeq.map((x) => (x === Infinity ? -1 : x)) } satisfies FromThread);
    } else {
      closeAll();
      const result: FromThread = {
        type: 'result',
        states,
        events,
        lotIndex: lotIndex.slice(0, samples),
        bidNumbers: bidNumbers.slice(0, samples),
        receivedAt: receivedAt.slice(0, samples),
      };
      port.postMessage(result, [result.lotIndex.buffer as ArrayBuffer, result.bidNumbers.buffer as ArrayBuffer, result.receivedAt.buffer as ArrayBuffer]);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromThread);
}

/** Watchers spread over worker threads, so that reading 5,000 sockets does not stall the bidders' event loop. */
class WatcherThreads {
  private readonly workers: Worker[] = [];

  static async start(threads: number, init: Omit<WatcherThreadInit, 'count' | 'offset'>, count: number): Promise<WatcherThreads> {
    const group = new WatcherThreads();
    const per = Math.ceil(count / threads);
    await Promise.all(
      Array.from({ length: threads }, (_, t) => {
        const data: WatcherThreadInit = { ...init, offset: t * per, count: Math.max(0, Math.min(per, count - t * per)) };
        // worker threads load .js only: this file is compiled on the fly as in the main thread
        const worker = new Worker(`require('@swc-node/register'); require(${JSON.stringify(__filename)});`, { eval: true, workerData: data });
        group.workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          worker.once('message', (m: FromThread) => (m.type === 'ready' ? resolve() : reject(new Error(`watcher thread said ${m.type}`))));
          worker.once('error', reject);
        });
      }),
    );
    return group;
  }

  private ask<T extends FromThread['type']>(message: ToThread, answer: T): Promise<Extract<FromThread, { type: T }>[]> {
    return Promise.all(
      this.workers.map(
        (w) =>
          new Promise<Extract<FromThread, { type: T }>>((resolve) => {
            const on = (m: FromThread) => {
              if (m.type !== answer) return;
              w.off('message', on);
              resolve(m as Extract<FromThread, { type: T }>);
            };
            w.on('message', on);
            w.postMessage(message);
          }),
      ),
    );
  }

  /** per lot: the lowest seq any watcher of it has heard */
  async minSeq(): Promise<number[]> {
    const answers = (await this.ask({ type: 'progress' }, 'progress')).map((p) => p.minSeq);
    return answers[0].map((_, lot) => Math.min(...answers.map((a) => (a[lot] < 0 ? Infinity : a[lot]))));
  }

  async finish(): Promise<Extract<FromThread, { type: 'result' }>[]> {
    const results = await this.ask({ type: 'finish' }, 'result');
    await Promise.all(this.workers.map((w) => w.terminate()));
    return results;
  }
}

// ---------------------------------------------------------------- one phase

interface BidAckData {
  status: 'accepted' | 'rejected';
  code?: string;
  seq?: number;
  currentFen: string | null;
}
type BidAck = { ok: true; data: BidAckData } | { ok: false; error: { code: string; message: string } };

interface LotBidsEvent {
  lotId: string;
  bids: { seq: number; amountFen: string; bidder: string; proxy: boolean }[];
  state: { seq: number; currentFen: string | null };
}

class Watcher {
  lastSeq = 0;
  lastFen: string | null = null;
  events = 0;
  gaps = 0;

  constructor(
    readonly socket: Socket,
    run: PhaseRun,
  ) {
    socket.on('lot.bids', (e: LotBidsEvent) => {
      const now = performance.now();
      this.events++;
      run.events++;
      if (e.bids.length && e.bids[0].seq !== this.lastSeq + 1) this.gaps++;
      for (const b of e.bids) {
        const sentAt = run.sendAt[(Number(b.amountFen) - START_FEN) / INCREMENT_FEN - run.base];
        if (sentAt !== undefined) run.broadcast.add(now - sentAt);
      }
      if (e.state.seq > this.lastSeq) {
        this.lastSeq = e.state.seq;
        this.lastFen = e.state.currentFen;
      }
    });
  }
}

interface Bidder {
  socket: ClientSocket;
  /** organisation index, 0-based */
  index: number;
  api: number;
}

const lastBidOf = new Map<string, number>();

/** What one phase measures as it runs. */
class PhaseRun {
  /** bids are numbered per lot (a lot used twice goes on from where it was): amount and idempotency key follow from n */
  n: number;
  readonly base: number;
  sent = 0;
  acknowledged = 0;
  accepted = 0;
  errors = 0;
  unacknowledged = 0;
  events = 0;
  firstSend = 0;
  lastAck = 0;
  readonly sendAt: number[] = [0];
  readonly ack = new Histogram();
  readonly broadcast = new Histogram();
  readonly codes: Record<string, number> = {};
  /** per bid n: its organisation, and the acknowledged answer */
  readonly orgOf: number[] = [0];
  readonly ackStatus: (string | undefined)[] = [undefined];
  readonly ackSeq: (number | undefined)[] = [undefined];
  readonly pending = new Set<Promise<void>>();

  constructor(readonly lot: Lot) {
    this.base = lastBidOf.get(lot.id) ?? 0;
    this.n = this.base;
  }

  bid(b: Bidder): Promise<void> {
    const n = ++this.n;
    lastBidOf.set(this.lot.id, n);
    const i = n - this.base;
    const amountFen = START_FEN + n * INCREMENT_FEN;
    const sentAt = performance.now();
    if (this.sent++ === 0) this.firstSend = sentAt;
    this.sendAt[i] = sentAt;
    this.orgOf[i] = b.index;
    const p = (
      b.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('lot.bid', { lotId: this.lot.id, amountFen: String(amountFen), idempotencyKey: `bench-${n}` }) as Promise<BidAck>
    ).then(
      (ack) => {
        const now = performance.now();
        this.lastAck = now;
        if (!ack.ok) {
          this.errors++;
          this.codes[`error:${ack.error.code}`] = (this.codes[`error:${ack.error.code}`] ?? 0) + 1;
          return;
        }
        this.ack.add(now - sentAt);
        this.acknowledged++;
        this.ackStatus[i] = ack.data.status;
        if (ack.data.status === 'accepted') {
          this.accepted++;
          this.ackSeq[i] = ack.data.seq;
        } else {
          const code = ack.data.code ?? 'rejected';
          this.codes[code] = (this.codes[code] ?? 0) + 1;
        }
      },
      () => {
        this.unacknowledged++;
      },
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }
}

interface PhaseReport {
  phase: number;
  /** the short name of the JSON line: hot-lot, increasing, watchers, many-lots … */
  short: string;
  name: string;
  /** how the watchers watched: socket.io rooms (socket.io-client or the raw protocol) or the spectator feed */
  watcherTransport: 'socket.io' | 'feed';
  apiProcesses: number;
  bidders: number;
  watchers: number;
  mode: string;
  seconds: number;
  sent: number;
  acknowledged: number;
  accepted: number;
  unacknowledged: number;
  errors: number;
  bidsPerSecond: number;
  acceptedPerSecond: number;
  sendRate: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  ackMaxMs: number | null;
  broadcastP50Ms: number | null;
  broadcastP99Ms: number | null;
  broadcastMaxMs: number | null;
  broadcastSamples: number;
  lotBidsEvents: number;
  rejections: Record<string, number>;
  stored: number;
  lost: number;
  mismatched: number;
  acceptedInDb: number;
  sequenceOk: boolean;
  watchersInSync: number;
  watcherGaps: number;
  generatorLoopDelayP99Ms: number | null;
  cpuCores: Record<string, number>;
  apiCpuUsPerDelivery: number | null;
  apiCpuUsPerBid: number | null;
  rssKBPerWatcher: number | null;
  /** the API processes' RSS with the phase's sockets connected (the curve's slope is the cost per watcher without the GC's noise of one difference) */
  apiRssKB: number;
  eventsPerWatcherPerSecond: number | null;
  load: LoadReport;
  problems: string[];
}

interface PhaseSpec {
  phase: number;
  short: string;
  name: string;
  /** watchers as light raw-protocol clients (see rawWatcher) */
  raw?: boolean;
  /** watchers on the spectator feed (see feedWatcher) */
  feed?: boolean;
  lot: Lot;
  apis: ApiProcess[];
  bidderTokens: string[];
  watcherTokens: string[];
  watchers: number;
  load: { kind: 'closed'; depth: number; seconds: number } | { kind: 'rate'; perSecond: number; seconds: number };
}

/**
 * Each phase starts with the earlier phases' writes on disk (BENCH_NO_CHECKPOINT=1: not): their write-back would
 * otherwise fall in this phase and stall its commits (docs/BENCHMARKS.md, fifth pass: single COMMITs of ~40 ms).
 */
let checkpointRefused = false;
async function checkpoint(db: Client): Promise<void> {
  if (process.env.BENCH_NO_CHECKPOINT || checkpointRefused) return;
  try {
    await db.query('CHECKPOINT');
  } catch (err) {
    checkpointRefused = true; // not a superuser (nor pg_checkpoint): the phases share the write-back
    process.stdout.write(`(no CHECKPOINT between phases: ${(err as Error).message})\n`);
  }
}

async function runPhase(spec: PhaseSpec, db: Client): Promise<PhaseReport> {
  const run = new PhaseRun(spec.lot);
  const { apis } = spec;
  process.stdout.write(`phase ${spec.phase}: ${spec.name}: connecting ${spec.bidderTokens.length} bidders and ${spec.watchers} watchers …\n`);
  await checkpoint(db);

  // Watchers first (spread over the API processes), joined to the lot's room: a large room's in
  // worker threads, a few in this thread.
  const threaded = spec.watchers > 100 && WATCHER_THREADS > 0;
  const rssBefore = apis.reduce((sum, a) => sum + rssKB(a.child.pid!), 0);
  const threads = threaded
    ? await WatcherThreads.start(
        WATCHER_THREADS,
        { urls: apis.map((a) => a.url), tokens: spec.watcherTokens, lotIds: [spec.lot.id], raw: spec.raw ?? false, feed: spec.feed ?? false },
        spec.watchers,
      )
    : undefined;
  const watcherSockets = threaded
    ? []
    : await inBatches(
        Array.from({ length: spec.watchers }, (_, i) => i),
        200,
        (i) => connect(apis[i % apis.length].url, spec.watcherTokens[i % spec.watcherTokens.length]),
      );
  const inThread = watcherSockets.map((s) => new Watcher(s, run));
  await inBatches(watcherSockets, 500, async (s) => {
    const ack = (await s.timeout(60_000).emitWithAck('lot.join', { lotId: spec.lot.id })) as { ok: boolean };
    if (!ack.ok) throw new Error(`lot.join refused: ${JSON.stringify(ack)}`);
  });
  const bidders: Bidder[] = await inBatches(spec.bidderTokens, 100, async (token, i) => ({
    socket: await connectBidder(apis[i % apis.length].url, token),
    index: i,
    api: i % apis.length,
  }));
  await new Promise((r) => setTimeout(r, 500)); // let the connection burst settle
  const rssAfter = apis.reduce((sum, a) => sum + rssKB(a.child.pid!), 0);

  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const before = cpuSnapshot(apis);
  const t0 = performance.now();
  const end = t0 + spec.load.seconds * 1000;
  if (spec.load.kind === 'closed') {
    const one = async (b: Bidder): Promise<void> => {
      while (performance.now() < end && b.socket.connected) await run.bid(b);
    };
    await Promise.all(bidders.flatMap((b) => Array.from({ length: (spec.load as { depth: number }).depth }, () => one(b))));
  } else {
    const { perSecond } = spec.load;
    const total = Math.round(perSecond * spec.load.seconds);
    let next = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - t0) * perSecond) / 1000) + 1);
        while (run.sent < due) void run.bid(bidders[next++ % bidders.length]);
        if (run.sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    await Promise.all([...run.pending]);
  }
  const sendEnd = performance.now();
  loop.disable();

  // Wait for the watchers to hear the last accepted bid (or give up after 15 s).
  const [lotRow] = (await db.query(`SELECT seq, current_fen::text AS current_fen FROM lots WHERE id = $1`, [spec.lot.id])).rows as {
    seq: number;
    current_fen: string | null;
  }[];
  const waitUntil = performance.now() + 15_000;
  const minSeq = async () => Math.min(threads ? (await threads.minSeq())[0] : Infinity, ...inThread.map((w) => w.lastSeq));
  while ((await minSeq()) < lotRow.seq && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 50));
  const after = cpuSnapshot(apis);
  // the watcher threads' states and receipts: latency = receipt − send time (both epoch ms)
  const watchers: WatcherState[] = inThread.map((w) => ({ lastSeq: w.lastSeq, lastFen: w.lastFen, gaps: w.gaps, lot: 0, closed: 0 }));
  for (const r of threads ? await threads.finish() : []) {
    watchers.push(...r.states);
    run.events += r.events;
    for (let k = 0; k < r.bidNumbers.length; k++) {
      const sentAt = run.sendAt[r.bidNumbers[k] - run.base];
      if (sentAt !== undefined) run.broadcast.add(r.receivedAt[k] - (performance.timeOrigin + sentAt));
    }
  }

  // ---- the database's view
  const problems: string[] = [];
  const accepted = (await db.query(`SELECT seq, amount_fen::text AS amount FROM bids WHERE lot_id = $1 AND status = 'accepted' ORDER BY seq`, [spec.lot.id]))
    .rows as { seq: number; amount: string }[];
  let sequenceOk = accepted.length === lotRow.seq;
  if (!sequenceOk) problems.push(`lot seq ${lotRow.seq} but ${accepted.length} accepted bids stored`);
  for (let i = 0; i < accepted.length; i++) {
    if (accepted[i].seq !== i + 1) {
      sequenceOk = false;
      problems.push(`accepted seq ${i + 1} missing (found ${accepted[i].seq})`);
      break;
    }
    if (i > 0 && BigInt(accepted[i].amount) <= BigInt(accepted[i - 1].amount)) {
      sequenceOk = false;
      problems.push(`amount at seq ${i + 1} not above seq ${i}`);
      break;
    }
  }
  if (accepted.length && accepted[accepted.length - 1].amount !== lotRow.current_fen) {
    sequenceOk = false;
    problems.push(`lot price ${lotRow.current_fen} is not the last accepted amount ${accepted[accepted.length - 1].amount}`);
  }

  const storedRows = (
    await db.query(
      `SELECT b.idempotency_key, b.status, b.seq, b.amount_fen::text AS amount, u.email
       FROM bids b JOIN users u ON u.id = b.user_id WHERE b.lot_id = $1`,
      [spec.lot.id],
    )
  ).rows as { idempotency_key: string; status: string; seq: number | null; amount: string; email: string }[];
  const byKey = new Map(storedRows.map((r) => [r.idempotency_key, r]));
  let lost = 0;
  let mismatched = 0;
  let storedNow = 0; // this phase's bids (a lot used twice has the earlier phase's too)
  for (let n = run.base + 1; n <= run.n; n++) if (byKey.has(`bench-${n}`)) storedNow++;
  if (storedNow + run.base !== storedRows.length) problems.push(`${storedRows.length} bids stored for the lot, ${storedNow + run.base} expected`);
  for (let n = run.base + 1; n <= run.n; n++) {
    const i = n - run.base;
    const status = run.ackStatus[i];
    if (status === undefined) continue; // never acknowledged (counted as unacknowledged or an error)
    const row = byKey.get(`bench-${n}`);
    if (!row) {
      lost++;
      continue;
    }
    const ok =
      row.status === status &&
      row.amount === String(START_FEN + n * INCREMENT_FEN) &&
      row.email === `bidder-${run.orgOf[i] + 1}@bench.example` &&
      (status !== 'accepted' || row.seq === run.ackSeq[i]);
    if (!ok) mismatched++;
  }
  if (lost) problems.push(`${lost} acknowledged bids are not in the database`);
  if (mismatched) problems.push(`${mismatched} stored bids differ from their acknowledgement`);
  if (run.errors) {
    problems.push(`${run.errors} bids answered with an error`);
    for (const [i, a] of apis.entries()) process.stdout.write(`  API ${i + 1}'s last output:\n${a.output()}\n`);
  }
  if (run.unacknowledged) problems.push(`${run.unacknowledged} bids never acknowledged within ${ACK_TIMEOUT_MS / 1000} s`);
  const inSync = watchers.filter((w) => w.lastSeq === lotRow.seq && w.lastFen === lotRow.current_fen).length;
  if (inSync !== watchers.length)
    problems.push(`${watchers.length - inSync} of ${watchers.length} watchers did not end at the lot's state (seq ${lotRow.seq})`);

  closeSockets([...watcherSockets, ...bidders.map((b) => b.socket)]);

  const elapsed = (Math.max(run.lastAck, sendEnd) - run.firstSend) / 1000;
  const cpu = cpuCores(before, after);
  const apiCpuSeconds = apis.reduce((sum, _a, i) => sum + (after.api[i] - before.api[i]), 0);
  const report: PhaseReport = {
    phase: spec.phase,
    watcherTransport: spec.feed ? 'feed' : 'socket.io',
    short: spec.short,
    name: spec.name,
    apiProcesses: apis.length,
    bidders: bidders.length,
    watchers: watchers.length,
    mode: spec.load.kind === 'closed' ? `${spec.load.depth} outstanding per bidder` : `${spec.load.perSecond} bids/s`,
    seconds: round(elapsed, 2)!,
    sent: run.sent,
    acknowledged: run.acknowledged,
    accepted: run.accepted,
    unacknowledged: run.unacknowledged,
    errors: run.errors,
    bidsPerSecond: Math.round(run.acknowledged / elapsed),
    acceptedPerSecond: Math.round(run.accepted / elapsed),
    sendRate: Math.round(run.sent / ((sendEnd - run.firstSend) / 1000)),
    ackP50Ms: round(run.ack.percentile(0.5)),
    ackP99Ms: round(run.ack.percentile(0.99)),
    ackMaxMs: round(run.ack.count ? run.ack.max : null),
    broadcastP50Ms: round(run.broadcast.percentile(0.5)),
    broadcastP99Ms: round(run.broadcast.percentile(0.99)),
    broadcastMaxMs: round(run.broadcast.count ? run.broadcast.max : null),
    broadcastSamples: run.broadcast.count,
    lotBidsEvents: run.events,
    rejections: run.codes,
    stored: storedNow,
    lost,
    mismatched,
    acceptedInDb: accepted.length,
    sequenceOk,
    watchersInSync: inSync,
    watcherGaps: watchers.reduce((s, w) => s + w.gaps, 0),
    generatorLoopDelayP99Ms: round(loop.percentile(99) / 1e6),
    cpuCores: cpu,
    apiCpuUsPerDelivery: run.events ? round((apiCpuSeconds * 1e6) / run.events) : null,
    apiCpuUsPerBid: run.acknowledged ? round((apiCpuSeconds * 1e6) / run.acknowledged) : null,
    rssKBPerWatcher: spec.watchers >= 100 ? round((rssAfter - rssBefore) / spec.watchers) : null,
    apiRssKB: rssAfter,
    eventsPerWatcherPerSecond: watchers.length ? round(run.events / watchers.length / ((after.at - t0) / 1000)) : null,
    load: { before: before.load, after: after.load, busiestOthers: busiestOthers(before, after) },
    problems,
  };
  const f = (x: number) => x.toLocaleString('en-US');
  process.stdout.write(
    `phase ${spec.phase}: ${spec.name}: ${apis.length} API process(es), ${bidders.length} bidders (${report.mode}), ${watchers.length} watchers, ${report.seconds} s\n` +
      `  processed ${f(report.bidsPerSecond)} bids/s, accepted ${f(report.acceptedPerSecond)}/s (${f(run.accepted)} of ${f(run.acknowledged)} acknowledged; sent ${f(run.sent)} at ${f(report.sendRate)}/s)\n` +
      `  ack p50 ${report.ackP50Ms} ms, p99 ${report.ackP99Ms} ms, max ${report.ackMaxMs} ms; broadcast p50 ${report.broadcastP50Ms} ms, p99 ${report.broadcastP99Ms} ms, max ${report.broadcastMaxMs} ms ` +
      `(${f(report.broadcastSamples)} samples, ${f(report.lotBidsEvents)} lot.bids events received)\n` +
      `  rejections ${JSON.stringify(report.rejections)}\n` +
      `  database: ${f(report.stored)} of the phase's bids stored, accepted seq 1..${report.acceptedInDb} ${sequenceOk ? 'gapless and increasing' : 'BROKEN'}, lost ${lost}, mismatched ${mismatched}; ` +
      `watchers at the lot's state ${inSync}/${watchers.length} (gaps seen ${report.watcherGaps})\n` +
      `  cpu (cores): ${Object.entries(report.cpuCores)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; generator event-loop delay p99 ${report.generatorLoopDelayP99Ms} ms\n` +
      (problems.length ? `  PROBLEMS: ${problems.join('; ')}\n` : ''),
  );
  printLine(report);
  return report;
}

/** The one JSON line of a phase (the fields issue 22 asks for first; watchers' figures where a room is watched). */
function printLine(r: PhaseReport, extra: Record<string, unknown> = {}): void {
  const watched = r.watchers >= 100;
  const line = {
    phase: r.short,
    bidsPerSecond: r.bidsPerSecond,
    acceptedPerSecond: r.acceptedPerSecond,
    ackP50Ms: r.ackP50Ms,
    ackP99Ms: r.ackP99Ms,
    lost: r.lost,
    acknowledged: r.acknowledged,
    stored: r.stored,
    mismatched: r.mismatched,
    sequenceOk: r.sequenceOk,
    ...(watched
      ? {
          watchers: r.watchers,
          watcherTransport: r.watcherTransport,
          watchersInSync: r.watchersInSync,
          eventsPerWatcherPerSecond: r.eventsPerWatcherPerSecond,
          broadcastP50Ms: r.broadcastP50Ms,
          broadcastP99Ms: r.broadcastP99Ms,
          apiCpuUsPerDelivery: r.apiCpuUsPerDelivery,
          rssKBPerWatcher: r.rssKBPerWatcher,
          apiRssKB: r.apiRssKB,
        }
      : {}),
    ...extra,
    apiProcesses: r.apiProcesses,
    bidders: r.bidders,
    rejections: r.rejections,
    mode: r.mode,
    seconds: r.seconds,
    apiCpuUsPerBid: r.apiCpuUsPerBid,
    cpuCores: r.cpuCores,
    load: r.load,
    problems: r.problems,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/**
 * The scaling check's latency prediction for N API processes from the one-process run `base` (docs/CAPACITY.md):
 * F = the API CPU per event (ms), R = base p99 − F, C = the machine's cores less what the generator, PostgreSQL,
 * Redis and other programs used in the base run; p99(N) = R + F / min(N, C) here, R + F / N with a core per process.
 */
function predictedBroadcastP99(
  base: PhaseReport,
  baseApiCores: number,
  processes: number,
): { shared: number | null; ownCores: number | null; fanOutMs: number | null; freeCores: number } {
  const others = Object.entries(base.cpuCores)
    .filter(([k]) => !k.startsWith('api'))
    .reduce((sum, [, v]) => sum + v, 0);
  const freeCores = Math.max(1, availableParallelism() - others);
  const eventsPerSecond = base.eventsPerWatcherPerSecond ?? 0; // over the window the API CPU was read in
  if (base.broadcastP99Ms === null || !eventsPerSecond) return { shared: null, ownCores: null, fanOutMs: null, freeCores: round(freeCores, 2)! };
  const fanOutMs = Math.min(base.broadcastP99Ms, (baseApiCores / eventsPerSecond) * 1000);
  const rest = base.broadcastP99Ms - fanOutMs;
  return {
    shared: round(rest + fanOutMs / Math.min(processes, freeCores)),
    ownCores: round(rest + fanOutMs / processes),
    fanOutMs: round(fanOutMs),
    freeCores: round(freeCores, 2)!,
  };
}

// ---------------------------------------------------------------- many lots at once

const MANY_LOTS = Math.floor(setting('BENCH_LOTS', 500));
const MANY_PER_LOT = 20; // registered bidders and watchers per lot
const MANY_RATE = setting('BENCH_MANY_RATE', 2000);
const MANY_SECONDS = setting('BENCH_MANY_SECONDS', 15);
const ZIPF_S = setting('BENCH_ZIPF_S', 1);
const MANY_WORKERS = Math.max(1, Math.floor(setting('BENCH_WORKERS', 1)));

/**
 * Many lots at once: MANY_LOTS open lots, MANY_PER_LOT registered bidders and MANY_PER_LOT watchers each
 * (light clients in the generator's threads), MANY_RATE bids/s on schedule spread over the lots by a
 * Zipf law (lot k gets a share ∝ 1/k^s), every lot ending at the same instant a few seconds after the
 * bids stop. The worker closes them (one delayed close job per lot, queued here as the lots service
 * does when a lot opens, besides the worker's own close sweep). Checked: every acknowledged bid stored
 * as acknowledged, each lot's chain gapless; each lot closed exactly once (status, one `lot.closed`
 * audit row, exactly one `lot.closed` event at every watcher of it), the winner of each sold lot
 * notified (`lot_won`), and the lag of the last close behind the common end.
 */
async function runManyLots(opts: {
  db: Client;
  holder: string;
  apis: ApiProcess[];
  bidderTokens: string[];
  watcherTokens: string[];
  env: Record<string, string>;
  redisUrl: string;
}): Promise<PhaseReport> {
  const { db, apis } = opts;
  const M = MANY_LOTS;
  const B = opts.bidderTokens.length;
  if (B < MANY_PER_LOT) throw new Error(`many-lots needs ${MANY_PER_LOT} bidders at least`);
  process.stdout.write(`phase many-lots: creating ${M} lots, ${MANY_PER_LOT} registered bidders each …\n`);
  const lotIds: string[] = [];
  for (let j = 0; j < M; j++) lotIds.push(await createLot(db, opts.holder, `压测多标的 ${j + 1}`, new Date(Date.now() + 86_400_000)));
  // lot j: the enterprises (j·20 + k) mod B, k < 20 (0-based), paddles 1..20
  await db.query(
    `INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, deposit_status)
     SELECT l.id, o.id, k + 1, 'held'
       FROM unnest($1::uuid[]) WITH ORDINALITY AS l(id, j) CROSS JOIN generate_series(0, $2::int - 1) AS k
       JOIN organizations o ON o.name = format('压测竞买企业 %s', ((l.j - 1) * $2::int + k) % $3::int + 1)`,
    [lotIds, MANY_PER_LOT, B],
  );
  await db.query('ANALYZE lots, lot_registrations');
  await checkpoint(db);
  const biddersOf = (j: number, n: number) => (j * MANY_PER_LOT + (n % MANY_PER_LOT)) % B;

  // the worker processes (replicas, as in docker/compose.yml): BENCH_WORKERS of them
  const workers: ApiProcess[] = [];
  for (let w = 0; w < MANY_WORKERS; w++)
    workers.push(
      await startApi({ ...opts.env, SCHEDULE_CLOSE_DUE_LOTS: process.env.SCHEDULE_CLOSE_DUE_LOTS ?? 'every 60s' }, { entry: 'apps/worker/src/main.js' }),
    );
  process.stdout.write(`phase many-lots: worker started; connecting ${M * MANY_PER_LOT} watchers and ${B} bidders …\n`);
  const rssBefore = apis.reduce((sum, a) => sum + rssKB(a.child.pid!), 0);
  const threads = await WatcherThreads.start(
    Math.max(1, WATCHER_THREADS),
    { urls: apis.map((a) => a.url), tokens: opts.watcherTokens, lotIds, raw: true, feed: SPECTATORS === 'feed' },
    M * MANY_PER_LOT,
  );
  const sockets = await inBatches(opts.bidderTokens, 100, (token, i) => connectBidder(apis[i % apis.length].url, token));
  await new Promise((r) => setTimeout(r, 500));
  const rssAfter = apis.reduce((sum, a) => sum + rssKB(a.child.pid!), 0);

  // the common end: the bids stop 3 s before it
  const endsAt = new Date(Math.ceil((Date.now() + (MANY_SECONDS + 3) * 1000) / 1000) * 1000);
  await db.query(`UPDATE lots SET ends_at = $1, original_ends_at = $1 WHERE id = ANY($2::uuid[])`, [endsAt, lotIds]);
  const connection = new IORedis(opts.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('auctions', { connection, prefix: `${opts.env.REDIS_PREFIX}bull` });
  await queue.addBulk(
    lotIds.map((lotId) => ({
      name: 'close-lot',
      data: { lotId },
      opts: {
        jobId: `close-${lotId}-${endsAt.getTime()}`,
        delay: Math.max(0, endsAt.getTime() - Date.now()),
        attempts: 10,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: 86400 },
      },
    })),
  );

  // Zipf: cumulative shares
  const cumulative = new Float64Array(M);
  let total = 0;
  for (let k = 0; k < M; k++) cumulative[k] = total += 1 / (k + 1) ** ZIPF_S;
  const pick = (u: number) => {
    let lo = 0;
    let hi = M - 1;
    const x = u * total;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let seed = 22;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32; // seeded, the same lots each run

  const n = new Int32Array(M);
  const sendAt: Map<number, number>[] = lotIds.map(() => new Map());
  const answer: Map<number, { status: string; seq?: number; org: number }>[] = lotIds.map(() => new Map());
  const ack = new Histogram();
  const broadcast = new Histogram();
  const codes: Record<string, number> = {};
  let sent = 0;
  let acknowledged = 0;
  let accepted = 0;
  let errors = 0;
  let unacknowledged = 0;
  let lastAck = 0;
  const pending = new Set<Promise<void>>();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const commitsBefore = await commitCount(db);
  const before = cpuSnapshot(apis);
  const t0 = performance.now();
  const totalBids = Math.round(MANY_RATE * MANY_SECONDS);
  process.stdout.write(`phase many-lots: bidding until ${new Date(Date.now() + MANY_SECONDS * 1000).toISOString()} …\n`);
  const bid = (j: number) => {
    const k = ++n[j];
    const org = biddersOf(j, k);
    const at = performance.now();
    sendAt[j].set(k, at);
    sent++;
    const p = (
      sockets[org]
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('lot.bid', { lotId: lotIds[j], amountFen: String(START_FEN + k * INCREMENT_FEN), idempotencyKey: `bench-${k}` }) as Promise<BidAck>
    ).then(
      (a) => {
        const now = performance.now();
        lastAck = now;
        if (!a.ok) {
          errors++;
          codes[`error:${a.error.code}`] = (codes[`error:${a.error.code}`] ?? 0) + 1;
          return;
        }
        ack.add(now - at);
        acknowledged++;
        answer[j].set(k, { status: a.data.status, seq: a.data.seq, org });
        if (a.data.status === 'accepted') accepted++;
        else codes[a.data.code ?? 'rejected'] = (codes[a.data.code ?? 'rejected'] ?? 0) + 1;
      },
      () => {
        unacknowledged++;
      },
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(totalBids, Math.floor(((performance.now() - t0) * MANY_RATE) / 1000) + 1);
      while (sent < due) bid(pick(random()));
      if (sent >= totalBids) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.all([...pending]);
  const sendEnd = performance.now();
  loop.disable();
  const commitsPerSecond = Math.round(((await commitCount(db)) - commitsBefore) / ((performance.now() - t0) / 1000));
  process.stdout.write(`phase many-lots: ${sent} bids sent; waiting for the watchers, then for the close at ${endsAt.toISOString()} …\n`);

  const lotRows = async () =>
    (
      await db.query(
        `SELECT id, seq, current_fen::text AS current_fen, status, closed_at, result, winner_registration_id FROM lots WHERE id = ANY($1::uuid[])`,
        [lotIds],
      )
    ).rows as {
      id: string;
      seq: number;
      current_fen: string | null;
      status: string;
      closed_at: Date | null;
      result: string | null;
      winner_registration_id: string | null;
    }[];
  const seqOf = new Map((await lotRows()).map((r) => [r.id, r.seq]));
  const waitUntil = performance.now() + 15_000;
  for (;;) {
    const heard = await threads.minSeq();
    if (lotIds.every((id, j) => heard[j] >= seqOf.get(id)!) || performance.now() > waitUntil) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const after = cpuSnapshot(apis);
  // the close: every lot closed, or 60 s after the end
  const closeDeadline = endsAt.getTime() + 60_000;
  let rows = await lotRows();
  while (rows.some((r) => r.status !== 'closed') && Date.now() < closeDeadline) {
    await new Promise((r) => setTimeout(r, 250));
    rows = await lotRows();
  }
  // the settlement (its own job after each close): every loser's deposit released, the winner's still held
  const unsettled = async () =>
    (
      (
        await db.query(
          `SELECT count(*) FILTER (WHERE r.id IS DISTINCT FROM l.winner_registration_id AND r.deposit_status <> 'released')::int AS losers_held,
                  count(*) FILTER (WHERE r.id = l.winner_registration_id AND r.deposit_status <> 'held')::int AS winners_moved
             FROM lot_registrations r JOIN lots l ON l.id = r.lot_id WHERE l.id = ANY($1::uuid[]) AND l.status = 'closed'`,
          [lotIds],
        )
      ).rows as { losers_held: number; winners_moved: number }[]
    )[0];
  let settlement = await unsettled();
  while (settlement.losers_held > 0 && Date.now() < closeDeadline) {
    await new Promise((r) => setTimeout(r, 250));
    settlement = await unsettled();
  }
  const settledLagMs = settlement.losers_held === 0 ? Date.now() - endsAt.getTime() : null;
  await new Promise((r) => setTimeout(r, 1000)); // the last lot.closed events reach the watchers
  const results = await threads.finish();
  await queue.close();
  connection.disconnect();
  await Promise.all(workers.map((w) => w.stop()));

  const problems: string[] = [];
  // bids
  const stored = (
    await db.query(
      `SELECT b.lot_id, b.idempotency_key, b.status, b.seq, b.amount_fen::text AS amount, u.email
         FROM bids b JOIN users u ON u.id = b.user_id WHERE b.lot_id = ANY($1::uuid[])`,
      [lotIds],
    )
  ).rows as { lot_id: string; idempotency_key: string; status: string; seq: number | null; amount: string; email: string }[];
  const lotIndex = new Map(lotIds.map((id, j) => [id, j]));
  const storedBy = lotIds.map(() => new Map<string, (typeof stored)[number]>());
  for (const r of stored) storedBy[lotIndex.get(r.lot_id)!].set(r.idempotency_key, r);
  let lost = 0;
  let mismatched = 0;
  let brokenChains = 0;
  for (let j = 0; j < M; j++) {
    for (const [k, a] of answer[j]) {
      const row = storedBy[j].get(`bench-${k}`);
      if (!row) {
        lost++;
        continue;
      }
      if (
        row.status !== a.status ||
        row.amount !== String(START_FEN + k * INCREMENT_FEN) ||
        row.email !== `bidder-${a.org + 1}@bench.example` ||
        (a.status === 'accepted' && row.seq !== a.seq)
      )
        mismatched++;
    }
    const chain = [...storedBy[j].values()].filter((r) => r.status === 'accepted').sort((a, b) => a.seq! - b.seq!);
    const lot = rows.find((r) => r.id === lotIds[j])!;
    const ok =
      chain.length === lot.seq &&
      chain.every((r, i) => r.seq === i + 1 && (i === 0 || BigInt(r.amount) > BigInt(chain[i - 1].amount))) &&
      (chain.length === 0 || chain[chain.length - 1].amount === lot.current_fen);
    if (!ok) brokenChains++;
  }
  if (lost) problems.push(`${lost} acknowledged bids are not in the database`);
  if (mismatched) problems.push(`${mismatched} stored bids differ from their acknowledgement`);
  if (brokenChains) problems.push(`${brokenChains} lots' accepted bids are not a gapless increasing chain ending at the lot's state`);
  if (errors) problems.push(`${errors} bids answered with an error: ${JSON.stringify(codes)}`);
  if (unacknowledged) problems.push(`${unacknowledged} bids never acknowledged`);

  // watchers: latency, state, lot.closed events
  let events = 0;
  const states: WatcherState[] = [];
  for (const r of results) {
    events += r.events;
    states.push(...r.states);
    for (let s = 0; s < r.bidNumbers.length; s++) {
      const at = sendAt[r.lotIndex[s]]?.get(r.bidNumbers[s]);
      if (at !== undefined) broadcast.add(r.receivedAt[s] - (performance.timeOrigin + at));
    }
  }
  const rowOf = new Map(rows.map((r) => [r.id, r]));
  const inSync = states.filter((st) => {
    const lot = rowOf.get(lotIds[st.lot])!;
    return st.lastSeq === lot.seq && st.lastFen === lot.current_fen;
  }).length;
  if (inSync !== states.length) problems.push(`${states.length - inSync} of ${states.length} watchers did not end at their lot's state`);
  const closedEvents = lotIds.map(() => true);
  for (const st of states) if (st.closed !== 1) closedEvents[st.lot] = false;

  // the close
  const audits = new Map(
    (
      (
        await db.query(
          `SELECT subject_id, count(*)::int AS n FROM audit_log WHERE action = 'lot.closed' AND subject_id = ANY($1::text[]) GROUP BY subject_id`,
          [lotIds],
        )
      ).rows as { subject_id: string; n: number }[]
    ).map((r) => [r.subject_id, r.n]),
  );
  const closedOnce = lotIds.filter((id, j) => rowOf.get(id)!.status === 'closed' && audits.get(id) === 1 && closedEvents[j]).length;
  if (closedOnce !== M) {
    const notClosed = rows.filter((r) => r.status !== 'closed').length;
    const badAudit = lotIds.filter((id) => audits.get(id) !== 1).length;
    const badEvents = closedEvents.filter((x) => !x).length;
    problems.push(
      `${M - closedOnce} of ${M} lots not closed exactly once (${notClosed} not closed, ${badAudit} without exactly one audit row, ${badEvents} whose watchers did not each get one lot.closed)`,
    );
  }
  if (settlement.losers_held) problems.push(`${settlement.losers_held} losing registrations' deposits not released 60 s after the end`);
  if (settlement.winners_moved) problems.push(`${settlement.winners_moved} winners' deposits not held after the close`);
  const lags = rows.filter((r) => r.closed_at).map((r) => r.closed_at!.getTime() - endsAt.getTime());
  const lastCloseLagMs = lags.length ? Math.max(...lags) : null;
  const firstCloseLagMs = lags.length ? Math.min(...lags) : null;
  if (lastCloseLagMs === null || lastCloseLagMs > 5000) problems.push(`the last lot closed ${lastCloseLagMs} ms after its end (target ≤ 5,000)`);
  const sold = rows.filter((r) => r.result === 'sold');
  const won = (
    await db.query(
      `SELECT count(*)::int AS n FROM notifications nt
         JOIN lots l ON nt.dedupe_key = 'lot_won:' || l.id
         JOIN lot_registrations r ON r.id = l.winner_registration_id AND r.organization_id = nt.organization_id
        WHERE l.id = ANY($1::uuid[]) AND nt.kind = 'lot_won'`,
      [lotIds],
    )
  ).rows[0] as { n: number };
  if (won.n !== sold.length) problems.push(`${sold.length} lots sold but ${won.n} winners notified (lot_won)`);

  const elapsed = (Math.max(lastAck, sendEnd) - t0) / 1000;
  const apiCpuSeconds = apis.reduce((sum, _a, i) => sum + (after.api[i] - before.api[i]), 0);
  const report: PhaseReport = {
    phase: 7,
    short: 'many-lots',
    watcherTransport: SPECTATORS === 'feed' ? 'feed' : 'socket.io',
    name: `${M} lots, ${MANY_RATE} bids/s (Zipf s=${ZIPF_S}), ${M * MANY_PER_LOT} watchers, one common end`,
    apiProcesses: apis.length,
    bidders: B,
    watchers: states.length,
    mode: `${MANY_RATE} bids/s`,
    seconds: round(elapsed, 2)!,
    sent,
    acknowledged,
    accepted,
    unacknowledged,
    errors,
    bidsPerSecond: Math.round(acknowledged / elapsed),
    acceptedPerSecond: Math.round(accepted / elapsed),
    sendRate: Math.round(sent / ((sendEnd - t0) / 1000)),
    ackP50Ms: round(ack.percentile(0.5)),
    ackP99Ms: round(ack.percentile(0.99)),
    ackMaxMs: round(ack.count ? ack.max : null),
    broadcastP50Ms: round(broadcast.percentile(0.5)),
    broadcastP99Ms: round(broadcast.percentile(0.99)),
    broadcastMaxMs: round(broadcast.count ? broadcast.max : null),
    broadcastSamples: broadcast.count,
    lotBidsEvents: events,
    rejections: codes,
    stored: stored.length,
    lost,
    mismatched,
    acceptedInDb: stored.filter((r) => r.status === 'accepted').length,
    sequenceOk: brokenChains === 0,
    watchersInSync: inSync,
    watcherGaps: states.reduce((s, w) => s + w.gaps, 0),
    generatorLoopDelayP99Ms: round(loop.percentile(99) / 1e6),
    cpuCores: cpuCores(before, after),
    apiCpuUsPerDelivery: events ? round((apiCpuSeconds * 1e6) / events) : null,
    apiCpuUsPerBid: acknowledged ? round((apiCpuSeconds * 1e6) / acknowledged) : null,
    rssKBPerWatcher: round((rssAfter - rssBefore) / states.length),
    apiRssKB: rssAfter,
    eventsPerWatcherPerSecond: round(events / states.length / ((after.at - t0) / 1000)),
    load: { before: before.load, after: after.load, busiestOthers: busiestOthers(before, after) },
    problems,
  };
  const busiest = [...n].map((x, j) => ({ lot: j + 1, bids: x })).sort((a, b) => b.bids - a.bids);
  process.stdout.write(
    `phase many-lots: ${report.name}\n` +
      `  processed ${report.bidsPerSecond} bids/s, accepted ${report.acceptedPerSecond}/s; ack p50 ${report.ackP50Ms} / p99 ${report.ackP99Ms} ms; broadcast p50 ${report.broadcastP50Ms} / p99 ${report.broadcastP99Ms} ms\n` +
      `  bids per lot: busiest ${busiest
        .slice(0, 3)
        .map((b) => b.bids)
        .join(', ')}, median ${busiest[Math.floor(M / 2)].bids}, least ${busiest[M - 1].bids}\n` +
      `  closed exactly once ${closedOnce}/${M}; close lag first ${firstCloseLagMs} ms, last ${lastCloseLagMs} ms; sold ${sold.length}, winners notified ${won.n}; deposits settled ${settledLagMs} ms after the end (polled)\n` +
      `  database: ${stored.length} stored, lost ${lost}, mismatched ${mismatched}, broken chains ${brokenChains}; watchers in sync ${inSync}/${states.length}\n` +
      `  cpu (cores): ${JSON.stringify(report.cpuCores)}\n` +
      (problems.length ? `  PROBLEMS: ${problems.join('; ')}\n` : ''),
  );
  printLine(report, {
    lots: M,
    workers: MANY_WORKERS,
    postgresCommitsPerSecond: commitsPerSecond,
    closedOnce,
    lastCloseLagMs,
    firstCloseLagMs,
    settledLagMs,
    sold: sold.length,
    winnersNotified: won.n,
    busiestLotBids: busiest[0].bids,
    medianLotBids: busiest[Math.floor(M / 2)].bids,
  });
  closeSockets(sockets);
  return report;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const entry = join(DIST, 'apps/api/src/main.js');
  if (!existsSync(entry)) fail(`${entry} is missing: run "npm run build" first`);
  const built = statSync(entry).mtimeMs;
  const stale = ['libs/market/src/bidding/bidding-engine.ts', 'libs/market/src/bidding/lot-events.publisher.ts'].filter(
    (f) => statSync(join(ROOT, f)).mtimeMs > built,
  );
  if (stale.length && !process.env.BENCH_DIST) fail(`${stale.join(', ')} changed after the last build: run "npm run build" first`);

  const limit = Number(execFileSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  const most = Math.max(
    PHASES.has(4) ? WATCHERS : 0,
    PHASES.has(8) ? Math.max(...CURVE) : 0,
    PHASES.has(9) ? SCALING_WATCHERS : 0,
    PHASES.has(7) ? MANY_LOTS * MANY_PER_LOT : 0,
  );
  const users = PHASES.has(5) || PHASES.has(6) ? Math.max(BIDDERS, INCREASING_BIDDERS) : BIDDERS;
  if (Number.isFinite(limit) && limit < most + users + 500) {
    fail(`ulimit -n is ${limit}: ${most} watchers need more open files (raise it with "ulimit -n 65536", or set fewer watchers)`);
  }

  const { pgServer, pgQuery, redisUrl } = services();
  const dbUrl = `${pgServer}/${DATABASE}${pgQuery}`;
  const admin = new Client({ connectionString: `${pgServer}/postgres${pgQuery}` });
  await admin.connect();
  const pgVersion = ((await admin.query(`SELECT current_setting('server_version') AS v`)).rows[0] as { v: string }).v;
  const pgSettings = (
    await admin.query(
      `SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'wal_sync_method', 'commit_delay', 'shared_buffers', 'max_connections')`,
    )
  ).rows as { name: string; setting: string }[];
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const ds = new DataSource(dataSourceOptions(dbUrl));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();

  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  const seeded = await seed(db, users);

  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: '0',
    DATABASE_URL: dbUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `zjp-bench-${randomBytes(4).toString('hex')}:`,
    JWT_SECRET: `bench-${randomBytes(24).toString('hex')}`,
    STRIPE_SECRET_KEY: `sk_test_${randomBytes(12).toString('hex')}`, // production requires them (no Stripe call is made)
    STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(12).toString('hex')}`,
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    LOG_LEVEL: 'warn',
    ...UNTHROTTLED, // the benchmark measures the engine, not the abuse limits (each bidder bids far faster than a person)
  };
  const apis: ApiProcess[] = [await startApi(env)];
  process.stdout.write(`API 1 at ${apis[0].url}; signing in ${seeded.bidderEmails.length + seeded.watcherEmails.length} users …\n`);
  const allBidderTokens = await inBatches(seeded.bidderEmails, 8, (e) => login(apis[0].url, e));
  const bidderTokens = allBidderTokens.slice(0, BIDDERS);
  const watcherTokens = await inBatches(seeded.watcherEmails, 8, (e) => login(apis[0].url, e));

  const reports: PhaseReport[] = [];
  // Phase 0 (not a result): a few seconds of bids through each new API process, so that the measured phases
  // find its code compiled by V8 and its pool's connections to PostgreSQL open. Its bids are checked too.
  const warmUp = async (processes: ApiProcess[]) =>
    reports.push(
      await runPhase(
        {
          phase: 0,
          short: 'warm-up',
          name: `warm-up (${processes.length} process(es), not measured)`,
          lot: seeded.lots[0],
          apis: processes,
          bidderTokens: bidderTokens.slice(0, 50),
          watcherTokens,
          watchers: processes.length,
          load: { kind: 'closed', depth: 2, seconds: WARM_UP_SECONDS },
        },
        db,
      ),
    );
  await warmUp(apis);
  // A phase of N API processes runs with exactly N alive: with BID_ROUTING=owner (the default) every live API
  // process judges a share of the lots, so a process left running would take part in a one-process phase.
  const exactly = async (n: number) => {
    let stopped = false;
    // BENCH_FRESH_APIS=1: every phase on API processes started for it (no heap or caches left by earlier phases)
    while (apis.length > (process.env.BENCH_FRESH_APIS ? 0 : n)) {
      await apis.pop()!.stop(); // it leaves the bid routers' set as it shuts down
      stopped = true;
    }
    if (stopped) await new Promise((r) => setTimeout(r, 1_500)); // the others' next heartbeat no longer lists it
    while (apis.length < n) {
      apis.push(await startApi(env));
      process.stdout.write(`API ${apis.length} at ${apis[apis.length - 1].url} (the processes share Redis: socket.io adapter, bid routing)\n`);
      await warmUp([apis[apis.length - 1]]); // 3 s: the others have heard its heartbeat by the end
    }
    return [...apis];
  };
  const two = () => exactly(2);
  if (PHASES.has(1)) {
    reports.push(
      await runPhase(
        {
          phase: 1,
          short: 'hot-lot',
          name: 'throughput, one API process',
          lot: seeded.lots[1],
          apis: await exactly(1),
          bidderTokens,
          watcherTokens,
          watchers: 1,
          load: { kind: 'closed', depth: DEPTH, seconds: SECONDS },
        },
        db,
      ),
    );
  }
  if (PHASES.has(2)) {
    reports.push(
      await runPhase(
        {
          phase: 2,
          short: 'hot-lot-2api',
          name: 'throughput, two API processes',
          lot: seeded.lots[2],
          apis: await two(),
          bidderTokens,
          watcherTokens,
          watchers: 2,
          load: { kind: 'closed', depth: DEPTH, seconds: SECONDS },
        },
        db,
      ),
    );
  }
  if (PHASES.has(3)) {
    reports.push(
      await runPhase(
        {
          phase: 3,
          short: 'ack-rate',
          name: `fixed rate ${RATE} bids/s`,
          lot: seeded.lots[3],
          apis: await exactly(process.env.BENCH_ACK_ONE_API ? 1 : 2),
          bidderTokens,
          watcherTokens,
          watchers: 2,
          load: { kind: 'rate', perSecond: RATE, seconds: SECONDS },
        },
        db,
      ),
    );
  }
  if (PHASES.has(4)) {
    reports.push(
      await runPhase(
        {
          phase: 4,
          short: 'watchers-socketio',
          name: `${WATCHERS} watchers at ${WATCH_RATE} bids/s`,
          lot: seeded.lots[4],
          apis: await two(),
          bidderTokens: bidderTokens.slice(0, WATCH_BIDDERS),
          watcherTokens,
          watchers: WATCHERS,
          load: { kind: 'rate', perSecond: WATCH_RATE, seconds: WATCH_SECONDS },
        },
        db,
      ),
    );
  }
  if (PHASES.has(5) || PHASES.has(6)) {
    // Strictly increasing amounts with ONE bid in flight per bidder (a person's next bid follows the
    // answer to the last): a batch then holds each bidder once, in about the order sent, so nearly every
    // bid moves the price. (With several in flight, a bidder's bids arrive together — the server reads a
    // socket's frames in one go — and all but its first are ALREADY_LEADING: the race of phase hot-lot.)
    for (const [phase, short, processes] of [
      [5, 'increasing', 1],
      [6, 'increasing-2api', 2],
    ] as const) {
      if (!PHASES.has(phase)) continue;
      const use = await exactly(processes);
      reports.push(
        await runPhase(
          {
            phase,
            short,
            name: `strictly increasing amounts, ${INCREASING_DEPTH} bid(s) in flight per bidder, ${processes} API process(es)`,
            lot: seeded.lots[phase],
            apis: use,
            bidderTokens: allBidderTokens.slice(0, INCREASING_BIDDERS),
            watcherTokens,
            watchers: use.length,
            load: { kind: 'closed', depth: INCREASING_DEPTH, seconds: SECONDS },
          },
          db,
        ),
      );
    }
  }
  // The watchers curves: a fresh API process pinned to core 0, this generator (its watcher threads
  // included: they inherit the affinity) to core 1; light raw-protocol watchers in the socket.io room
  // (phase 8), or spectators on the feed, GET /live (phase 10).
  const curves = [
    { phase: 8, short: 'watchers', feed: false, lot0: 8, what: 'watchers' },
    { phase: 10, short: 'watchers-feed', feed: true, lot0: 8 + CURVE.length + SCALING.length, what: 'spectators on the feed' },
  ];
  for (const c of curves.filter((k) => PHASES.has(k.phase))) {
    // not one of the bid routers (BID_ROUTING=local): the curve measures this one process, whatever else is running
    const pinned = await startApi({ ...env, BID_ROUTING: 'local' }, { cpus: '0' });
    execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
    process.stdout.write(`phase ${c.short}: API pinned to core 0 at ${pinned.url}, generator pinned to core 1\n`);
    await warmUp([pinned]);
    for (const [i, count] of CURVE.entries()) {
      reports.push(
        await runPhase(
          {
            phase: c.phase,
            short: c.short,
            name: `${count} ${c.what} at ${CURVE_RATE} bids/s, API on one core`,
            lot: seeded.lots[c.lot0 + i],
            apis: [pinned],
            bidderTokens: bidderTokens.slice(0, WATCH_BIDDERS),
            watcherTokens,
            watchers: count,
            raw: !c.feed,
            feed: c.feed,
            load: { kind: 'rate', perSecond: CURVE_RATE, seconds: WATCH_SECONDS },
          },
          db,
        ),
      );
    }
    execFileSync('taskset', ['-a', '-p', '-c', '0,1', String(process.pid)], { stdio: 'ignore' });
    await pinned.stop();
  }
  if (PHASES.has(9)) {
    // The scaling check: the same watchers and bids over 1, 2, 3 API processes (Redis adapter).
    // Prediction from the one-process run (docs/CAPACITY.md, "The scaling claim, checked here"): the API CPU per delivery stays the same
    // (each process writes to its own sockets; what it adds is one Redis message per batch), so the total API CPU is
    // the same. The broadcast p99 is an event's fan-out F (the one process's API CPU per event) plus the rest R (the
    // commit, the Redis hop, the watchers' own reading), and N processes run their shares of F side by side on
    // min(N, C) cores, C being the cores the generator, PostgreSQL, Redis and the rest left free in the base run:
    // p99(N) = R + F / min(N, C). On machines with a core per process (production) C ≥ N, and that is F / N.
    let base: PhaseReport | undefined;
    for (const [i, processes] of SCALING.entries()) {
      const report = await runPhase(
        {
          phase: 9,
          short: 'scaling',
          name: `${SCALING_WATCHERS} watchers (${SPECTATORS}) at ${CURVE_RATE} bids/s over ${processes} API process(es)`,
          lot: seeded.lots[8 + CURVE.length + i],
          apis: await exactly(processes),
          bidderTokens: bidderTokens.slice(0, WATCH_BIDDERS),
          watcherTokens,
          watchers: SCALING_WATCHERS,
          raw: SPECTATORS === 'socketio',
          feed: SPECTATORS === 'feed',
          load: { kind: 'rate', perSecond: CURVE_RATE, seconds: WATCH_SECONDS },
        },
        db,
      );
      base ??= report;
      const apiCores = Object.entries(report.cpuCores)
        .filter(([k]) => k.startsWith('api'))
        .reduce((sum, [, v]) => sum + v, 0);
      const baseCores = Object.entries(base.cpuCores)
        .filter(([k]) => k.startsWith('api'))
        .reduce((sum, [, v]) => sum + v, 0);
      const latency = predictedBroadcastP99(base, baseCores, processes);
      process.stdout.write(
        `${JSON.stringify({
          phase: 'scaling-check',
          apiProcesses: processes,
          watchers: report.watchers,
          predictedApiCores: round(baseCores, 2),
          measuredApiCores: round(apiCores, 2),
          predictedApiCpuUsPerDelivery: base.apiCpuUsPerDelivery,
          measuredApiCpuUsPerDelivery: report.apiCpuUsPerDelivery,
          predictedBroadcastP99Ms: latency.shared,
          measuredBroadcastP99Ms: report.broadcastP99Ms,
          predictedBroadcastP99MsCorePerProcess: latency.ownCores,
          fanOutMsPerEvent: latency.fanOutMs,
          coresFreeForApis: latency.freeCores,
          ackP99Ms: report.ackP99Ms,
        })}\n`,
      );
      reports.push(report);
    }
  }
  if (PHASES.has(7)) reports.push(await runManyLots({ db, holder: seeded.holder, apis: await two(), bidderTokens, watcherTokens, env, redisUrl }));
  await db.end();
  await Promise.all(apis.map((a) => a.stop()));

  const byPhase = (n: number) => reports.find((r) => r.phase === n);
  const measured = reports.filter((r) => r.phase > 0);
  const throughput = reports.filter((r) => r.phase === 1 || r.phase === 2).sort((a, b) => b.bidsPerSecond - a.bidsPerSecond)[0];
  const increasing = reports.filter((r) => r.phase === 5 || r.phase === 6).sort((a, b) => b.acceptedPerSecond - a.acceptedPerSecond)[0];
  const curve = reports.filter((r) => r.phase === 8);
  const feedCurve = reports.filter((r) => r.phase === 10);
  const curveOf = (c: PhaseReport[]) =>
    c.map((r) => ({
      watchers: r.watchers,
      broadcastP99Ms: r.broadcastP99Ms,
      ackP99Ms: r.ackP99Ms,
      apiCpuUsPerDelivery: r.apiCpuUsPerDelivery,
      rssKBPerWatcher: r.rssKBPerWatcher,
    }));
  // memory per watcher as the slope of the API's RSS over a curve (fewest to most watchers)
  const slopeOf = (c: PhaseReport[]) => (c.length > 1 ? round((c[c.length - 1].apiRssKB - c[0].apiRssKB) / (c[c.length - 1].watchers - c[0].watchers)) : null);
  const many = byPhase(7);
  const problems = reports.flatMap((r) => r.problems.map((p) => `phase ${r.phase}: ${p}`));
  const summary = {
    phase: 'summary',
    bidsPerSecond: throughput?.bidsPerSecond ?? null,
    increasingAcceptedPerSecond: increasing?.acceptedPerSecond ?? null,
    increasingPhase: increasing?.short ?? null,
    watchersCurve: curveOf(curve),
    rssKBPerWatcherSlope: slopeOf(curve),
    watchersFeedCurve: curveOf(feedCurve),
    rssKBPerFeedWatcherSlope: slopeOf(feedCurve),
    spectators: SPECTATORS,
    bidderClient: BIDDER_CLIENT,
    manyLots: many ? { ackP99Ms: many.ackP99Ms, broadcastP99Ms: many.broadcastP99Ms, lost: many.lost } : null,
    acceptedPerSecond: throughput?.acceptedPerSecond ?? null,
    throughputPhase: throughput?.phase ?? null,
    ackP50Ms: byPhase(3)?.ackP50Ms ?? null,
    ackP99Ms: byPhase(3)?.ackP99Ms ?? null,
    broadcastP99Ms: byPhase(4)?.broadcastP99Ms ?? null,
    acknowledged: measured.reduce((s, r) => s + r.acknowledged, 0),
    stored: measured.reduce((s, r) => s + r.stored, 0),
    lost: measured.reduce((s, r) => s + r.lost, 0),
    verified: problems.length === 0,
    problems,
    targets: {
      bidsPerSecond: { target: 10_000, met: (throughput?.bidsPerSecond ?? 0) >= 10_000 },
      ackP99Ms: { target: 50, atRate: RATE, met: byPhase(3)?.ackP99Ms != null && byPhase(3)!.ackP99Ms! <= 50 && RATE >= 2000 },
      broadcastP99Ms: {
        target: 100,
        watchers: WATCHERS,
        atRate: WATCH_RATE,
        met: byPhase(4)?.broadcastP99Ms != null && byPhase(4)!.broadcastP99Ms! <= 100 && WATCHERS >= 5000 && WATCH_RATE >= 50,
      },
    },
    machine: {
      nproc: availableParallelism(),
      node: process.version,
      postgres: pgVersion,
      postgresSettings: Object.fromEntries(pgSettings.map((s) => [s.name, s.setting])),
    },
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(problems.length ? 1 : 0);
}

const stopAll = () => {
  for (const s of allSockets) s.close();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
};
if (isMainThread) {
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  process.once('exit', stopAll);

  main().catch((err: unknown) => {
    process.stderr.write(`bench:bidding failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    stopAll();
    process.exit(1);
  });
} else {
  watcherThread(workerData as WatcherThreadInit).catch((err: unknown) => {
    process.stderr.write(`bench:bidding watcher thread failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
