import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type PageOf, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import { SubsidyCandidatesService, type CandidateView } from '../candidates/candidates.service';
import { ApplyDto, SubsidyDecisionDto, ListApplicationsQuery, ListCandidatesQuery, ReviewDto } from './applications.dto';
import { SubsidyApplicationsService, type ApplicationView } from './applications.service';
import { SubsidyApplicationDto, SubsidyApplicationPageDto, SubsidyCandidatePageDto } from './subsidy-responses.dto';

@ApiTags('subsidies')
@ApiBearerAuth()
@Controller()
export class SubsidyApplicationsController {
  constructor(
    private readonly applications: SubsidyApplicationsService,
    private readonly candidates: SubsidyCandidatesService,
  ) {}

  /** What an enterprise may claim, with the explanation of each amount. */
  @Roles('enterprise_admin', 'enterprise_member', 'authority_admin', 'platform_admin')
  @OrgScope.filtered('subsidyCandidate')
  @Get('subsidy-candidates')
  @ApiOkResponse({ type: SubsidyCandidatePageDto })
  listCandidates(@CurrentPrincipal() actor: Principal, @Query() query: ListCandidatesQuery): Promise<PageOf<CandidateView>> {
    return this.candidates.list(actor, { ...query, eligibleOnly: query.eligibleOnly === 'true' });
  }

  @Roles('enterprise_admin')
  @OrgScope.owned('contract', 'body:contractId')
  @Post('subsidy-applications')
  @ApiCreatedResponse({ type: SubsidyApplicationDto })
  apply(@CurrentPrincipal() actor: Principal, @Body() body: ApplyDto): Promise<ApplicationView> {
    return this.applications.apply(actor, body);
  }

  @Roles('enterprise_admin', 'enterprise_member', 'authority_admin', 'platform_admin')
  @OrgScope.filtered('subsidyApplication')
  @Get('subsidy-applications')
  @ApiOkResponse({ type: SubsidyApplicationPageDto })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListApplicationsQuery): Promise<PageOf<ApplicationView>> {
    return this.applications.list(actor, query);
  }

  @Roles('enterprise_admin', 'enterprise_member', 'authority_admin', 'platform_admin')
  @OrgScope.owned('subsidyApplication')
  @Get('subsidy-applications/:id')
  @ApiOkResponse({ type: SubsidyApplicationDto })
  get(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<ApplicationView> {
    return this.applications.get(actor, id);
  }

  @Roles('enterprise_admin')
  @OrgScope.owned('subsidyApplication')
  @Post('subsidy-applications/:id/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: SubsidyApplicationDto })
  withdraw(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<ApplicationView> {
    return this.applications.withdraw(actor, id);
  }

  /** First pair of eyes: approve (recommend the computed amount), adjust (recommend less), or reject. */
  @Roles('authority_admin')
  @OrgScope.owned('subsidyApplication')
  @Post('subsidy-applications/:id/review')
  @HttpCode(200)
  @ApiOkResponse({ type: SubsidyApplicationDto })
  review(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: ReviewDto): Promise<ApplicationView> {
    return this.applications.review(actor, id, body);
  }

  /** Second pair of eyes: another administrator of the authority; reserves the budget. */
  @Roles('authority_admin')
  @OrgScope.owned('subsidyApplication')
  @Post('subsidy-applications/:id/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: SubsidyApplicationDto })
  approve(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: SubsidyDecisionDto): Promise<ApplicationView> {
    return this.applications.approve(actor, id, body.reason);
  }

  /** Rejects a reviewed application, or revokes an approved one not yet batched (releasing its budget). */
  @Roles('authority_admin')
  @OrgScope.owned('subsidyApplication')
  @Post('subsidy-applications/:id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: SubsidyApplicationDto })
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: SubsidyDecisionDto): Promise<ApplicationView> {
    return this.applications.reject(actor, id, body.reason);
  }
}
