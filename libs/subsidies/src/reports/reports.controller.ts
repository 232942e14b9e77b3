import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal, OrgScope } from '@zjp/platform';
import { SummaryQuery } from './dto/summary-query.dto';
import { SubsidyReportsService, type BudgetRow } from './reports.service';

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
