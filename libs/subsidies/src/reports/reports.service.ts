import { Injectable } from '@nestjs/common';
import { roundHalfUp, ValidationError } from '@zjp/core';
import { regionName } from '@zjp/identity';
import type { PageOf, Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { authorityOf } from '../access';
import type { SummaryQuery } from './dto/summary-query.dto';
import { budgetRows, grantedSummary } from './reports.repository';

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

const DIGITS = { province: 2, city: 4, county: 6 } as const;

/** Reports over granted subsidies (approved, batched or paid): by authority, region, technical field or period, and budget use. */
@Injectable()
export class SubsidyReportsService {
  constructor(private readonly db: DataSource) {}

  async summary(
    actor: Principal,
    q: SummaryQuery,
  ): Promise<{ groupBy: string; from: string | null; to: string | null; rows: SummaryRow[]; total: Omit<SummaryRow, 'key' | 'label'> }> {
    if (q.from && q.to && q.from > q.to) throw new ValidationError([{ field: 'to', code: 'beforeFrom', message: 'to cannot be before from' }]);
    const groupBy = q.groupBy ?? 'authority';
    const scope = await this.scope(actor);
    const rows = await grantedSummary(this.db, groupBy, q.period ?? 'month', {
      from: q.from ?? null,
      to: q.to ?? null,
      digits: scope.digits,
      regionCode: scope.regionCode,
    });
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

  async budget(actor: Principal, query: { limit: number; offset: number; status?: string }): Promise<PageOf<BudgetRow>> {
    const scope = await this.scope(actor);
    const page = { limit: query.limit, offset: query.offset };
    const { rows, total } = await budgetRows(this.db, { ...scope, status: query.status ?? null }, page);
    const items = rows.map((r) => {
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
    return { items, total, ...page };
  }

  /** The operator sees everything; an authority its own region (a province all of it, a city its counties). */
  private async scope(actor: Principal): Promise<{ digits: number; regionCode: string }> {
    if (actor.roles.includes('platform_admin')) return { digits: 0, regionCode: '' };
    const authority = await authorityOf(this.db, actor);
    return { digits: DIGITS[authority.level], regionCode: authority.regionCode };
  }
}
