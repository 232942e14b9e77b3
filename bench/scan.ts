/*
 * The idle-IP scan benchmark (npm run bench:scan): builds its own database of 1,000,000 achievements
 * (BENCH_ACHIEVEMENTS to change it) with 1–3 IP rights each, granted over the two years before
 * 2025-11-25, some transformations and justifications, then times IdleScanService.scan — the same
 * set-based statement the worker runs at 00:10 every day — as the nightly job meets it:
 *   2025-11-25  every achievement examined, none due yet (the read side of the scan);
 *   2025-11-26  the next night: the achievements granted 730 days before cross P-2Y (about 1/730);
 *   again       the same night twice (idempotence: nothing changes);
 *   2025-12-25  a month of nights at once.
 * The last line is one JSON object with `achievements` and `seconds` (the 2025-11-26 nightly scan).
 *
 *   DATABASE_URL   the server to use (its database name is ignored); default postgres://postgres@127.0.0.1:5432
 */
import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { IdleScanService } from '../libs/achievements/src/compliance/idle-scan.service';
import { LocalDate, SystemClock } from '../libs/core/src';
import { DomainEventHandlers } from '../libs/database/src/outbox/event-handlers';
import { Outbox } from '../libs/database/src/outbox/outbox';
import { dataSourceOptions } from '../libs/database/src/data-source-options';
import { TransactionRunner } from '../libs/database/src/transaction-runner';
import { NotificationsService } from '../libs/identity/src/notifications/notifications.service';

const DATABASE = 'zjp_bench_scan';
const N = Number(process.env.BENCH_ACHIEVEMENTS ?? 1_000_000);

function serverUrl(database: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${database}`;
  return url.toString();
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${label}: ${seconds.toFixed(2)} s\n`);
  return { result, seconds };
}

