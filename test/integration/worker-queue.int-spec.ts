import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { MAINTENANCE_JOBS, QUEUES } from '../../libs/platform/src';
import { COMPLIANCE_JOBS } from '../../libs/achievements/src';
import { AUCTION_JOBS } from '../../libs/market/src';
import { testConfig } from '../support/config';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('worker: BullMQ queues on the real Redis', () => {
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let config: ReturnType<typeof testConfig>;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testConfig(db.url);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false, abortOnError: false });
  });
  afterAll(async () => {
    await worker.close();
    await db.drop();
  });

  it('purges ended sessions when the maintenance job runs, and a repeated job finds nothing to do', async () => {
    const ds = worker.get(DataSource);
    const [org] = await ds.query(`INSERT INTO organizations (type, name, region_code) VALUES ('broker', 'b', '330100') RETURNING id`);
    const [user] = await ds.query(
      `INSERT INTO users (organization_id, email, display_name, password_hash, roles) VALUES ($1, 'u@x.example', 'u', 'x', '{broker}') RETURNING id`,
      [org.id],
    );
    await ds.query(
      `INSERT INTO sessions (user_id, expires_at, revoked_at) VALUES ($1, now() - interval '3 days', NULL), ($1, now() + interval '3 days', now() - interval '2 days'), ($1, now() + interval '3 days', NULL)`,
      [user.id],
    );

    // a producer elsewhere (the API) enqueues by name; the worker's processor picks it up
    const queue = worker.get<Queue>(getQueueToken(QUEUES.maintenance));
    const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    const events = new QueueEvents(QUEUES.maintenance, { connection, prefix: `${config.REDIS_PREFIX}bull` });
    await events.waitUntilReady();
    try {
      const first = await queue.add(MAINTENANCE_JOBS.purgeExpiredSessions, {});
      expect(await first.waitUntilFinished(events, 10_000)).toEqual({ purged: 2 });
      const second = await queue.add(MAINTENANCE_JOBS.purgeExpiredSessions, {});
      expect(await second.waitUntilFinished(events, 10_000)).toEqual({ purged: 0 });
    } finally {
      await events.close();
      await connection.quit();
    }
    expect((await ds.query(`SELECT count(*)::int AS n FROM sessions`))[0].n).toBe(1);
  });

  it('registers the daily maintenance schedule once, however many workers start', async () => {
    const second = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false, abortOnError: false });
    try {
      const queue = worker.get<Queue>(getQueueToken(QUEUES.maintenance));
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual([MAINTENANCE_JOBS.purgeDeliveredEvents, MAINTENANCE_JOBS.purgeExpiredSessions]);
      expect(schedulers.map((s) => s.tz)).toEqual(['Asia/Shanghai', 'Asia/Shanghai']);
    } finally {
      await second.close();
    }
  });

  it('moves a scheduled job or switches it off by configuration, also removing what an earlier start registered', async () => {
    const compliance = worker.get<Queue>(getQueueToken(QUEUES.compliance));
    const auctions = worker.get<Queue>(getQueueToken(QUEUES.auctions));
    const maintenance = worker.get<Queue>(getQueueToken(QUEUES.maintenance));
    expect((await compliance.getJobSchedulers()).map((s) => [s.key, s.pattern, s.tz])).toEqual([[COMPLIANCE_JOBS.idleScan, '10 0 * * *', 'Asia/Shanghai']]);
    // The same Redis prefix (the same deployment), restarted with other settings.
    const moved = testConfig(db.url, {
      REDIS_PREFIX: config.REDIS_PREFIX,
      SCHEDULE_IDLE_SCAN: 'off',
      SCHEDULE_CLOSE_DUE_LOTS: 'every 30s',
      SCHEDULE_PURGE_SESSIONS: '5 4 * * 1',
    });
    const restarted = await NestFactory.createApplicationContext(WorkerModule.forRoot(moved), { logger: false, abortOnError: false });
    try {
      expect(await compliance.getJobSchedulers()).toEqual([]);
      const closing = (await auctions.getJobSchedulers()).find((s) => s.key === AUCTION_JOBS.closeDueLots);
      expect(closing?.every).toBe(30_000);
      const purge = (await maintenance.getJobSchedulers()).find((s) => s.key === MAINTENANCE_JOBS.purgeExpiredSessions);
      expect([purge?.pattern, purge?.tz]).toEqual(['5 4 * * 1', 'Asia/Shanghai']);
    } finally {
      await restarted.close();
    }
  });

  it('keeps its keys under the configured prefix so tests and demo never share Redis keys', async () => {
    const redis = new Redis(config.REDIS_URL);
    try {
      const keys = await redis.keys('*maintenance*');
      const ours = keys.filter((k) => k.startsWith(config.REDIS_PREFIX));
      expect(ours.length).toBeGreaterThan(0);
    } finally {
      await redis.quit();
    }
  });
});
