import { Processor, WorkerHost } from '@nestjs/bullmq';
import { QUEUES } from '@zjp/platform';
import { ActivityIndexService, FactsRefreshService, type GenerateDueReportsJob, REPORTING_JOBS, ScheduledReportsService } from '@zjp/reporting';
import type { Job } from 'bullmq';

/**
 * Market figures (P-MKT): the incremental refresh of the daily facts, the daily activity index and
 * the periodic reports. Every job is idempotent (a day's facts, an index row, a report are replaced).
 */
@Processor(QUEUES.reporting, { concurrency: 1 })
export class ReportingProcessor extends WorkerHost {
  constructor(
    private readonly facts: FactsRefreshService,
    private readonly index: ActivityIndexService,
    private readonly reports: ScheduledReportsService,
  ) {
    super();
  }

  async process(job: Job<GenerateDueReportsJob & { day?: string }>): Promise<unknown> {
    switch (job.name) {
      case REPORTING_JOBS.refreshFacts: {
        const r = await this.facts.refresh();
        return { ran: r.ran, days: r.days.length };
      }
      case REPORTING_JOBS.recordActivityIndex: {
        await this.facts.refresh();
        return this.index.recordDay(job.data.day);
      }
      case REPORTING_JOBS.generateDueReports:
        return this.reports.generateDue(job.data.today);
      default:
        throw new Error(`unknown reporting job ${job.name}`);
    }
  }
}
