import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import type { Response } from 'express';
import { ContractsService } from './contracts.service';
import { AmendTermsDto } from './dto/amend-terms.dto';
import { ContractDto, ContractPageDto } from './dto/contract-responses.dto';
import { ConversionDto } from './dto/conversion.dto';
import { DocumentQuery } from './dto/document-query.dto';
import { DraftContractDto } from './dto/draft-contract.dto';
import { ListContractsQuery } from './dto/list-contracts-query.dto';
import { MilestoneReachedDto } from './dto/milestone-reached.dto';
import { RegisterContractDto } from './dto/register-contract.dto';
import { RoyaltyReportDto } from './dto/royalty-report.dto';
import { TerminateContractDto } from './dto/terminate-contract.dto';
import { VersionDto } from './dto/version.dto';

const PARTY_ADMINS = ['holder_admin', 'enterprise_admin', 'platform_admin'] as const;
const READERS = ['holder_admin', 'holder_member', 'enterprise_admin', 'enterprise_member', 'platform_admin', 'authority_admin'] as const;

@ApiTags('contracts')
@ApiBearerAuth()
@Controller()
export class ContractsController {
  constructor(private readonly contracts: ContractsService) {}

  @Roles(...READERS)
  @OrgScope.filtered('contract')
  @Get('contracts')
  @ApiOkResponse({ type: ContractPageDto })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListContractsQuery) {
    return this.contracts.list(actor, query);
  }

  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('deal', 'body:dealId')
  @Post('contracts')
  @ApiCreatedResponse({ type: ContractDto })
  draft(@CurrentPrincipal() actor: Principal, @Body() body: DraftContractDto) {
    return this.contracts.draft(actor, body);
  }

  @Roles(...READERS)
  @OrgScope.owned('contract')
  @Get('contracts/:id')
  @ApiOkResponse({ type: ContractDto })
  get(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.contracts.get(actor, id);
  }

  @Roles(...PARTY_ADMINS)
  @OrgScope.owned('contract')
  @Put('contracts/:id/terms')
  @ApiOkResponse({ type: ContractDto })
  amend(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: AmendTermsDto) {
    return this.contracts.amend(actor, id, body);
  }

  @Roles(...PARTY_ADMINS)
  @OrgScope.owned('contract')
  @Post('contracts/:id/submission')
  @HttpCode(200)
  @ApiOkResponse({ type: ContractDto })
  submit(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: VersionDto) {
    return this.contracts.submit(actor, id, body);
  }

  /** Signing: an administrator of the party's organisation (holder_admin for the seller, enterprise_admin for the buyer). */
  @Roles('holder_admin', 'enterprise_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/signatures')
  @HttpCode(200)
  @ApiOkResponse({ type: ContractDto })
  sign(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: VersionDto) {
    return this.contracts.sign(actor, id, body);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/registration')
  @HttpCode(200)
  @ApiOkResponse({ type: ContractDto })
  register(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: RegisterContractDto) {
    return this.contracts.register(actor, id, body);
  }

  @Roles('platform_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/termination')
  @HttpCode(200)
  @ApiOkResponse({ type: ContractDto })
  terminate(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: TerminateContractDto) {
    return this.contracts.terminate(actor, id, body);
  }

  @Roles('enterprise_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/conversion')
  @HttpCode(200)
  @ApiOkResponse({ type: ContractDto })
  convert(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: ConversionDto) {
    return this.contracts.decideConversion(actor, id, body.decision);
  }

  @Roles('enterprise_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/royalty-reports')
  @ApiCreatedResponse({ type: ContractDto })
  reportRoyalty(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: RoyaltyReportDto) {
    return this.contracts.reportRoyalty(actor, id, { periodIndex: body.periodIndex, salesFen: BigInt(body.salesFen) });
  }

  @Roles('enterprise_admin', 'platform_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/milestones/:key/reached')
  @HttpCode(200)
  @ApiOkResponse({ type: ContractDto })
  milestone(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Param('key') key: string, @Body() body: MilestoneReachedDto) {
    return this.contracts.recordMilestone(actor, id, key, body);
  }

  /** JSON by default; `?format=pdf` renders it (`&signed=true`: the PDF stored at signing). */
  @Roles(...READERS)
  @OrgScope.owned('contract')
  @Get('contracts/:id/document')
  async document(
    @CurrentPrincipal() actor: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: DocumentQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (query.format !== 'pdf') return this.contracts.document(actor, id);
    const { pdf, sha256, version } = await this.contracts.pdf(actor, id, query.signed === 'true' ? 'signed' : 'current');
    res.set({ 'Content-Type': 'application/pdf', 'Content-Disposition': `inline; filename="contract-${id}-v${version}.pdf"`, 'X-Content-SHA256': sha256 });
    return new StreamableFile(pdf);
  }

  @Roles(...READERS)
  @OrgScope.owned('contract')
  @Get('contracts/:id/document/verification')
  verify(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.contracts.verify(actor, id);
  }

  /** P-3Y: the contract of an approved free-licence application (created by the worker's sweep too). */
  @Roles('platform_admin', 'enterprise_admin')
  @OrgScope.owned('freeLicense')
  @Post('free-license-applications/:id/contract')
  @HttpCode(200)
  @ApiOkResponse({ type: ContractDto })
  async fromFreeLicense(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string) {
    const { contractId } = await this.contracts.createFromFreeLicense(id, actor);
    return this.contracts.get(actor, contractId);
  }
}
