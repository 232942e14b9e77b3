import { randomBytes, randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { AUCTION_JOBS, LotEventsPublisher, OUTBID_GATHER_MS, OUTBID_JOB_LOTS, OUTBID_JOB_PRIORITY, type OutbidLot } from '../../libs/market/src';
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
  async function drain(count: number): Promise<{ name: string; lotIds: string[] }[]> {
    const order: { name: string; lotIds: string[] }[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const workerConnection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker(
      QUEUES.auctions,
      (job: Job<{ lotId: string } | { lots: OutbidLot[] }>) => {
        order.push({ name: job.name, lotIds: 'lots' in job.data ? job.data.lots.map((l) => l.lotId) : [job.data.lotId] });
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

  /** The outbid notices of `lots` lots (two organisations each), and the jobs they were queued in (OUTBID_JOB_LOTS lots per job). */
  async function outbidNotices(lots: number): Promise<{ lotIds: string[]; jobs: number }> {
    const lotIds = Array.from({ length: lots }, () => randomUUID());
    for (const lotId of lotIds) publisher.outbid(lotId, [randomUUID(), randomUUID()]);
    publisher.outbid(lotIds[0], []); // nothing to add
    // gathered for OUTBID_GATHER_MS, then queued in one addBulk
    const jobs = Math.ceil(lots / OUTBID_JOB_LOTS);
    const until = Date.now() + OUTBID_GATHER_MS + 5_000;
    while ((await queue.getJobCountByTypes('prioritized', 'wait')) < jobs && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    return { lotIds, jobs };
  }

  it('queues the outbid notices of a second with their priority, up to OUTBID_JOB_LOTS lots per job', async () => {
    const { lotIds } = await outbidNotices(2 * OUTBID_JOB_LOTS + 50);
    const jobs = await queue.getJobs(['prioritized', 'wait']);
    expect(jobs.map((j) => j.name)).toEqual(Array(3).fill(AUCTION_JOBS.notifyOutbid));
    expect(jobs.map((j) => j.opts.priority)).toEqual(Array(3).fill(OUTBID_JOB_PRIORITY));
    const lots = jobs.map((j) => (j.data as { lots: OutbidLot[] }).lots);
    expect(lots.map((l) => l.length).sort((a, b) => a - b)).toEqual([50, OUTBID_JOB_LOTS, OUTBID_JOB_LOTS]);
    expect(
      lots
        .flat()
        .map((l) => l.lotId)
        .sort(),
    ).toEqual([...lotIds].sort()); // each lot once
    expect(lots.flat().every((l) => l.organizationIds.length === 2)).toBe(true);
  });

  it('takes a close that is due before the outbid notices queued before it', async () => {
    const { lotIds: noticeLots, jobs } = await outbidNotices(3 * OUTBID_JOB_LOTS);
    const closing = randomUUID();
    await publisher.scheduleClose(closing, new Date(Date.now() - 1000)); // ended: due at once
    const order = await drain(jobs + 1);
    expect(order[0]).toEqual({ name: AUCTION_JOBS.closeLot, lotIds: [closing] });
    // the notices all follow, in the order they were queued (FIFO within a priority)
    expect(order.slice(1).map((j) => j.name)).toEqual(Array(jobs).fill(AUCTION_JOBS.notifyOutbid));
    expect(order.slice(1).flatMap((j) => j.lotIds)).toEqual(noticeLots);
  });

  it('takes a close whose end comes while notices wait before them, as soon as it is due', async () => {
    const closing = randomUUID();
    await publisher.scheduleClose(closing, new Date(Date.now() + 300)); // ends while the notices are gathered
    const { jobs } = await outbidNotices(3 * OUTBID_JOB_LOTS);
    await new Promise((r) => setTimeout(r, 300)); // past its end (the notices were queued after it was scheduled)
    const order = await drain(jobs + 1);
    expect(order[0]).toEqual({ name: AUCTION_JOBS.closeLot, lotIds: [closing] });
    expect(order.filter((j) => j.name === AUCTION_JOBS.closeLot)).toHaveLength(1);
  });
});
