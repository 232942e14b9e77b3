import { Body, Controller, Get, Header, HttpCode, Param, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { Authenticated, CurrentPrincipal, IsFen, IsLocalDate, ParseIdPipe, Roles, type Principal, Omittable, OrgScope } from '@zjp/platform';
import type { Response } from 'express';
import { CONTRACT_STATUSES, CONTRACT_TYPES, type ContractType } from '../domain';
import { ContractBillingService } from './contract-billing.service';
import { ContractsService, type TerminationKind } from './contracts.service';

export class DraftContractDto {
  @ApiProperty({ enum: CONTRACT_TYPES.filter((t) => t !== 'free_license') }) @IsIn(CONTRACT_TYPES.filter((t) => t !== 'free_license')) type!: ContractType;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') achievementId!: string;
  @ApiProperty({ format: 'uuid', description: 'the enterprise (for use_first: a small or micro enterprise)' }) @IsUUID('all') buyerId!: string;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 300) title?: string;
  @ApiProperty({ description: 'ContractTerms: transfer | license | equity | useFirst sections and fees (lump_sum, instalments, royalty, milestones)' }) @IsObject() terms!: Record<string, unknown>;
}

export class AmendTermsDto {
  @ApiProperty({ description: 'the version the terms were read at (optimistic concurrency)' }) @IsInt() @Min(1) expectedVersion!: number;
  @ApiProperty() @IsObject() terms!: Record<string, unknown>;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 2000) note?: string;
}

export class VersionDto {
  @ApiProperty({ description: 'the version of the terms being submitted or signed' }) @IsInt() @Min(1) version!: number;
}

export class RegisterContractDto {
  @ApiProperty({ example: '2026330106000123', description: '技术合同认定登记号' }) @Matches(/^\s*[0-9A-Za-z-]{4,40}\s*$/, { message: 'number must be 4 to 40 letters, digits or hyphens' }) number!: string;
  @ApiProperty({ example: '2026-03-02' }) @IsLocalDate() registeredOn!: string;
  @ApiProperty({ example: '杭州市技术合同登记处' }) @IsString() @Length(1, 200) registry!: string;
}

export class TerminateContractDto {
  @ApiProperty({ enum: ['buyer_default', 'mutual', 'withdrawn', 'other'] }) @IsIn(['buyer_default', 'mutual', 'withdrawn', 'other']) kind!: TerminationKind;
  @ApiProperty({ example: '成交后未在规定期限内签订合同' }) @IsString() @Length(1, 2000) reason!: string;
}

export class ConversionDto {
  @ApiProperty({ enum: ['convert', 'decline'] }) @IsIn(['convert', 'decline']) decision!: 'convert' | 'decline';
}

export class RoyaltyReportDto {
  @ApiProperty({ description: 'the royalty period, numbered from 1 over the licence term' }) @IsInt() @Min(1) @Max(1200) periodIndex!: number;
  @ApiProperty({ example: '250000000', description: "the licensee's sales in the period, fen" }) @IsFen() salesFen!: string;
}

export class MilestoneReachedDto {
  @ApiProperty({ example: '2026-05-01' }) @IsLocalDate() reachedOn!: string;
}

export class PayContractDto {
  @ApiProperty({ example: 'pm_card_visa', description: 'a Stripe PaymentMethod: card, Alipay or WeChat Pay' }) @Matches(/^pm_\w{1,100}$/, { message: 'paymentMethod must be a Stripe PaymentMethod id (pm_…)' }) paymentMethod!: string;
  @ApiPropertyOptional({ example: '960000', description: 'fen; default: everything owed now' }) @Omittable() @IsFen() amountFen?: string;
  @ApiProperty({ description: 'the same key returns the same payment (never a second charge)' }) @IsString() @Length(8, 100) idempotencyKey!: string;
  @ApiPropertyOptional({ example: 'instalment:2' }) @Omittable() @IsString() @Length(1, 60) item?: string;
}

export class BankTransferPaymentDto {
  @ApiProperty({ example: '960000' }) @IsFen() amountFen!: string;
  @ApiProperty({ example: 'ICBC-20260301-000456' }) @IsString() @Length(1, 100) bankReference!: string;
  @ApiProperty({ example: '2026-03-01' }) @IsLocalDate() receivedOn!: string;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 60) item?: string;
}

export class RefundDto {
  @ApiProperty({ example: '60000' }) @IsFen() amountFen!: string;
  @ApiProperty({ example: '双方协商退还部分价款' }) @IsString() @Length(1, 2000) reason!: string;
  @ApiProperty() @IsString() @Length(8, 100) idempotencyKey!: string;
}

export class ListContractsQuery {
  @ApiPropertyOptional({ enum: CONTRACT_STATUSES }) @Omittable() @IsIn(CONTRACT_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: ['seller', 'buyer'] }) @Omittable() @IsIn(['seller', 'buyer']) role?: 'seller' | 'buyer';
}

export class DocumentQuery {
  @ApiPropertyOptional({ enum: ['json', 'pdf'] }) @Omittable() @IsIn(['json', 'pdf']) format?: 'json' | 'pdf';
  @ApiPropertyOptional({ description: 'pdf: the document stored at signing rather than one rendered now' }) @Omittable() @IsIn(['true', 'false']) signed?: string;
}

