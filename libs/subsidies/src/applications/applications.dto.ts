import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsFen, Omittable, PageQuery } from '@zjp/platform';

export const SUBJECT_TYPES = ['contract', 'research_funding'] as const;
export const ATTACHMENT_KINDS = ['contract', 'registration_certificate', 'invoice', 'payment_proof', 'funding_agreement', 'bank_statement', 'other'] as const;
export const APPLICATION_STATUSES = ['submitted', 'reviewed', 'approved', 'rejected', 'batched', 'paid', 'withdrawn'] as const;

/** An attached file's metadata (the file itself is kept by the document store, identified by its hash). */
export class SubsidyAttachmentDto {
  @ApiProperty({ enum: ATTACHMENT_KINDS }) @IsIn(ATTACHMENT_KINDS) kind!: string;
  @ApiProperty({ example: '技术合同登记证明.pdf' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: 'application/pdf' }) @IsString() @Matches(/^[a-z]+\/[a-z0-9.+-]+$/) contentType!: string;
  @ApiProperty({ example: 182044 }) @IsInt() @Min(1) @Max(100 * 1024 * 1024) sizeBytes!: number;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lowercase hex digits' })
  sha256!: string;
}

/** Where the money goes: what the finance office pays to. */
export class PayeeDto {
  @ApiProperty({ example: '绍兴柯桥示范纺织科技有限公司' }) @IsString() @Length(1, 200) accountName!: string;
  @ApiProperty({ example: '中国工商银行绍兴柯桥支行' }) @IsString() @Length(1, 200) bankName!: string;
  @ApiProperty({ example: '1211012309200123456' }) @Matches(/^\d{8,32}$/, { message: 'accountNumber must be 8 to 32 digits' }) accountNumber!: string;
}

export class ApplyDto {
  @ApiProperty() @IsUUID() policyId!: string;
  @ApiProperty({ enum: SUBJECT_TYPES }) @IsIn(SUBJECT_TYPES) subjectType!: (typeof SUBJECT_TYPES)[number];
  @ApiProperty({ description: 'the contract or research funding' }) @IsUUID() subjectId!: string;
  @ApiPropertyOptional({ example: 2026, description: 'the claim year; may be left out when the subject has only one' })
  @Omittable()
  @IsInt()
  @Min(2000)
  @Max(2999)
  year?: number;
  @ApiPropertyOptional({ example: '我司已按合同约定支付全部技术转让费' }) @Omittable() @IsString() @Length(1, 4000) statement?: string;
  @ApiProperty({ type: [SubsidyAttachmentDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SubsidyAttachmentDto)
  attachments!: SubsidyAttachmentDto[];
  @ApiProperty({ type: PayeeDto }) @IsObject() @ValidateNested() @Type(() => PayeeDto) payee!: PayeeDto;
}

export class ReviewDto {
  @ApiProperty({ enum: ['approve', 'adjust', 'reject'], description: 'approve or adjust recommends an amount to the approver; reject ends the application' })
  @IsIn(['approve', 'adjust', 'reject'])
  decision!: 'approve' | 'adjust' | 'reject';
  @ApiPropertyOptional({ example: '4500000', description: 'adjust: the amount recommended, at most the computed amount' })
  @Omittable()
  @IsFen()
  amountFen?: string;
  @ApiProperty({ example: '部分款项发票不全，按已核实金额计算' }) @IsString() @Length(1, 2000) reason!: string;
}

export class SubsidyDecisionDto {
  @ApiProperty({ example: '经复核同意' }) @IsString() @Length(1, 2000) reason!: string;
}

export class ListApplicationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: APPLICATION_STATUSES }) @Omittable() @IsIn(APPLICATION_STATUSES) status?: string;
  @ApiPropertyOptional() @Omittable() @IsUUID() policyId?: string;
  @ApiPropertyOptional() @Omittable() @Type(() => Number) @IsInt() @Min(2000) @Max(2999) year?: number;
}

export class ListCandidatesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'administrators: one enterprise' }) @Omittable() @IsUUID() enterpriseId?: string;
  @ApiPropertyOptional() @Omittable() @IsUUID() subjectId?: string;
  @ApiPropertyOptional() @Omittable() @Type(() => Number) @IsInt() @Min(2000) @Max(2999) year?: number;
  @ApiPropertyOptional({ enum: ['true', 'false'] }) @Omittable() @IsIn(['true', 'false']) eligibleOnly?: 'true' | 'false';
}
