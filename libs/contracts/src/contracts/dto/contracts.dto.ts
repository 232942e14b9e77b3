import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { IsFen, IsLocalDate, Omittable } from '@zjp/platform';
import { CONTRACT_STATUSES, CONTRACT_TYPES, type ContractType } from '../../domain';
import { type TerminationKind } from '../contracts.service';

/** Request bodies and queries of the contracts API (validated at the edge). */
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
