import { InjectQueue } from '@nestjs/bullmq';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Clock, CLOCK, NotFoundError, todayInShanghai } from '@zjp/core';
import { CurrentPrincipal, type PageOf, QUEUES, Roles, type Principal, OrgScope } from '@zjp/platform';
import type { Queue } from 'bullmq';
import { COMPLIANCE_JOBS, type IdleScanJob } from '../jobs';
import { HolderRegistryPageDto, RegistryReportQuery, RunScanDto, type HolderRegistryRow } from './dto/compliance.dto';
import { RegistryReportService } from './registry-report.service';

@ApiTags('compliance (P-REG, P-2Y, P-3Y)')
@ApiBearerAuth()
@Controller()
export class ComplianceController {
  constructor(
    @InjectQueue(QUEUES.compliance) private readonly queue: Queue<IdleScanJob>,
    private readonly registry: RegistryReportService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Runs the idle-IP scan in the worker. Today's (Asia/Shanghai) scan applies the rules and is safe
   * to repeat; a scan for any other date is a preview: its result says what would be listed,
   * suspended, released or made eligible on that date, and nothing is written.
   */
  @Roles('platform_admin')
  @OrgScope.none()
  @Post('compliance/scans')
  @HttpCode(202)
  async run(@CurrentPrincipal() actor: Principal, @Body() body: RunScanDto): Promise<{ jobId: string; date: string; preview: boolean }> {
    const today = todayInShanghai(this.clock).toString();
    const date = body.date ?? today;
    const job = await this.queue.add(
      COMPLIANCE_JOBS.idleScan,
      { date, requestedBy: actor.userId },
      { removeOnComplete: { age: 7 * 86400 }, removeOnFail: { age: 30 * 86400 } },
    );
    return { jobId: job.id!, date, preview: date !== today };
  }

  @Roles('platform_admin')
  @OrgScope.none()
  @Get('compliance/scans/:jobId')
  async status(@Param('jobId') jobId: string): Promise<{ jobId: string; state: string; result: unknown; failedReason: string | null }> {
    if (!/^\d{1,18}$/.test(jobId)) throw new NotFoundError('SCAN_NOT_FOUND', 'No such scan job');
    // The state first, then the job: BullMQ writes the result and moves the job to `completed` in
    // one step, so a job read after a `completed` state always carries its result (read the other
    // way round, a job finishing in between answered `completed` with no result).
    const state = await this.queue.getJobState(jobId);
    const job = state === 'unknown' ? undefined : await this.queue.getJob(jobId);
    if (!job) throw new NotFoundError('SCAN_NOT_FOUND', 'No such scan job');
    return {
      jobId,
      state,
      result: state === 'completed' ? (job.returnvalue ?? null) : null,
      failedReason: state === 'failed' ? (job.failedReason ?? null) : null,
    };
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.filtered('organization')
  @Get('registry/holders')
  @ApiOkResponse({ type: HolderRegistryPageDto })
  holders(@CurrentPrincipal() actor: Principal, @Query() query: RegistryReportQuery): Promise<PageOf<HolderRegistryRow>> {
    return this.registry.byHolder(actor, query);
  }
}
