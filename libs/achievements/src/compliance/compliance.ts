import { InjectQueue } from '@nestjs/bullmq';
import { Body, Controller, Get, HttpCode, Inject, Injectable, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { Clock, CLOCK, NotFoundError, todayInShanghai } from '@zjp/core';
import { CurrentPrincipal, IsLocalDate, QUEUES, Roles, type Principal, Omittable, OrgScope } from '@zjp/platform';
import { COMPLIANCE_JOBS, IdleScanJob } from '../jobs';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { assertMayReadHolder, isAdministrator, readableOrgsSql } from '../access';

export class RunScanDto {
  @ApiPropertyOptional({ example: '2026-11-25', description: 'the Asia/Shanghai date to apply P-2Y / P-3Y for; today when absent' })
  @Omittable()
  @IsLocalDate()
  date?: string;
}

export class RegistryReportQuery {
  @ApiPropertyOptional({ description: 'administrators: one holder' }) @Omittable() @Matches(/^[0-9a-f-]{36}$/i, { message: 'holderId must be a UUID' }) holderId?: string;
}

export interface HolderRegistryRow {
  holderId: string;
  holderName: string;
  onTime: number;
  late: number;
  pending: number;
  overdueUnregistered: number;
  useFirst: number;
  freeLicenseEligible: number;
  suspended: number;
}

/**
 * P-REG per holder: registered on or before obtainedOn + 30 days (on time) or after (late); drafts
 * still within the 30 days (pending) or past them (overdue, unregistered). Same rule as
 * domain/registration-deadline.ts.
 */
@Injectable()
export class RegistryReportService {
  constructor(
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async byHolder(actor: Principal, holderId?: string): Promise<HolderRegistryRow[]> {
    const only = isAdministrator(actor) ? (holderId ?? null) : actor.organizationId;
    if (holderId) await assertMayReadHolder(this.db, actor, holderId);
    const readable = await readableOrgsSql(this.db, actor, 'o', 3);
    return (await this.db.query(
      `SELECT o.id AS "holderId", o.name AS "holderName",
              count(*) FILTER (WHERE a.registered_on IS NOT NULL AND a.registered_on <= a.obtained_on + 30)::int AS "onTime",
              count(*) FILTER (WHERE a.registered_on > a.obtained_on + 30)::int AS "late",
              count(*) FILTER (WHERE a.registered_on IS NULL AND $2::date <= a.obtained_on + 30)::int AS "pending",
              count(*) FILTER (WHERE a.registered_on IS NULL AND $2::date > a.obtained_on + 30)::int AS "overdueUnregistered",
              count(*) FILTER (WHERE a.rule_state = 'use_first')::int AS "useFirst",
              count(*) FILTER (WHERE a.rule_state = 'free_license_eligible')::int AS "freeLicenseEligible",
              count(*) FILTER (WHERE a.rule_state = 'suspended')::int AS "suspended"
         FROM organization_directory o JOIN achievements a ON a.holder_id = o.id
        WHERE o.type = 'holder' AND ($1::uuid IS NULL OR o.id = $1) AND ${readable.sql}
        GROUP BY o.id, o.name ORDER BY o.name`,
      [only, todayInShanghai(this.clock).toString(), ...readable.params],
    )) as HolderRegistryRow[];
  }
}

@ApiTags('compliance (P-REG, P-2Y, P-3Y)')
@ApiBearerAuth()
@Controller()
export class ComplianceController {
  constructor(
    @InjectQueue(QUEUES.compliance) private readonly queue: Queue<IdleScanJob>,
    private readonly registry: RegistryReportService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Runs the idle-IP scan for a date, in the worker. Safe to repeat: the scan is idempotent. */
  @Roles('platform_admin')
  @OrgScope.none()
  @Post('compliance/scans')
  @HttpCode(202)
  async run(@CurrentPrincipal() actor: Principal, @Body() body: RunScanDto): Promise<{ jobId: string; date: string }> {
    const date = body.date ?? todayInShanghai(this.clock).toString();
    const job = await this.queue.add(COMPLIANCE_JOBS.idleScan, { date, requestedBy: actor.userId }, { removeOnComplete: { age: 7 * 86400 }, removeOnFail: { age: 30 * 86400 } });
    return { jobId: job.id!, date };
  }

  @Roles('platform_admin')
  @OrgScope.none()
  @Get('compliance/scans/:jobId')
  async status(@Param('jobId') jobId: string): Promise<{ jobId: string; state: string; result: unknown; failedReason: string | null }> {
    const job = /^\d{1,18}$/.test(jobId) ? await this.queue.getJob(jobId) : undefined;
    if (!job) throw new NotFoundError('SCAN_NOT_FOUND', 'No such scan job');
    return { jobId, state: await job.getState(), result: job.returnvalue ?? null, failedReason: job.failedReason ?? null };
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.filtered('organization')
  @Get('registry/holders')
  holders(@CurrentPrincipal() actor: Principal, @Query() query: RegistryReportQuery): Promise<HolderRegistryRow[]> {
    return this.registry.byHolder(actor, query.holderId);
  }
}
