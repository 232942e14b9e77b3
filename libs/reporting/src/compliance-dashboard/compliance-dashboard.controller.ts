import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, Roles, type Principal } from '@zjp/platform';
import { ComplianceDashboardService } from './compliance-dashboard.service';
import { ComplianceDashboardDto, ComplianceDashboardQuery } from './dto/compliance-dashboard.dto';

@ApiTags('compliance (P-REG, P-2Y, P-3Y)')
@ApiBearerAuth()
@Controller('compliance')
export class ComplianceDashboardController {
  constructor(private readonly dashboards: ComplianceDashboardService) {}

  /** Authorities (their region and sub-regions; 403 REGION_OUTSIDE_JURISDICTION beyond) and the platform administrator. */
  @Roles('platform_admin', 'authority_admin')
  @OrgScope.none()
  @Get('dashboard')
  @ApiOperation({
    summary: 'Compliance dashboard per holder of a region: P-REG late / overdue, the P-2Y use-first list, P-3Y eligibility, justifications',
  })
  @ApiOkResponse({ type: ComplianceDashboardDto })
  dashboard(@CurrentPrincipal() actor: Principal, @Query() query: ComplianceDashboardQuery): Promise<ComplianceDashboardDto> {
    return this.dashboards.dashboard(actor, query);
  }
}
