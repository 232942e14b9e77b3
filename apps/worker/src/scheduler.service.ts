import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_JOBS, MAINTENANCE_JOBS, QUEUES } from '@zjp/platform';
import { AUCTION_JOBS } from '@zjp/market';
import { COMPLIANCE_JOBS } from '@zjp/achievements';
import { CONTRACT_JOBS } from '@zjp/contracts';
import { SUBSIDY_JOBS } from '@zjp/subsidies';
import type { Queue } from 'bullmq';

/** Repeating jobs, declared by id: every worker copy upserts the same scheduler, so it runs once. */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QUEUES.maintenance) private readonly maintenance: Queue,
    @InjectQueue(QUEUES.compliance) private readonly compliance: Queue,
    @InjectQueue(QUEUES.auctions) private readonly auctions: Queue,
    @InjectQueue(QUEUES.contracts) private readonly contracts: Queue,
    @InjectQueue(QUEUES.subsidies) private readonly subsidies: Queue,
    @InjectQueue(QUEUES.events) private readonly events: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.maintenance.upsertJobScheduler(
      MAINTENANCE_JOBS.purgeExpiredSessions,
      { pattern: '17 3 * * *', tz: 'Asia/Shanghai' },
      { name: MAINTENANCE_JOBS.purgeExpiredSessions, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
    );
    await this.maintenance.upsertJobScheduler(
      MAINTENANCE_JOBS.purgeDeliveredEvents,
      { pattern: '37 3 * * *', tz: 'Asia/Shanghai' },
      { name: MAINTENANCE_JOBS.purgeDeliveredEvents, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
    );
    // Domain events their maker did not deliver (it crashed after the commit, a handler failed).
    await this.events.upsertJobScheduler(EVENT_JOBS.relay, { every: 2_000 }, { name: EVENT_JOBS.relay, data: {}, opts: { removeOnComplete: 10, removeOnFail: 100 } });
    // P-2Y / P-3Y: every day at 00:10 Asia/Shanghai; the job carries no date, so it scans "today".
    await this.compliance.upsertJobScheduler(
      COMPLIANCE_JOBS.idleScan,
      { pattern: '10 0 * * *', tz: 'Asia/Shanghai' },
      { name: COMPLIANCE_JOBS.idleScan, data: {}, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
    );
    // Lots past their end still open: every minute, and once now (a worker starting after a crash
    // closes what the dead one left, without waiting for BullMQ to find its job stalled).
    await this.auctions.upsertJobScheduler(
      AUCTION_JOBS.closeDueLots,
      { every: 60_000 },
      { name: AUCTION_JOBS.closeDueLots, data: {}, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
    );
    await this.auctions.add(AUCTION_JOBS.closeDueLots, {}, { removeOnComplete: 100, removeOnFail: 1000 });
    // Fixed-price listings whose notice is over (forced ones included) are concluded by this sweep,
    // besides the delayed job queued for each ordinary listing: nothing depends on one job surviving.
    await this.auctions.upsertJobScheduler(
      AUCTION_JOBS.concludeDueListings,
      { every: 15 * 60_000 },
      { name: AUCTION_JOBS.concludeDueListings, data: {}, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
    );
    // Deals and approved free licences without a contract, unfinished follow-ups of signatures,
    // ended use-first trials: the contracts sweep, so that no lost job loses a deal.
    await this.contracts.upsertJobScheduler(
      CONTRACT_JOBS.sweep,
      { every: 5 * 60_000 },
      { name: CONTRACT_JOBS.sweep, data: {}, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
    );
    // Subsidy candidates of contracts registered or paid, and fundings confirmed, since the last sweep.
    await this.subsidies.upsertJobScheduler(
      SUBSIDY_JOBS.sweepCandidates,
      { every: 10 * 60_000 },
      { name: SUBSIDY_JOBS.sweepCandidates, data: {}, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
    );
  }
}
