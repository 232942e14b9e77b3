import { randomBytes, randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { AUCTION_JOBS, LotEventsPublisher, OUTBID_GATHER_MS, OUTBID_JOB_PRIORITY } from '../../libs/market/src';
import type { LotFeed } from '../../libs/market/src/bidding/lot-feed';
import { QUEUES } from '../../libs/platform/src';
import type { RealtimePublisher } from '../../libs/realtime/src';
import { TEST_REDIS_URL } from '../support/env';

/**
 * The order in which the worker takes the auctions queue's jobs, on the real Redis with a real BullMQ worker: a
 * close that falls due is taken before the outbid notices queued before it (they carry a priority; BullMQ takes
 * jobs without one first). Without that, 500 lots ending together waited behind the notices of their last bids
 * (docs/BENCHMARKS.md, sixth pass).
 */
describe('auctions queue: closes before outbid notices', () => {
  let connection: Redis;
  let queue: Queue;
  let publisher: LotEventsPublisher;
  let prefix: string;

  beforeEach(async () => {
    prefix = `zjp-test-${randomBytes(4).toString('hex')}:bull`;
    connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUES.auctions, { connection, prefix });
    await queue.waitUntilReady();
    // the publisher's outbid and close paths use only the queue; its room and feed publishers are not reached
    publisher = new LotEventsPublisher({} as RealtimePublisher, {} as LotFeed, queue as never);
  });
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  });

  /** Runs a worker taking one job at a time until `count` jobs are done; the jobs' names and lots in that order. */
  async function drain(count: number): Promise<{ name: string; lotId: string }[]> {
    const order: { name: string; lotId: string }[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const workerConnection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker(
      QUEUES.auctions,
      (job: Job<{ lotId: string }>) => {
        order.push({ name: job.name, lotId: job.data.lotId });
        if (order.length === count) done();
        return Promise.resolve();
      },
      { connection: workerConnection, prefix, concurrency: 1 },
    );
    try {
      await Promise.race([finished, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${order.length} of ${count} jobs done`)), 15_000))]);
    } finally {
      await worker.close();
      await workerConnection.quit();
    }
    return order;
  }

  async function outbidNotices(lots: number): Promise<string[]> {
    const lotIds = Array.from({ length: lots }, () => randomUUID());
    for (const lotId of lotIds) publisher.outbid(lotId, [randomUUID(), randomUUID()]);
    // gathered for OUTBID_GATHER_MS, then queued in one addBulk
    const until = Date.now() + OUTBID_GATHER_MS + 5_000;
    while ((await queue.getJobCountByTypes('prioritized', 'wait')) < lots && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    return lotIds;
  }

  it('queues the outbid notices with their priority, one job per lot carrying its organisations', async () => {
    const lotIds = await outbidNotices(3);
    const jobs = await queue.getJobs(['prioritized', 'wait']);
    expect(jobs.map((j) => j.name)).toEqual([AUCTION_JOBS.notifyOutbid, AUCTION_JOBS.notifyOutbid, AUCTION_JOBS.notifyOutbid]);
    expect(jobs.map((j) => j.opts.priority)).toEqual([OUTBID_JOB_PRIORITY, OUTBID_JOB_PRIORITY, OUTBID_JOB_PRIORITY]);
    expect(jobs.map((j) => (j.data as { lotId: string }).lotId).sort()).toEqual([...lotIds].sort());
    expect(jobs.every((j) => (j.data as { organizationIds: string[] }).organizationIds.length === 2)).toBe(true);
  });

  it('takes a close that is due before the outbid notices queued before it', async () => {
    const noticeLots = await outbidNotices(20);
    const closing = randomUUID();
    await publisher.scheduleClose(closing, new Date(Date.now() - 1000)); // ended: due at once
    const order = await drain(21);
    expect(order[0]).toEqual({ name: AUCTION_JOBS.closeLot, lotId: closing });
    // the notices all follow, in the order they were queued (FIFO within a priority)
    expect(order.slice(1).map((j) => j.name)).toEqual(Array(20).fill(AUCTION_JOBS.notifyOutbid));
    expect(order.slice(1).map((j) => j.lotId)).toEqual(noticeLots);
  });

  it('takes a close whose end comes while notices wait before them, as soon as it is due', async () => {
    const closing = randomUUID();
    await publisher.scheduleClose(closing, new Date(Date.now() + 300)); // ends while the notices are gathered
    await outbidNotices(20);
    await new Promise((r) => setTimeout(r, 300)); // past its end (the notices were queued after it was scheduled)
    const order = await drain(21);
    expect(order[0]).toEqual({ name: AUCTION_JOBS.closeLot, lotId: closing });
    expect(order.filter((j) => j.name === AUCTION_JOBS.closeLot)).toHaveLength(1);
  });
});
