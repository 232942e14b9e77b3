/*
 * The long run of the OpenAPI fuzzer (npm run test:resilience:fuzz; part of npm run test:resilience).
 * Needs the build (`npm run build:checked`; scripts/resilience.sh builds first). Issue 16, "the proof".
 *
 * It starts what it uses, in a temporary directory: a PostgreSQL cluster and a Redis of its own on
 * free ports (never the machine's shared servers), migrates, loads the demo data (every role) and
 * lots, registrations, deals and contracts, starts the local Stripe-speaking server and the built
 * API process, and sends FUZZ_RUNS generated requests to every operation of the API's OpenAPI
 * document (GET /api/docs/openapi.json) and emits to every socket event in its x-socket-events
 * (test/support/fuzz: arbitraries from the schemas plus the malformed classes of issue 16). Every
 * answer is judged: no 5xx, no dropped connection or missing acknowledgement, no INTERNAL_ERROR;
 * every 4xx in the error shape (code, message; the fields of a VALIDATION_FAILED); a refused
 * mutating request leaves the database's fingerprint (row count and newest row version of every
 * table) as it was.
 *
 * Prints the counts per operation and event (requests, 2xx, 4xx, 5xx, failures), then one JSON
 * line. `--write-doc` replaces the "Fuzzer" section of docs/RELIABILITY.md with them. Exit code 1
 * on any failure, with its replay line.
 *
 *   FUZZ_RUNS=200   requests per operation and emits per socket event
 *   FUZZ_SEED=…     the run's seed (printed; each operation's seed derives from it and its key)
 *   FUZZ_ONLY='POST /lots/{id}/offline-registrations'   only these (';'-separated) operations or events
 *   FUZZ_KEEP=1     keep the temporary directory (server logs)
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { fetchDocument, operationsOf, socketEventsOf } from '../support/fuzz/openapi';
import { countsTable, runFuzz, type FuzzReport } from '../support/fuzz/runner';
import { startFuzzWorld, type FuzzWorld } from '../support/fuzz/world';
import { PrivatePostgres, PrivateRedis } from './faults-services';
import { commitOf, writeReliabilitySection } from './reliability-doc';

const WRITE_DOC = process.argv.includes('--write-doc');
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const log = (line: string) => process.stderr.write(`fuzz: ${line}\n`);

function section(report: FuzzReport, operations: number, events: number): string {
  const total = report.counts.reduce((n, c) => n + c.requests, 0);
  const ok = report.counts.reduce((n, c) => n + c.ok, 0);
  const rejected = report.counts.reduce((n, c) => n + c.rejected, 0);
  const fivexx = report.counts.reduce((n, c) => n + c.serverErrors, 0);
  const rows = [...report.counts]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((c) => `| \`${c.key}\` | ${c.requests} | ${c.ok} | ${c.rejected} | ${c.serverErrors} | ${c.failures} |`);
  return [
    '## Fuzzer',
    '',
    `\`npm run test:resilience:fuzz\` (test/resilience/fuzz.ts; its fast part runs in \`npm test\` as test/e2e/fuzz.e2e-spec.ts): requests generated with fast-check from the OpenAPI document`,
    'of the running API (every operation, and every socket event of its `x-socket-events`): valid-ish values (examples, enums, real ids of the',
    "caller's own and of other organisations, as every demo role), each field wrong in turn (wrong type, boundary, null, missing, extra,",
    '`__proto__`), and the malformed classes of issue 16 (JSON nested 10 000–60 000 deep, lone UTF-16 surrogates, NUL characters, non-JSON',
    'content types, invalid UTF-8, huge numbers and strings, bodies over the limit, bad ids, an acknowledgement that is not the second argument).',
    "Judged: no 5xx and no INTERNAL_ERROR acknowledgement; every 4xx in the error shape; a refused mutating request leaves every table's row",
    'count and newest row version unchanged.',
    '',
    `Last recorded run: ${new Date().toISOString().slice(0, 10)}, commit ${commitOf()}, seed ${report.seed}, ${RUNS} per operation, ${operations} operations and ${events} socket events,`,
    `${total} requests in ${(report.ms / 1000).toFixed(0)} s: ${ok} 2xx, ${rejected} 4xx, **${fivexx} 5xx**, **${report.failures.length} failures**.`,
    '',
    '| operation | requests | 2xx | 4xx | 5xx | failures |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
}

function writeDoc(text: string): void {
  log(`wrote the "Fuzzer" section of ${writeReliabilitySection('## Fuzzer', text)}`);
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'zjp-fuzz-'));
  let pg: PrivatePostgres | undefined;
  let redis: PrivateRedis | undefined;
  let world: FuzzWorld | undefined;
  const cleanUp = () => {
    redis?.stopNow();
    pg?.stopNow();
    if (process.env.FUZZ_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });
  try {
    pg = await PrivatePostgres.create(dir);
    pg.start();
    redis = await PrivateRedis.create(dir);
    await redis.start();
    const admin = new Client({ connectionString: pg.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE zjp_fuzz');
    await admin.end();
    log(`private PostgreSQL on port ${pg.port}, Redis on port ${redis.port} (in ${dir}); seed ${SEED}, ${RUNS} per operation`);
    world = await startFuzzWorld({ databaseUrl: pg.url('zjp_fuzz'), redisUrl: redis.url, migrate: true });
    const doc = await fetchDocument(world.baseUrl);
    const report = await runFuzz(world, doc, { seed: SEED, runs: RUNS, only: process.env.FUZZ_ONLY, log });
    process.stdout.write(`${countsTable(report)}\n`);
    const total = report.counts.reduce((n, c) => n + c.requests, 0);
    process.stdout.write(
      `${JSON.stringify({ seed: SEED, runs: RUNS, requests: total, ms: report.ms, serverErrors: report.counts.reduce((n, c) => n + c.serverErrors, 0), failures: report.failures, unexercised: report.unexercised })}\n`,
    );
    for (const f of report.failures) log(`FAIL ${f.key}: ${f.message}\n  replay: ${f.replay} npm run test:resilience:fuzz`);
    if (WRITE_DOC && !process.env.FUZZ_ONLY) writeDoc(section(report, operationsOf(doc).length, socketEventsOf(doc).length));
    return report.failures.length || report.unexercised.length ? 1 : 0;
  } finally {
    await world?.stop().catch(() => undefined);
    cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
