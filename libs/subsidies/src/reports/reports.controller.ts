import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type PageOf, Roles, type Principal, OrgScope } from '@zjp/platform';
import { BudgetPageDto, BudgetQuery, SummaryReportDto } from './dto/report-responses.dto';
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
  @ApiOkResponse({ type: SummaryReportDto })
  summary(@CurrentPrincipal() actor: Principal, @Query() query: SummaryQuery): Promise<SummaryReportDto> {
    return this.reports.summary(actor, query);
  }

  /** Budget used and left per policy, within the caller's region (the operator: all). */
  @Roles('authority_admin', 'platform_admin')
  @OrgScope.filtered('subsidyPolicy')
  @Get('budget')
  @ApiOkResponse({ type: BudgetPageDto })
  budget(@CurrentPrincipal() actor: Principal, @Query() query: BudgetQuery): Promise<PageOf<BudgetRow>> {
    return this.reports.budget(actor, query);
  }
}
