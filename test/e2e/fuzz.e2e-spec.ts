// @expectedSeconds 55 (on a quiet machine): the test sequencer starts the longest files first (test/support/sequencer.cjs).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { TEST_REDIS_URL } from '../support/env';
import { fetchDocument, operationsOf, socketEventsOf, type OpenApiDocument } from '../support/fuzz/openapi';
import { countsTable, runFuzz, type FuzzReport } from '../support/fuzz/runner';
import { startFuzzWorld, type FuzzWorld } from '../support/fuzz/world';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The fast part of the OpenAPI fuzzer (the long run is npm run test:resilience:fuzz): every
 * operation and socket event of the document gets FUZZ_RUNS generated requests against the built
 * API process, and none may answer 5xx, break the error shape, or change anything when refused.
 * A failure prints its replay line: FUZZ_SEED=… FUZZ_ONLY='…' (then run this file again).
 * Without FUZZ_SEED the seed comes from the commit: each commit fuzzes with other requests, and a
 * run of the same commit (CI after the author's run) sends the same ones, so CI is reproducible.
 */
function commitSeed(): number {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
    return createHash('sha256').update(head).digest().readUInt32LE(0) >>> 1;
  } catch {
    return Math.floor(Math.random() * 2 ** 31); // not a git checkout
  }
}

describe('OpenAPI fuzzer (fast part)', () => {
  let db: TestDatabase;
  let world: FuzzWorld;
  let doc: OpenApiDocument;
  let report: FuzzReport;
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : commitSeed();

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await startFuzzWorld({ databaseUrl: db.url, redisUrl: TEST_REDIS_URL });
    doc = await fetchDocument(world.baseUrl);
  });
  afterAll(async () => {
    await world?.stop();
    await db?.drop();
  });

  it('documents the socket events next to the routes (x-socket-events), with payload schemas', () => {
    const events = socketEventsOf(doc);
    expect(events.map((e) => e.event).sort()).toEqual(['clock.sync', 'lot.bid', 'lot.join', 'lot.leave', 'lot.watchers.count']);
    const bid = events.find((e) => e.event === 'lot.bid')!;
    expect(bid.payload.required).toEqual(expect.arrayContaining(['lotId', 'amountFen', 'idempotencyKey']));
    expect(bid.roles).toEqual(['enterprise_admin', 'enterprise_member']);
  });

  it('answers every operation and socket event without a 5xx, in the error shape, changing nothing when it refuses', async () => {
    report = await runFuzz(world, doc, {
      seed,
      runs: Number(process.env.FUZZ_RUNS ?? 8), // 8 per operation here (a new seed each commit); the long run sends 200
      only: process.env.FUZZ_ONLY,
      log: (l) => process.stderr.write(`${l}\n`),
    });
    process.stderr.write(
      `fuzz seed ${seed}: ${report.counts.reduce((n, c) => n + c.requests, 0)} requests in ${(report.ms / 1000).toFixed(1)} s\n${countsTable(report)}\n`,
    );
    expect(report.failures.map((f) => `${f.key}: ${f.message}\n  replay: ${f.replay}`)).toEqual([]);
    expect(report.counts.reduce((n, c) => n + c.serverErrors, 0)).toBe(0);
    // its own timeout: ~80 s of requests (12 per operation) on a quiet machine took 187 s (and hit the default 120 s) on a slow one
  }, 480_000);

  it('exercised every operation in the document, so a new endpoint is fuzzed without anyone asking', () => {
    if (process.env.FUZZ_ONLY) return; // a replay of one operation
    expect(report.unexercised).toEqual([]);
    const keys = new Set(report.counts.map((c) => c.key));
    expect(operationsOf(doc).length).toBeGreaterThan(100);
    for (const op of operationsOf(doc)) expect(keys.has(op.key)).toBe(true);
    expect(operationsOf(doc).map((o) => o.key)).not.toContain('GET /metrics');
  });
});
