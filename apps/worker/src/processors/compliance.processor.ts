import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { Clock, CLOCK, LocalDate, todayInShanghai } from '@zjp/core';
import { IdleScanService, type ScanResult } from '@zjp/achievements';
import { QUEUES } from '@zjp/platform';
import { COMPLIANCE_JOBS, IdleScanJob } from '@zjp/achievements';
import type { Job } from 'bullmq';

/** P-2Y / P-3Y: the daily idle-IP scan, and scans an administrator runs for a chosen date. */
@Processor(QUEUES.compliance)
export class ComplianceProcessor extends WorkerHost {
  private readonly logger = new Logger(ComplianceProcessor.name);

  constructor(
    private readonly scans: IdleScanService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async process(job: Job<IdleScanJob>): Promise<ScanResult> {
    if (job.name !== COMPLIANCE_JOBS.idleScan) throw new Error(`unknown compliance job ${job.name}`);
    const date = job.data.date ? LocalDate.parse(job.data.date) : todayInShanghai(this.clock);
    const started = Date.now();
    const result = await this.scans.scan(date);
    this.logger.log(`idle-IP scan for ${result.scanDate}: ${result.changed} of ${result.examined} changed in ${Date.now() - started} ms ${JSON.stringify(result.transitions)}`);
    return result;
  }
}
