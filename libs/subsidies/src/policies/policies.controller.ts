import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, type PageOf, PageQuery, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import type { SubsidyCalculation } from '../domain';
import { ImportPoliciesDto, ListPoliciesQuery, PolicyDocumentDto, UpdatePolicyDto, WithdrawPolicyDto } from './policies.dto';
import { outlookJson, SubsidyOutlookService } from '../outlook/outlook.service';
import { SubsidyPoliciesService, type PolicyExport, type PolicyVersionView, type PolicyView } from './policies.service';
import {
  PolicyExportDto,
  PolicyImportResultDto,
  PolicyPreviewDto,
  PolicyPreviewRequestDto,
  PolicyVersionPageDto,
  SubsidyPolicyDto,
  SubsidyPolicyPageDto,
} from './policy-responses.dto';

@ApiTags('subsidies')
@ApiBearerAuth()
@Controller('subsidy-policies')
export class SubsidyPoliciesController {
  constructor(
    private readonly policies: SubsidyPoliciesService,
    private readonly outlook: SubsidyOutlookService,
  ) {}

  @Roles('authority_admin')
  @OrgScope.none()
  @Post()
  @ApiCreatedResponse({ type: SubsidyPolicyDto })
  create(@CurrentPrincipal() actor: Principal, @Body() body: PolicyDocumentDto): Promise<PolicyView> {
    return this.policies.create(actor, body);
  }

  /** Published policies are public documents: any signed-in user may read them. */
  @Authenticated()
  @OrgScope.none()
  @Get()
  @ApiOkResponse({ type: SubsidyPolicyPageDto })
  list(@Query() query: ListPoliciesQuery): Promise<PageOf<PolicyView>> {
    return this.policies.list(query);
  }

  /** The editor's live preview: the engine on a draft document and a value, and the budget outlook with the draft's terms (nothing is saved). */
  @Roles('authority_admin')
  @OrgScope.none()
  @Post('preview')
  @HttpCode(200)
  @ApiOkResponse({ type: PolicyPreviewDto })
  async preview(@CurrentPrincipal() actor: Principal, @Body() body: PolicyPreviewRequestDto): Promise<PolicyPreviewDto> {
    const result: SubsidyCalculation = await this.policies.preview(actor, body);
    const draft = await this.policies.parseDraft(actor, body.policy);
    const outlook = await this.outlook.forDraft(actor, { ...draft, name: body.policy.name, documentNumber: body.policy.documentNumber }, body.policyId);
    return {
      eligible: result.eligible,
      failedCondition: result.failedCondition,
      amountFen: result.amountFen.toString(),
      explanation: result.explanation,
      outlook: outlookJson(outlook),
    };
  }

  @Roles('authority_admin')
  @OrgScope.filtered('subsidyPolicy')
  @Get('export')
  @ApiOkResponse({ type: PolicyExportDto })
  exportAll(@CurrentPrincipal() actor: Principal): Promise<PolicyExport> {
    return this.policies.export(actor);
  }

  @Roles('authority_admin')
  @OrgScope.none()
  @Post('import')
  @HttpCode(200)
  @ApiOkResponse({ type: PolicyImportResultDto })
  import(@CurrentPrincipal() actor: Principal, @Body() body: ImportPoliciesDto): Promise<PolicyImportResultDto> {
    return this.policies.import(actor, body);
  }

  @Authenticated()
  @OrgScope.none()
  @Get(':id')
  @ApiOkResponse({ type: SubsidyPolicyDto })
  get(@Param('id', ParseIdPipe) id: string): Promise<PolicyView> {
    return this.policies.get(id);
  }

  @Authenticated()
  @OrgScope.none()
  @Get(':id/versions')
  @ApiOkResponse({ type: PolicyVersionPageDto })
  versions(@Param('id', ParseIdPipe) id: string, @Query() query: PageQuery): Promise<PageOf<PolicyVersionView>> {
    return this.policies.versions(id, { limit: query.limit, offset: query.offset });
  }

  @Roles('authority_admin')
  @OrgScope.owned('subsidyPolicy')
  @Get(':id/export')
  @ApiOkResponse({ type: PolicyExportDto })
  exportOne(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<PolicyExport> {
    return this.policies.export(actor, id);
  }

  /** A new version of the policy (the previous ones stay readable). */
  @Roles('authority_admin')
  @OrgScope.owned('subsidyPolicy')
  @Put(':id')
  @ApiOkResponse({ type: SubsidyPolicyDto })
  update(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: UpdatePolicyDto): Promise<PolicyView> {
    return this.policies.update(actor, id, body);
  }

  @Roles('authority_admin')
  @OrgScope.owned('subsidyPolicy')
  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: SubsidyPolicyDto })
  withdraw(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: WithdrawPolicyDto): Promise<PolicyView> {
    return this.policies.withdraw(actor, id, body.reason);
  }
}
