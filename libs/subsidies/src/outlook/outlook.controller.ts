import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, ParseIdPipe, Roles, type Principal } from '@zjp/platform';
import { AuthorityOutlookDto, PolicyOutlookDto } from './outlook.dto';
import { outlookJson, SubsidyOutlookService } from './outlook.service';

@ApiTags('subsidies')
@ApiBearerAuth()
@Controller()
export class SubsidyOutlookController {
  constructor(private readonly outlook: SubsidyOutlookService) {}

  /** A policy's budget outlook: committed, pending and expected by month to the year's end, and when the budget runs out. */
  @Roles('authority_admin', 'platform_admin')
  @OrgScope.owned('subsidyPolicy')
  @Get('subsidy-policies/:id/outlook')
  @ApiOkResponse({ type: PolicyOutlookDto })
  async forPolicy(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<PolicyOutlookDto> {
    return outlookJson(await this.outlook.forPolicy(actor, id));
  }

  /** The outlook of every active policy of the caller's authority. */
  @Roles('authority_admin')
  @OrgScope.none()
  @Get('subsidy-outlook')
  @ApiOkResponse({ type: AuthorityOutlookDto })
  async forAuthority(@CurrentPrincipal() actor: Principal): Promise<AuthorityOutlookDto> {
    return { items: (await this.outlook.forAuthority(actor)).map(outlookJson) };
  }
}
