import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type PageOf, PageQuery, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import {
  CertificateDto,
  CertificatePageDto,
  CertificatesQuery,
  FundingDecisionDto,
  HighTechCertificateDto,
  ResearchFundingDto,
  ResearchFundingPageDto,
  ResearchFundingViewDto,
} from './dto/research-funding.dto';
import type { CertificateRow } from './certificates.repository';
import { ResearchFundingsService, type ResearchFundingView } from './research-fundings.service';

@ApiTags('subsidies')
@ApiBearerAuth()
@Controller()
export class ResearchFundingsController {
  constructor(private readonly fundings: ResearchFundingsService) {}

  @Roles('enterprise_admin')
  @OrgScope.none()
  @Post('research-fundings')
  @ApiCreatedResponse({ type: ResearchFundingViewDto })
  declare(@CurrentPrincipal() actor: Principal, @Body() body: ResearchFundingDto): Promise<ResearchFundingView> {
    return this.fundings.declare(actor, body);
  }

  @Roles('enterprise_admin', 'enterprise_member', 'holder_admin', 'holder_member', 'authority_admin', 'platform_admin')
  @OrgScope.filtered('researchFunding')
  @Get('research-fundings')
  @ApiOkResponse({ type: ResearchFundingPageDto })
  list(@CurrentPrincipal() actor: Principal, @Query() query: PageQuery): Promise<PageOf<ResearchFundingView>> {
    return this.fundings.list(actor, { limit: query.limit, offset: query.offset });
  }

  @Roles('enterprise_admin', 'enterprise_member', 'holder_admin', 'holder_member', 'authority_admin', 'platform_admin')
  @OrgScope.owned('researchFunding')
  @Get('research-fundings/:id')
  @ApiOkResponse({ type: ResearchFundingViewDto })
  get(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<ResearchFundingView> {
    return this.fundings.get(actor, id);
  }

  @Roles('holder_admin')
  @OrgScope.owned('researchFunding')
  @Post('research-fundings/:id/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: ResearchFundingViewDto })
  confirm(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: FundingDecisionDto): Promise<ResearchFundingView> {
    return this.fundings.decide(actor, id, true, body.reason);
  }

  @Roles('holder_admin')
  @OrgScope.owned('researchFunding')
  @Post('research-fundings/:id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: ResearchFundingViewDto })
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: FundingDecisionDto): Promise<ResearchFundingView> {
    return this.fundings.decide(actor, id, false, body.reason);
  }

  @Roles('authority_admin', 'platform_admin')
  @OrgScope.none()
  @Post('high-tech-certificates')
  @ApiCreatedResponse({ type: CertificateDto })
  recordCertificate(@CurrentPrincipal() actor: Principal, @Body() body: HighTechCertificateDto): Promise<CertificateRow> {
    return this.fundings.recordCertificate(actor, body);
  }

  @Roles('authority_admin', 'platform_admin', 'enterprise_admin', 'enterprise_member')
  @OrgScope.filtered('highTechCertificate')
  @Get('high-tech-certificates')
  @ApiOkResponse({ type: CertificatePageDto })
  certificates(@CurrentPrincipal() actor: Principal, @Query() query: CertificatesQuery): Promise<PageOf<CertificateRow>> {
    return this.fundings.certificates(actor, query);
  }
}
