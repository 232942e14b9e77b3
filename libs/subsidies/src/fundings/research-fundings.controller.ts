import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import { CertificatesQuery, FundingDecisionDto, HighTechCertificateDto, ResearchFundingDto } from './dto/research-funding.dto';
import { ResearchFundingsService, type ResearchFundingView } from './research-fundings.service';

@ApiTags('subsidies')
@ApiBearerAuth()
@Controller()
export class ResearchFundingsController {
  constructor(private readonly fundings: ResearchFundingsService) {}

  @Roles('enterprise_admin')
  @OrgScope.none()
  @Post('research-fundings')
  declare(@CurrentPrincipal() actor: Principal, @Body() body: ResearchFundingDto): Promise<ResearchFundingView> {
    return this.fundings.declare(actor, body);
  }

  @Roles('enterprise_admin', 'enterprise_member', 'holder_admin', 'holder_member', 'authority_admin', 'platform_admin')
  @OrgScope.filtered('researchFunding')
  @Get('research-fundings')
  list(@CurrentPrincipal() actor: Principal): Promise<ResearchFundingView[]> {
    return this.fundings.list(actor);
  }

  @Roles('enterprise_admin', 'enterprise_member', 'holder_admin', 'holder_member', 'authority_admin', 'platform_admin')
  @OrgScope.owned('researchFunding')
  @Get('research-fundings/:id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<ResearchFundingView> {
    return this.fundings.get(actor, id);
  }

  @Roles('holder_admin')
  @OrgScope.owned('researchFunding')
  @Post('research-fundings/:id/confirm')
  @HttpCode(200)
  confirm(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: FundingDecisionDto): Promise<ResearchFundingView> {
    return this.fundings.decide(actor, id, true, body.reason);
  }

  @Roles('holder_admin')
  @OrgScope.owned('researchFunding')
  @Post('research-fundings/:id/reject')
  @HttpCode(200)
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: FundingDecisionDto): Promise<ResearchFundingView> {
    return this.fundings.decide(actor, id, false, body.reason);
  }

  @Roles('authority_admin', 'platform_admin')
  @OrgScope.none()
  @Post('high-tech-certificates')
  recordCertificate(@CurrentPrincipal() actor: Principal, @Body() body: HighTechCertificateDto) {
    return this.fundings.recordCertificate(actor, body);
  }

  @Roles('authority_admin', 'platform_admin', 'enterprise_admin', 'enterprise_member')
  @OrgScope.filtered('highTechCertificate')
  @Get('high-tech-certificates')
  certificates(@CurrentPrincipal() actor: Principal, @Query() query: CertificatesQuery) {
    return this.fundings.certificates(actor, query.organizationId);
  }
}
