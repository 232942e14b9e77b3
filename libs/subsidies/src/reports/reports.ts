import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { roundHalfUp, ValidationError } from '@zjp/core';
import { regionName } from '@zjp/identity';
import { CurrentPrincipal, IsLocalDate, Roles, type Principal, Omittable, OrgScope } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { authorityOf } from '../access';

export const REPORT_GROUPS = ['authority', 'region', 'field', 'period'] as const;

export class SummaryQuery {
  @ApiPropertyOptional({ enum: REPORT_GROUPS, default: 'authority' }) @Omittable() @IsIn(REPORT_GROUPS) groupBy?: (typeof REPORT_GROUPS)[number];
  @ApiPropertyOptional({ enum: ['month', 'quarter', 'year'], default: 'month', description: 'with groupBy=period (月监测、季分析、年评价)' }) @Omittable() @IsIn(['month', 'quarter', 'year']) period?: 'month' | 'quarter' | 'year';
  @ApiPropertyOptional({ example: '2026-01-01', description: 'approval date from (Asia/Shanghai)' }) @Omittable() @IsLocalDate() from?: string;
  @ApiPropertyOptional({ example: '2026-12-31' }) @Omittable() @IsLocalDate() to?: string;
}

export interface SummaryRow {
  key: string;
  label: string;
  applications: number;
  approvedFen: string;
  paidFen: string;
}

export interface BudgetRow {
  policyId: string;
  name: string;
  documentNumber: string;
  authority: { id: string; name: string; regionCode: string };
  status: string;
  budgetFen: string;
  reservedFen: string;
  paidFen: string;
  remainingFen: string;
  /** (reserved + paid) / budget, in percent with two decimals, rounded half-up. */
  usedPercent: string;
}

const PERIOD_FORMAT = { month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' } as const;
const DIGITS = { province: 2, city: 4, county: 6 } as const;

/** Reports over granted subsidies (approved, batched or paid): by authority, region, technical field or period, and budget use. */
@Injectable()
export class SubsidyReportsService {
  constructor(private readonly db: DataSource) {}

  async summary(actor: Principal, q: SummaryQuery): Promise<{ groupBy: string; from: string | null; to: string | null; rows: SummaryRow[]; total: Omit<SummaryRow, 'key' | 'label'> }> {
    if (q.from && q.to && q.from > q.to) throw new ValidationError([{ field: 'to', code: 'beforeFrom', message: 'to cannot be before from' }]);
    const groupBy = q.groupBy ?? 'authority';
    const decidedOn = `(a.decided_at AT TIME ZONE 'Asia/Shanghai')::date`;
    const key = {
      authority: `a.authority_id::text`,
      region: `a.enterprise_region_code::text`,
      field: `coalesce(a.technical_field, 'unknown')`,
      period: `to_char(${decidedOn}, '${PERIOD_FORMAT[q.period ?? 'month']}')`,
    }[groupBy];
    const scope = await this.scope(actor);
    const rows = (await this.db.query(
      `SELECT ${key} AS key, min(o.name) AS authority_name, count(*)::int AS applications, sum(a.approved_fen)::text AS "approvedFen",
              coalesce(sum(a.approved_fen) FILTER (WHERE a.status = 'paid'), 0)::text AS "paidFen"
       FROM subsidy_applications a JOIN organization_directory o ON o.id = a.authority_id
       WHERE a.status IN ('approved', 'batched', 'paid') AND ($1::date IS NULL OR ${decidedOn} >= $1) AND ($2::date IS NULL OR ${decidedOn} <= $2)
         AND left(o.region_code, $3) = left($4, $3)
       GROUP BY 1 ORDER BY 1`,
      [q.from ?? null, q.to ?? null, scope.digits, scope.regionCode],
    )) as { key: string; authority_name: string; applications: number; approvedFen: string; paidFen: string }[];
    const out = rows.map((r) => ({
      key: r.key,
      label: groupBy === 'authority' ? r.authority_name : groupBy === 'region' ? (regionName(r.key) ?? r.key) : r.key,
      applications: r.applications,
      approvedFen: r.approvedFen,
      paidFen: r.paidFen,
    }));
    const total = {
      applications: out.reduce((s, r) => s + r.applications, 0),
      approvedFen: out.reduce((s, r) => s + BigInt(r.approvedFen), 0n).toString(),
      paidFen: out.reduce((s, r) => s + BigInt(r.paidFen), 0n).toString(),
    };
    return { groupBy, from: q.from ?? null, to: q.to ?? null, rows: out, total };
  }

  async budget(actor: Principal): Promise<BudgetRow[]> {
    const scope = await this.scope(actor);
    const rows = (await this.db.query(
      `SELECT p.id, v.name, p.document_number, p.status, p.budget_fen::text AS budget, p.reserved_fen::text AS reserved, p.paid_fen::text AS paid,
              o.id AS authority_id, o.name AS authority_name, o.region_code
       FROM subsidy_policies p JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version JOIN organization_directory o ON o.id = p.authority_id
       WHERE left(o.region_code, $1) = left($2, $1) ORDER BY o.region_code, p.created_at`,
      [scope.digits, scope.regionCode],
    )) as { id: string; name: string; document_number: string; status: string; budget: string; reserved: string; paid: string; authority_id: string; authority_name: string; region_code: string }[];
    return rows.map((r) => {
      const budget = BigInt(r.budget);
      const used = BigInt(r.reserved) + BigInt(r.paid);
      const basisPoints = roundHalfUp(used * 10_000n, budget);
      return {
        policyId: r.id,
        name: r.name,
        documentNumber: r.document_number,
        authority: { id: r.authority_id, name: r.authority_name, regionCode: r.region_code },
        status: r.status,
        budgetFen: r.budget,
        reservedFen: r.reserved,
        paidFen: r.paid,
        remainingFen: (budget - used).toString(),
        usedPercent: `${basisPoints / 100n}.${(basisPoints % 100n).toString().padStart(2, '0')}`,
      };
    });
  }

  /** The operator sees everything; an authority its own region (a province all of it, a city its counties). */
  private async scope(actor: Principal): Promise<{ digits: number; regionCode: string }> {
    if (actor.roles.includes('platform_admin')) return { digits: 0, regionCode: '' };
    const authority = await authorityOf(this.db, actor);
    return { digits: DIGITS[authority.level], regionCode: authority.regionCode };
  }
}

@ApiTags('subsidies')
@ApiBearerAuth()
@Controller('subsidy-reports')
export class SubsidyReportsController {
  constructor(private readonly reports: SubsidyReportsService) {}

  @Roles('authority_admin', 'platform_admin')
  @OrgScope.filtered('subsidyApplication')
  @Get('summary')
  summary(@CurrentPrincipal() actor: Principal, @Query() query: SummaryQuery) {
    return this.reports.summary(actor, query);
  }

  @Roles('authority_admin', 'platform_admin')
  @OrgScope.filtered('subsidyPolicy')
  @Get('budget')
  budget(@CurrentPrincipal() actor: Principal): Promise<BudgetRow[]> {
    return this.reports.budget(actor);
  }
}
