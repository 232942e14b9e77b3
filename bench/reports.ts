/*
 * Market reports benchmark (npm run bench:reports): what issue 21 asks of the reports — every
 * report over 1,000,000 bids, 100,000 contracts and 100,000 achievements answers in under a
 * second. Needs the API's build (`npm run build`).
 *
 * 1. Builds its own database (zjp_bench_reports, dropped and recreated; left in place afterwards
 *    so that a query can be examined by hand), migrates it and generates the market history of
 *    bench/reports-data.ts with set-based SQL straight into the owning modules' tables (a bench may;
 *    the modules' services would take hours), then VACUUM ANALYZE. Prints each table's rows and size.
 * 2. Runs the reporting refresh as the worker does: a full one, then an incremental one after one
 *    day's bids, deals and contracts were touched, and prints both times and the summary tables' sizes.
 * 3. Starts one API process (production mode, unthrottled) on that database and times every report
 *    endpoint over HTTP, BENCH_REPEAT requests each after one warm-up: the activity index for a year
 *    (all of Zhejiang, one field, one city), each periodic report kind, the XLSX and PDF exports, and
 *    GET /reports/rankings when the API has it. Prints p50 / p95 / max per endpoint.
 *
 * What else used the CPU is printed at the start and the end (load average, busiest processes):
 * other agents build and test on the same two cores. The last line of output is one JSON object.
 *
 *   BENCH_BIDS=1000000 BENCH_CONTRACTS=100000 BENCH_ACHIEVEMENTS=100000 BENCH_REPEAT=10
 */
