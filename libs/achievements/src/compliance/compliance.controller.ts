import { InjectQueue } from '@nestjs/bullmq';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Clock, CLOCK, ForbiddenError, NotFoundError, todayInShanghai } from '@zjp/core';
import { CurrentPrincipal, oversightOf, type PageOf, QUEUES, Roles, type Principal, OrgScope } from '@zjp/platform';
import type { Queue } from 'bullmq';
import { COMPLIANCE_JOBS, type IdleScanJob } from '../jobs';
import { DataSource } from 'typeorm';
import { HolderRegistryPageDto, RegistryReportQuery, RunScanDto, ScanStartedDto, ScanStatusDto, type HolderRegistryRow } from './dto/compliance.dto';
import type { ScanPreview } from './idle-scan.service';
import { holdersInRegion } from './scan-scope.repository';
import { RegistryReportService } from './registry-report.service';

@ApiTags('compliance (P-REG, P-2Y, P-3Y)')
@ApiBearerAuth()
@Controller()
export class ComplianceController {
  constructor(
    @InjectQueue(QUEUES.compliance) private readonly queue: Queue<IdleScanJob>,
    private readonly registry: RegistryReportService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly db: DataSource,
  ) {}

  /**
   * Runs the idle-IP scan in the worker. Today's (Asia/Shanghai) scan applies the rules and is safe
   * to repeat; a scan for any other date is a preview: its result says what would be listed,
   * suspended, released or made eligible on that date, and nothing is written. An authority may
   * only preview (another date than today), and sees the preview for its region's holders.
   */
  @Roles('platform_admin', 'authority_admin')
  @OrgScope.none()
  @Post('compliance/scans')
  @HttpCode(202)
  @ApiOkResponse({ type: ScanStartedDto })
  async run(@CurrentPrincipal() actor: Principal, @Body() body: RunScanDto): Promise<ScanStartedDto> {
    const today = todayInShanghai(this.clock).toString();
    const date = body.date ?? today;
    if (!actor.roles.includes('platform_admin') && date === today)
      throw new ForbiddenError('SCAN_PREVIEW_ONLY', "Only the platform operator applies today's scan; an authority previews another date", { field: 'date' });
    const job = await this.queue.add(
      COMPLIANCE_JOBS.idleScan,
      { date, requestedBy: actor.userId },
      { removeOnComplete: { age: 7 * 86400 }, removeOnFail: { age: 30 * 86400 } },
    );
    return { jobId: job.id!, date, preview: date !== today };
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.none()
  @Get('compliance/scans/:jobId')
  @ApiOkResponse({ type: ScanStatusDto })
  async status(@CurrentPrincipal() actor: Principal, @Param('jobId') jobId: string): Promise<ScanStatusDto> {
    if (!/^\d{1,18}$/.test(jobId)) throw new NotFoundError('SCAN_NOT_FOUND', 'No such scan job');
    // The state first, then the job: BullMQ writes the result and moves the job to `completed` in
    // one step, so a job read after a `completed` state always carries its result (read the other
    // way round, a job finishing in between answered `completed` with no result).
    const state = await this.queue.getJobState(jobId);
    const job = state === 'unknown' ? undefined : await this.queue.getJob(jobId);
    if (!job) throw new NotFoundError('SCAN_NOT_FOUND', 'No such scan job');
    const operator = actor.roles.includes('platform_admin');
    // an authority sees its own previews only, narrowed to the holders of its region
    if (!operator && job.data.requestedBy !== actor.userId) throw new NotFoundError('SCAN_NOT_FOUND', 'No such scan job');
    let result = state === 'completed' ? ((job.returnvalue as unknown as Record<string, unknown>) ?? null) : null;
    if (result && !operator && result.preview) result = await this.narrow(actor, result as unknown as ScanPreview);
    return { jobId, state, result, failedReason: state === 'failed' ? (job.failedReason ?? null) : null };
  }

  private async narrow(actor: Principal, preview: ScanPreview): Promise<Record<string, unknown>> {
    const o = await oversightOf(this.db, actor);
    const prefix = o.kind === 'region' ? o.prefix : null;
    const ids = [...new Set(preview.achievements.map((a) => a.holderId))];
    const mine = prefix === null ? new Set<string>() : await holdersInRegion(this.db, ids, prefix);
    const achievements = preview.achievements.filter((a) => mine.has(a.holderId));
    const count = (state: string) => achievements.filter((a) => a.toState === state).reduce((s, a) => s + a.achievementIds.length, 0);
    return {
      ...preview,
      regionPrefix: prefix,
      changed: achievements.reduce((s, a) => s + a.achievementIds.length, 0),
      counts: { listed: count('use_first'), eligible: count('free_license_eligible'), suspended: count('suspended'), released: count('clear') },
      achievements,
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
