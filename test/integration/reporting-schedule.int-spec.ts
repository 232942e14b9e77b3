import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { CLOCK, type TravelClock } from '../../libs/core/src';
import { QUEUES } from '../../libs/platform/src';
import { REPORTING_JOBS } from '../../libs/reporting/src';
import { testConfig } from '../support/config';
import { insertAchievement, insertHolder } from '../support/registry-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The worker generates the periodic reports on schedule through real BullMQ: on the 1st of a month
 * the 月监测 of the month before, and after a quarter its 季分析; and records the daily activity index.
 */
describe('reporting: scheduled generation in the worker (BullMQ on the real Redis)', () => {
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let ds: DataSource;

  const waitFor = async <T>(probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> => {
    const until = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    // Seed before the worker starts: a listing on 2026-09-10 (Beijing) and one on 2026-07-03.
    const seed = new DataSource({ type: 'postgres', url: db.url });
    await seed.initialize();
    const holder = await insertHolder(seed);
    const achievement = await insertAchievement(seed, holder);
    for (const created of ['2026-09-10T02:00:00Z', '2026-07-03T02:00:00Z'])
      await seed.query(
        `INSERT INTO listings (achievement_id, holder_id, mode, price_fen, status, deal_type, created_at) VALUES ($1, $2, 'auction', 1, 'active', 'transfer', $3)`,
        [achievement, holder, created],
      );
    await seed.destroy();
  });
  afterAll(async () => {
    await worker?.close();
    await db.drop();
  });

  it('registers the schedules (1st of the month 02:00 Beijing for the reports) and generates what is due when the job fires', async () => {
    // The schedule fires every second here; once the worker's clock says 2026-10-01, September and Q3 are due
    // (a run before the clock was set generates what was due on the real date, not looked at here).
    expect(testConfig(db.url).SCHEDULE_PERIODIC_REPORTS).toEqual({ kind: 'cron', pattern: '0 2 1 * *' }); // the default
    const config = testConfig(db.url, { SCHEDULE_PERIODIC_REPORTS: 'every 1s', SCHEDULE_REPORT_FACTS: 'every 15m' });
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false, abortOnError: false });
    worker.get<TravelClock>(CLOCK).travelTo('2026-10-01T02:00:00Z');
    ds = worker.get(DataSource);
    const queue = worker.get<Queue>(getQueueToken(QUEUES.reporting));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern ?? `every ${s.every}`, s.tz ?? null]).sort()).toEqual([
      [REPORTING_JOBS.generateDueReports, 'every 1000', null],
      [REPORTING_JOBS.recordActivityIndex, '40 0 * * *', 'Asia/Shanghai'],
      [REPORTING_JOBS.refreshFacts, 'every 900000', null],
    ]);

    const rows = await waitFor(async () => {
      const r = (await ds.query(
        `SELECT kind, period, generated_by, content->'overall'->'listings'->>'value' AS listings FROM reporting_periodic_reports WHERE period IN ('2026-09', '2026-Q3') ORDER BY kind`,
      )) as { kind: string; period: string; generated_by: string; listings: string }[];
      return r.length === 2 ? r : undefined;
    });
    expect(rows).toEqual([
      { kind: 'monthly', period: '2026-09', generated_by: 'schedule', listings: '1' },
      { kind: 'quarterly', period: '2026-Q3', generated_by: 'schedule', listings: '2' },
    ]);
    await queue.removeJobScheduler(REPORTING_JOBS.generateDueReports);
  });

  it('records the activity index of a day when its job runs, overall and per field and city', async () => {
    const queue = worker.get<Queue>(getQueueToken(QUEUES.reporting));
    const config = testConfig(db.url);
    const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = (queue.opts as { prefix?: string }).prefix;
    const events = new QueueEvents(QUEUES.reporting, { connection, prefix });
    await events.waitUntilReady();
    try {
      const job = await queue.add(REPORTING_JOBS.recordActivityIndex, { day: '2026-09-10' });
      expect(await job.waitUntilFinished(events, 20_000)).toEqual({ day: '2026-09-10', rows: 4 });
    } finally {
      await events.close();
      await connection.quit();
    }
    const stored = (await ds.query(
      `SELECT technical_field, region_code, listings, index_value FROM reporting_activity_index WHERE day = '2026-09-10' ORDER BY 1, 2`,
    )) as unknown[];
    // nothing happened in the default base window (January 2026), so the index is null; the components are kept
    expect(stored).toEqual([
      { technical_field: '*', region_code: '*', listings: 1, index_value: null },
      { technical_field: '*', region_code: '330100', listings: 1, index_value: null },
      { technical_field: 'new_materials', region_code: '*', listings: 1, index_value: null },
      { technical_field: 'new_materials', region_code: '330100', listings: 1, index_value: null },
    ]);
  });
});
