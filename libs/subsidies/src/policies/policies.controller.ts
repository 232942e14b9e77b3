import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import { ImportPoliciesDto, ListPoliciesQuery, PolicyDocumentDto, UpdatePolicyDto, WithdrawPolicyDto } from './policies.dto';
import { SubsidyPoliciesService, type PolicyExport, type PolicyVersionView, type PolicyView } from './policies.service';

@ApiTags('subsidies')
@ApiBearerAuth()
@Controller('subsidy-policies')
export class SubsidyPoliciesController {
  constructor(private readonly policies: SubsidyPoliciesService) {}

  @Roles('authority_admin')
  @OrgScope.none()
  @Post()
  create(@CurrentPrincipal() actor: Principal, @Body() body: PolicyDocumentDto): Promise<PolicyView> {
    return this.policies.create(actor, body);
  }

  /** Published policies are public documents: any signed-in user may read them. */
  @Authenticated()
  @OrgScope.none()
  @Get()
  list(@Query() query: ListPoliciesQuery): Promise<PolicyView[]> {
    return this.policies.list(query);
  }

  @Roles('authority_admin')
  @OrgScope.filtered('subsidyPolicy')
  @Get('export')
  exportAll(@CurrentPrincipal() actor: Principal): Promise<PolicyExport> {
    return this.policies.export(actor);
  }

  @Roles('authority_admin')
  @OrgScope.none()
  @Post('import')
  @HttpCode(200)
  import(@CurrentPrincipal() actor: Principal, @Body() body: ImportPoliciesDto) {
    return this.policies.import(actor, body);
  }

  @Authenticated()
  @OrgScope.none()
  @Get(':id')
  get(@Param('id', ParseIdPipe) id: string): Promise<PolicyView> {
    return this.policies.get(id);
  }

  @Authenticated()
  @OrgScope.none()
  @Get(':id/versions')
  versions(@Param('id', ParseIdPipe) id: string): Promise<PolicyVersionView[]> {
    return this.policies.versions(id);
  }

  @Roles('authority_admin')
  @OrgScope.owned('subsidyPolicy')
  @Get(':id/export')
  exportOne(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<PolicyExport> {
    return this.policies.export(actor, id);
  }

  /** A new version of the policy (the previous ones stay readable). */
  @Roles('authority_admin')
  @OrgScope.owned('subsidyPolicy')
  @Put(':id')
  update(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: UpdatePolicyDto): Promise<PolicyView> {
    return this.policies.update(actor, id, body);
  }

  @Roles('authority_admin')
  @OrgScope.owned('subsidyPolicy')
  @Post(':id/withdraw')
  @HttpCode(200)
  withdraw(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: WithdrawPolicyDto): Promise<PolicyView> {
    return this.policies.withdraw(actor, id, body.reason);
  }
}