import 'reflect-metadata';
import { execFileSync, execSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as argon2 from 'argon2';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../libs/database/src/data-source-options';
import { UNTHROTTLED } from '../test/support/unthrottled';
import { DEFAULT_SIZES, HISTORY_TO, loadReportData } from '../test/support/market-history';
import { refreshReports } from './reports-refresh';

const ROOT = join(__dirname, '..');
const DATABASE = 'zjp_bench_reports';
const REPEAT = Number(process.env.BENCH_REPEAT ?? 10);
const TARGET_MS = 1000;
const PASSWORD = `bench-${randomBytes(6).toString('hex')}`;
const OPERATOR = 'bench-operator@zjp.example';

const out = (line = '') => console.log(line);

/** What else is using the machine: the load average and the busiest processes. */
function machineLoad(): string {
  const top = execSync('ps -eo pcpu,pmem,etime,comm --sort=-pcpu | head -8').toString().trimEnd();
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n${top}`;
}

function services(): { pgServer: string; pgQuery: string; redisUrl: string } {
  const text = execFileSync(
    'bash',
    ['-c', 'source scripts/lib/services.sh && zjp_ensure_services >&2 && printf "%s\\n%s\\n%s\\n" "$ZJP_PG_URL" "$ZJP_PG_QUERY" "$REDIS_URL"'],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [pgServer, pgQuery, redisUrl] = text.split('\n');
  return { pgServer, pgQuery, redisUrl };
}

const children: ChildProcess[] = [];

function startApi(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start within 60 s:\n${text}`)), 60_000);
    const onData = (chunk: Buffer) => {
      text = (text + chunk.toString()).slice(-4000);
      const m = text.match(/api listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited with ${code}:\n${text}`));
    });
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

interface Timing {
  endpoint: string;
  status: number;
  contentType: string;
  bytes: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  n: number;
}

/** One warm-up request, then REPEAT timed ones, one at a time (the time to the last byte of the body). */
async function time(url: string, path: string, token: string, expectType: RegExp): Promise<Timing> {
  const get = async () => {
    const t = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: '*/*' } });
    const body = Buffer.from(await res.arrayBuffer());
    const ms = performance.now() - t;
    return { ms, status: res.status, type: res.headers.get('content-type') ?? '', bytes: body.length, body };
  };
  const first = await get();
  if (first.status !== 200 || !expectType.test(first.type))
    throw new Error(`GET ${path}: ${first.status} ${first.type} ${first.body.toString('utf8', 0, Math.min(first.body.length, 400))}`);
  const ms: number[] = [];
  for (let i = 0; i < REPEAT; i++) ms.push((await get()).ms);
  ms.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    endpoint: path,
    status: first.status,
    contentType: first.type.split(';')[0],
    bytes: first.bytes,
    p50Ms: round(percentile(ms, 50)),
    p95Ms: round(percentile(ms, 95)),
    maxMs: round(ms[ms.length - 1]),
    n: REPEAT,
  };
}

async function tableSizes(db: Client, tables: string[]): Promise<{ table: string; rows: number; size: string }[]> {
  const sizes: { table: string; rows: number; size: string }[] = [];
  for (const table of tables) {
    // exact counts (the table names are this file's constants)
    const [r] = (await db.query(`SELECT count(*)::bigint AS rows, pg_size_pretty(pg_total_relation_size($1::regclass)) AS size FROM ${table}`, [table]))
      .rows as {
      rows: string;
      size: string;
    }[];
    sizes.push({ table, rows: Number(r.rows), size: r.size });
  }
  return sizes;
}

async function main(): Promise<void> {
  const apiMain = join(ROOT, 'dist/apps/api/src/main.js');
  if (!existsSync(apiMain)) throw new Error(`${apiMain} is missing: run "npm run build" first`);
  const loadAtStart = machineLoad();
  out(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  out(`at start (other agents build and test on the same cores): ${loadAtStart}`);

  const { pgServer, pgQuery, redisUrl } = services();
  const dbUrl = `${pgServer}/${DATABASE}${pgQuery}`;
  const admin = new Client({ connectionString: `${pgServer}/postgres${pgQuery}` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  const version = (await admin.query(`SHOW server_version`)).rows[0].server_version as string;
  await admin.end();
  const ds = new DataSource(dataSourceOptions(dbUrl, { extra: { max: 4, application_name: 'zjp-bench-reports' } }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const db = new Client({ connectionString: dbUrl });
  await db.connect();

  // ---- 1. the data
  out('');
  out(`1. data (PostgreSQL ${version}): set-based INSERT … SELECT generate_series straight into the owners' tables`);
  let t = performance.now();
  const steps = await loadReportData(db, DEFAULT_SIZES, out);
  const generateMs = Math.round(performance.now() - t);
  t = performance.now();
  await db.query('VACUUM ANALYZE');
  const vacuumMs = Math.round(performance.now() - t);
  await db.query(`UPDATE users SET password_hash = $1 WHERE email = $2`, [
    await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 }),
    OPERATOR,
  ]);
  const sizes = await tableSizes(db, [
    'bids',
    'lots',
    'lot_registrations',
    'auction_sessions',
    'listings',
    'deals',
    'contracts',
    'payments',
    'transformations',
    'achievements',
    'organizations',
    'subsidy_applications',
  ]);
  out(`generated in ${generateMs} ms, VACUUM ANALYZE ${vacuumMs} ms`);
  for (const s of sizes) out(`  ${s.table.padEnd(22)} ${s.rows.toLocaleString('en-US').padStart(10)} rows  ${s.size}`);

  // ---- 2. the refresh
  out('');
  out('2. reporting refresh (as the worker runs it)');
  const refresh = await refreshReports(ds, db, out);

  // ---- 3. the endpoints over HTTP
  out('');
  out(`3. report endpoints over HTTP (one API process, production mode; ${REPEAT} requests each after one warm-up, one at a time)`);
  const url = await startApi({
    NODE_ENV: 'production',
    PORT: '0',
    DATABASE_URL: dbUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `zjp-bench-reports-${randomBytes(4).toString('hex')}:`,
    JWT_SECRET: `bench-${randomBytes(24).toString('hex')}`,
    STRIPE_SECRET_KEY: `sk_test_${randomBytes(12).toString('hex')}`,
    STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(12).toString('hex')}`,
    LOG_LEVEL: 'warn',
    ...UNTHROTTLED,
  });
  const login = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: OPERATOR, password: PASSWORD }),
  });
  const token = ((await login.json()) as { accessToken?: string }).accessToken;
  if (!token) throw new Error(`login failed: ${login.status}`);

  const year = HISTORY_TO.slice(0, 4);
  const to = HISTORY_TO;
  const from = `${Number(year) - 1}${HISTORY_TO.slice(4)}`;
  const json = /application\/json/;
  const timings: Timing[] = [];
  const endpoints: [string, RegExp][] = [
    [`/reports/activity-index?from=${from}&to=${to}`, json],
    [`/reports/activity-index?from=${from}&to=${to}&field=new_materials`, json],
    [`/reports/activity-index?from=${from}&to=${to}&region=330100`, json],
    [`/reports/periodic/available`, json],
  ];
  const periods: [string, string][] = [
    ['monthly', HISTORY_TO.slice(0, 7)],
    ['quarterly', `${year}-Q3`],
    ['annual', `${Number(year) - 1}`],
  ];
  // the reports are generated (as the worker does on schedule) before they are read: POST /reports/periodic/generate
  const generated: { kind: string; period: string; ms: number }[] = [];
  for (const [kind, period] of periods) {
    const t0 = performance.now();
    const res = await fetch(`${url}/reports/periodic/generate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind, period }),
    });
    const text = await res.text();
    const ms = Math.round(performance.now() - t0);
    if (res.status !== 200) throw new Error(`generate ${kind} ${period}: ${res.status} ${text.slice(0, 400)}`);
    generated.push({ kind, period, ms });
    out(`  POST /reports/periodic/generate ${kind} ${period}: ${ms} ms (an incremental refresh, then the report computed and stored)`);
  }
  for (const [kind, period] of periods) endpoints.push([`/reports/periodic?kind=${kind}&period=${period}`, json]);
  for (const [kind, period] of periods) {
    endpoints.push([`/reports/periodic/export.xlsx?kind=${kind}&period=${period}`, /spreadsheetml/]);
    endpoints.push([`/reports/periodic/export.pdf?kind=${kind}&period=${period}`, /application\/pdf/]);
  }
  for (const [path, type] of endpoints) {
    const timing = await time(url, path, token, type);
    timings.push(timing);
    out(
      `  ${timing.endpoint.padEnd(72)} p50 ${String(timing.p50Ms).padStart(7)} ms  p95 ${String(timing.p95Ms).padStart(7)} ms  max ${String(timing.maxMs).padStart(7)} ms  ${timing.bytes.toLocaleString('en-US')} bytes ${timing.contentType}`,
    );
  }
  const rankings = await fetch(`${url}/reports/rankings`, { headers: { Authorization: `Bearer ${token}` } });
  await rankings.arrayBuffer();
  if (rankings.status === 404) out('  /reports/rankings: 404, not in this API build (it comes with the rankings branch)');
  else {
    const timing = await time(url, '/reports/rankings', token, json);
    timings.push(timing);
    out(
      `  ${timing.endpoint.padEnd(72)} p50 ${timing.p50Ms} ms  p95 ${timing.p95Ms} ms  max ${timing.maxMs} ms  ${timing.bytes.toLocaleString('en-US')} bytes`,
    );
  }
  const slow = timings.filter((x) => x.maxMs >= TARGET_MS);
  out(slow.length === 0 ? `every report answered in under ${TARGET_MS} ms (max)` : `OVER ${TARGET_MS} ms: ${slow.map((s) => s.endpoint).join(', ')}`);

  await db.end();
  await ds.destroy();
  const loadAtEnd = machineLoad();
  out('');
  out(`at end: ${loadAtEnd}`);
  out(
    JSON.stringify({
      bids: sizes.find((s) => s.table === 'bids')?.rows,
      contracts: sizes.find((s) => s.table === 'contracts')?.rows,
      achievements: sizes.find((s) => s.table === 'achievements')?.rows,
      generateMs,
      vacuumMs,
      steps: steps.map((s) => [s.step, s.rows, s.ms]),
      refresh,
      generated,
      endpoints: timings.map((x) => ({ endpoint: x.endpoint, p50Ms: x.p50Ms, p95Ms: x.p95Ms, maxMs: x.maxMs, bytes: x.bytes })),
      allUnderTarget: slow.length === 0,
      postgres: version,
      nproc: availableParallelism(),
      loadavgStart: loadAtStart.split('\n')[0],
      loadavgEnd: loadavg().map((l) => Number(l.toFixed(2))),
    }),
  );
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill('SIGTERM');
  });