async function main(): Promise<void> {
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  const version = ((await admin.query(`SHOW server_version`)).rows[0] as { server_version: string }).server_version;
  await admin.end();

  const ds = new DataSource(dataSourceOptions(serverUrl(DATABASE)));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });

  await timed(`generated ${N} achievements`, async () => {
    await ds.query(`INSERT INTO organizations (type, name, region_code, holder_category, high_level_platform)
                    SELECT 'holder', '持有单位' || i, '330106', 'university', i % 3 = 0 FROM generate_series(1, 200) i`);
    await ds.query(`INSERT INTO organizations (type, name, region_code, sme) VALUES ('enterprise', '示范企业', '330603', true)`);
    await ds.query(`INSERT INTO users (organization_id, email, display_name, password_hash, roles)
                    SELECT id, 'admin@bench.example', '管理员', 'x', '{holder_admin}' FROM organizations WHERE type = 'holder' LIMIT 1`);
    // The catalogue trigger (bigrams) is per row; the scan does not read those columns, so the
    // bench loads the rows without it.
    await ds.query(`ALTER TABLE achievements DISABLE TRIGGER USER`);
    await ds.query(
      `INSERT INTO achievements (id, holder_id, title, technical_field, kind, obtained_on, registration_status, registered_on, asking_price_fen)
       SELECT gen_random_uuid(), h.ids[1 + i % 200], '成果 ' || i, (ARRAY['internet_plus','life_health','new_materials','other'])[1 + i % 4],
              CASE WHEN i % 10 = 0 THEN 'basic' ELSE 'applied' END, DATE '2018-01-01' + (i % 2500),
              CASE WHEN i % 50 = 0 THEN 'draft' ELSE 'registered' END, CASE WHEN i % 50 = 0 THEN NULL ELSE DATE '2018-01-20' + (i % 2500) END,
              CASE WHEN i % 3 = 0 THEN NULL ELSE 10000000 + i END
         FROM generate_series(1, $1::int) i, (SELECT array_agg(id) AS ids FROM organizations WHERE type = 'holder') h`,
      [N],
    );
    await ds.query(`ALTER TABLE achievements ENABLE TRIGGER USER`);
    // 1–3 rights per achievement, granted on the 730 days before 2025-11-25, 5% lapsed.
    await ds.query(
      `INSERT INTO ip_rights (achievement_id, type, number, granted_on, status)
       SELECT a.id, 'invention_patent', 'BENCH' || row_number() OVER (), (DATE '2025-11-25' - interval '2 years')::date + (abs(hashtext(a.id::text || k)) % 730),
              CASE WHEN abs(hashtext(a.id::text || k || 'l')) % 20 = 0 THEN 'lapsed' ELSE 'valid' END
         FROM achievements a, generate_series(1, 3) k
        WHERE k <= 1 + abs(hashtext(a.id::text)) % 3`,
    );
    // 8% transformed (some after the first scan date), 3% with an approved justification.
    await ds.query(
      `INSERT INTO transformations (achievement_id, kind, license_type, source, status, took_effect_on)
       SELECT id, 'license', 'ordinary', 'contract', 'effective', DATE '2024-01-01' + (abs(hashtext(id::text || 't')) % 1000)
         FROM achievements WHERE abs(hashtext(id::text || 'x')) % 100 < 8`,
    );
    await ds.query(
      `INSERT INTO justifications (achievement_id, category, explanation, ends_on, status, submitted_by)
       SELECT a.id, 'negotiation_in_progress', '谈判中', DATE '2025-06-01' + (abs(hashtext(a.id::text || 'j')) % 600), 'approved', u.id
         FROM achievements a, (SELECT id FROM users LIMIT 1) u WHERE abs(hashtext(a.id::text || 'y')) % 100 < 3`,
    );
    await ds.query(`ANALYZE`);
  });

  // The notices' push after the commit is not measured here: their outbox events stay undelivered.
  const notices = new NotificationsService(ds, new Outbox(ds, new DomainEventHandlers(), new SystemClock()), new DomainEventHandlers(), new SystemClock());
  const scans = new IdleScanService(new TransactionRunner(ds), notices);
  const read = await timed('scan 2025-11-25 (all examined, none due)', () => scans.scan(LocalDate.parse('2025-11-25')));
  process.stdout.write(`  ${read.result.changed} of ${read.result.examined} changed\n`);
  const nightly = await timed('scan 2025-11-26 (the next night)', () => scans.scan(LocalDate.parse('2025-11-26')));
  process.stdout.write(`  ${nightly.result.changed} of ${nightly.result.examined} changed: ${JSON.stringify(nightly.result.transitions)}\n`);
  const again = await timed('scan 2025-11-26 again (idempotent)', () => scans.scan(LocalDate.parse('2025-11-26')));
  process.stdout.write(`  ${again.result.changed} changed\n`);
  if (again.result.changed !== 0) throw new Error('the second scan changed something: the scan is not idempotent');
  const month = await timed('scan 2025-12-25 (a month of nights at once)', () => scans.scan(LocalDate.parse('2025-12-25')));
  process.stdout.write(`  ${month.result.changed} changed: ${JSON.stringify(month.result.transitions)}\n`);
  const counts = (
    await ds.query(
      `SELECT (SELECT count(*) FROM rule_events)::int AS events, (SELECT count(*) FROM listings)::int AS listings, (SELECT count(*) FROM notifications)::int AS notifications`,
    )
  )[0];
  process.stdout.write(`  rule events ${counts.events}, forced listings ${counts.listings}, notifications ${counts.notifications}\n`);
  await ds.destroy();

  const machine = {
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: version,
    kernel: execSync('uname -r').toString().trim(),
  };
  process.stdout.write(
    `${JSON.stringify({
      achievements: nightly.result.examined,
      seconds: Number(nightly.seconds.toFixed(2)),
      changed: nightly.result.changed,
      noneDueSeconds: Number(read.seconds.toFixed(2)),
      idempotentRerunSeconds: Number(again.seconds.toFixed(2)),
      monthSeconds: Number(month.seconds.toFixed(2)),
      monthChanged: month.result.changed,
      machine,
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:scan failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
