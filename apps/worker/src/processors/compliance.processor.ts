import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { Clock, CLOCK, LocalDate, todayInShanghai } from '@zjp/core';
import { IdleScanService, RegistryImportsService, type ScanPreview, type ScanResult } from '@zjp/achievements';
import { QUEUES } from '@zjp/platform';
import { COMPLIANCE_JOBS, type IdleScanJob, type RegistryImportJob } from '@zjp/achievements';
import type { Job } from 'bullmq';

/** P-2Y / P-3Y: the daily idle-IP scan, and scans an administrator runs for a chosen date. */
@Processor(QUEUES.compliance)
export class ComplianceProcessor extends WorkerHost {
  private readonly logger = new Logger(ComplianceProcessor.name);

  constructor(
    private readonly scans: IdleScanService,
    private readonly imports: RegistryImportsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async process(job: Job<IdleScanJob | RegistryImportJob>): Promise<unknown> {
    if (job.name === COMPLIANCE_JOBS.validateImport) return this.imports.runValidation(job as Job<RegistryImportJob>);
    if (job.name === COMPLIANCE_JOBS.commitImport) return this.imports.runCommit(job as Job<RegistryImportJob>);
    if (job.name !== COMPLIANCE_JOBS.idleScan) throw new Error(`unknown compliance job ${job.name}`);
    return this.scan(job as Job<IdleScanJob>);
  }

  /** The live state is always today's (Asia/Shanghai): a scan for any other date is a preview that writes nothing. */
  private async scan(job: Job<IdleScanJob>): Promise<ScanResult | ScanPreview> {
    const today = todayInShanghai(this.clock);
    const date = job.data.date ? LocalDate.parse(job.data.date) : today;
    if (!date.equals(today)) return this.scans.preview(date);
    const started = Date.now();
    const result = await this.scans.scan(date);
    this.logger.log(
      `idle-IP scan for ${result.scanDate}: ${result.changed} of ${result.examined} changed in ${Date.now() - started} ms ${JSON.stringify(result.transitions)}`,
    );
    return result;
  }
}