const PARTY_ADMINS = ['holder_admin', 'enterprise_admin', 'platform_admin'] as const;
const READERS = ['holder_admin', 'holder_member', 'enterprise_admin', 'enterprise_member', 'platform_admin', 'authority_admin'] as const;

@ApiTags('contracts')
@ApiBearerAuth()
@Controller()
export class ContractsController {
  constructor(
    private readonly contracts: ContractsService,
    private readonly billing: ContractBillingService,
  ) {}

  @Roles(...READERS)
  @OrgScope.filtered('contract')
  @Get('contracts')
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListContractsQuery) {
    return this.contracts.list(actor, query);
  }

  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('deal', 'body:dealId')
  @Post('contracts')
  draft(@CurrentPrincipal() actor: Principal, @Body() body: DraftContractDto) {
    return this.contracts.draft(actor, body);
  }

  @Roles(...READERS)
  @OrgScope.owned('contract')
  @Get('contracts/:id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.contracts.get(actor, id);
  }

  @Roles(...PARTY_ADMINS)
  @OrgScope.owned('contract')
  @Put('contracts/:id/terms')
  amend(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: AmendTermsDto) {
    return this.contracts.amend(actor, id, body);
  }

  @Roles(...PARTY_ADMINS)
  @OrgScope.owned('contract')
  @Post('contracts/:id/submission')
  @HttpCode(200)
  submit(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: VersionDto) {
    return this.contracts.submit(actor, id, body);
  }

  /** Signing: an administrator of the party's organisation (holder_admin for the seller, enterprise_admin for the buyer). */
  @Roles('holder_admin', 'enterprise_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/signatures')
  @HttpCode(200)
  sign(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: VersionDto) {
    return this.contracts.sign(actor, id, body);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/registration')
  @HttpCode(200)
  register(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: RegisterContractDto) {
    return this.contracts.register(actor, id, body);
  }

  @Roles('platform_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/termination')
  @HttpCode(200)
  terminate(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: TerminateContractDto) {
    return this.contracts.terminate(actor, id, body);
  }

  @Roles('enterprise_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/conversion')
  @HttpCode(200)
  convert(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: ConversionDto) {
    return this.contracts.decideConversion(actor, id, body.decision);
  }

  @Roles('enterprise_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/royalty-reports')
  reportRoyalty(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: RoyaltyReportDto) {
    return this.contracts.reportRoyalty(actor, id, { periodIndex: body.periodIndex, salesFen: BigInt(body.salesFen) });
  }

  @Roles('enterprise_admin', 'platform_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/milestones/:key/reached')
  @HttpCode(200)
  milestone(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Param('key') key: string, @Body() body: MilestoneReachedDto) {
    return this.contracts.recordMilestone(actor, id, key, body);
  }

  /** JSON by default; `?format=pdf` renders it (`&signed=true`: the PDF stored at signing). */
  @Roles(...READERS)
  @OrgScope.owned('contract')
  @Get('contracts/:id/document')
  async document(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: DocumentQuery, @Res({ passthrough: true }) res: Response) {
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

  @Roles(...READERS)
  @OrgScope.owned('contract')
  @Get('contracts/:id/payments')
  payments(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.billing.list(actor, id);
  }

  @Roles('enterprise_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/payments')
  pay(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: PayContractDto) {
    return this.billing.payOnline(actor, id, { paymentMethod: body.paymentMethod, amountFen: body.amountFen === undefined ? undefined : BigInt(body.amountFen), idempotencyKey: body.idempotencyKey, item: body.item });
  }

  /** 对公转账: the operator records a transfer received, with the bank's reference. */
  @Roles('platform_admin')
  @OrgScope.owned('contract')
  @Post('contracts/:id/bank-transfers')
  bankTransfer(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: BankTransferPaymentDto) {
    return this.billing.recordBankTransfer(actor, id, { amountFen: BigInt(body.amountFen), bankReference: body.bankReference, receivedOn: body.receivedOn, item: body.item });
  }

  @Roles('platform_admin')
  @OrgScope.owned('contractPayment')
  @Post('contract-payments/:id/refunds')
  refund(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: RefundDto) {
    return this.billing.refund(actor, id, { amountFen: BigInt(body.amountFen), reason: body.reason, idempotencyKey: body.idempotencyKey });
  }

  /** P-3Y: the contract of an approved free-licence application (created by the worker's sweep too). */
  @Roles('platform_admin', 'enterprise_admin')
  @OrgScope.owned('freeLicense')
  @Post('free-license-applications/:id/contract')
  @HttpCode(200)
  async fromFreeLicense(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string) {
    const { contractId } = await this.contracts.createFromFreeLicense(id, actor);
    return this.contracts.get(actor, contractId);
  }

  @Authenticated()
  @OrgScope.owned('organization')
  @Get('organizations/:id/balances')
  @Header('Cache-Control', 'no-store')
  balances(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.billing.organizationBalances(actor, id);
  }
}
