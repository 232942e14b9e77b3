import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ForbiddenError, todayInShanghai } from '@zjp/core';
import { jurisdictionCovers, jurisdictionPrefix, type Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { authorityRegion, complianceDashboard } from './compliance-dashboard.repository';
import type { ComplianceDashboardDto, ComplianceDashboardQuery } from './dto/compliance-dashboard.dto';

/**
 * P-REG / P-2Y / P-3Y per holder for an authority: the platform administrator sees any region (all
 * when none is asked), an authority administrator its own region and its sub-regions
 * (libs/platform/src/auth/jurisdiction.ts), its own when none is asked.
 */
@Injectable()
export class ComplianceDashboardService {
  constructor(
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async dashboard(actor: Principal, query: ComplianceDashboardQuery): Promise<ComplianceDashboardDto> {
    let region = query.region ?? null;
    if (!actor.roles.includes('platform_admin')) {
      const own = await authorityRegion(this.db, actor.organizationId);
      if (!own) throw new ForbiddenError('NOT_AN_AUTHORITY', 'Only an authority or the platform administrator reads the compliance dashboard');
      if (region === null) region = own;
      else if (!jurisdictionCovers(own, region)) {
        throw new ForbiddenError('REGION_OUTSIDE_JURISDICTION', `Region ${region} is outside this authority's jurisdiction (${own})`, {
          field: 'region',
          jurisdiction: own,
        });
      }
    }
    const today = todayInShanghai(this.clock).toString();
    const page = { limit: query.limit, offset: query.offset };
    const { rows, total, totals } = await complianceDashboard(this.db, { regionPrefix: region && jurisdictionPrefix(region), today }, page);
    return { region, asOf: today, totals, items: rows, total, ...page };
  }
}
