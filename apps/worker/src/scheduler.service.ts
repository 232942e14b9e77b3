import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, EVENT_JOBS, MAINTENANCE_JOBS, QUEUES, SCHEDULE_TIME_ZONE, type ScheduleSetting } from '@zjp/platform';
import { AUCTION_JOBS } from '@zjp/market';
import { COMPLIANCE_JOBS } from '@zjp/achievements';
import { CONTRACT_JOBS } from '@zjp/contracts';
import { SUBSIDY_JOBS } from '@zjp/subsidies';
import { REPORTING_JOBS } from '@zjp/reporting';
import type { Queue } from 'bullmq';

type ScheduleVariable = Extract<keyof AppConfig, `SCHEDULE_${string}`>;

/**
 * Repeating jobs, declared by id: every worker copy upserts the same scheduler, so it runs once.
 * Each is set by a SCHEDULE_* variable (README "Scheduled jobs"); `off` removes the scheduler, so a
 * maintenance window or a test can stop a job that an earlier start registered.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap {
  private readonly log = new Logger(SchedulerService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QUEUES.maintenance) private readonly maintenance: Queue,
    @InjectQueue(QUEUES.compliance) private readonly compliance: Queue,
    @InjectQueue(QUEUES.auctions) private readonly auctions: Queue,
    @InjectQueue(QUEUES.contracts) private readonly contracts: Queue,
    @InjectQueue(QUEUES.subsidies) private readonly subsidies: Queue,
    @InjectQueue(QUEUES.events) private readonly events: Queue,
    @InjectQueue(QUEUES.reporting) private readonly reporting: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const keep = { removeOnComplete: 100, removeOnFail: 1000 };
    await this.schedule(this.maintenance, MAINTENANCE_JOBS.purgeExpiredSessions, 'SCHEDULE_PURGE_SESSIONS', keep);
    await this.schedule(this.maintenance, MAINTENANCE_JOBS.purgeDeliveredEvents, 'SCHEDULE_PURGE_EVENTS', keep);
    // Domain events their maker did not deliver (it crashed after the commit, a handler failed).
    await this.schedule(this.events, EVENT_JOBS.relay, 'SCHEDULE_EVENT_RELAY', { removeOnComplete: 10, removeOnFail: 100 });
    // P-2Y / P-3Y: every day (00:10 Beijing time by default); the job carries no date, so it scans "today".
    await this.schedule(this.compliance, COMPLIANCE_JOBS.idleScan, 'SCHEDULE_IDLE_SCAN', keep);
    // Lots past their end still open: every minute, and once now (a worker starting after a crash
    // closes what the dead one left, without waiting for BullMQ to find its job stalled).
    if (await this.schedule(this.auctions, AUCTION_JOBS.closeDueLots, 'SCHEDULE_CLOSE_DUE_LOTS', keep))
      await this.auctions.add(AUCTION_JOBS.closeDueLots, {}, keep);
    // Fixed-price listings whose notice is over (forced ones included) are concluded by this sweep,
    // besides the delayed job queued for each ordinary listing: nothing depends on one job surviving.
    await this.schedule(this.auctions, AUCTION_JOBS.concludeDueListings, 'SCHEDULE_CONCLUDE_DUE_LISTINGS', keep);
    // Deals and approved free licences without a contract, unfinished follow-ups of signatures,
    // ended use-first trials: the contracts sweep, so that no lost job loses a deal.
    await this.schedule(this.contracts, CONTRACT_JOBS.sweep, 'SCHEDULE_CONTRACTS_SWEEP', keep);
    // Subsidy candidates of contracts registered or paid, and fundings confirmed, since the last sweep.
    await this.schedule(this.subsidies, SUBSIDY_JOBS.sweepCandidates, 'SCHEDULE_SUBSIDY_SWEEP', keep);
    // Market figures: the daily facts (incrementally), yesterday's activity index, and on the 1st of
    // each month the 月监测 of the month before (季分析 and 年评价 when a quarter or the year ended).
    await this.schedule(this.reporting, REPORTING_JOBS.refreshFacts, 'SCHEDULE_REPORT_FACTS', keep);
    await this.schedule(this.reporting, REPORTING_JOBS.recordActivityIndex, 'SCHEDULE_ACTIVITY_INDEX', keep);
    await this.schedule(this.reporting, REPORTING_JOBS.generateDueReports, 'SCHEDULE_PERIODIC_REPORTS', keep);
  }

  /** Registers (or, when off, removes) one scheduler; whether it is on. */
  private async schedule(queue: Queue, job: string, variable: ScheduleVariable, opts: { removeOnComplete: number; removeOnFail: number }): Promise<boolean> {
    const setting: ScheduleSetting = this.config[variable];
    if (setting.kind === 'off') {
      await queue.removeJobScheduler(job);
      this.log.warn(`${job} is off (${variable}=off)`);
      return false;
    }
    const repeat = setting.kind === 'every' ? { every: setting.ms } : { pattern: setting.pattern, tz: SCHEDULE_TIME_ZONE };
    await queue.upsertJobScheduler(job, repeat, { name: job, data: {}, opts });
    return true;
  }
}
