import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { IsFen, IsLocalDate, Omittable, PageQuery } from '@zjp/platform';
import { SubsidyAttachmentDto } from '../../applications/applications.dto';
import { FUNDING_MODES } from '../../domain';

export class ResearchFundingDto {
  @ApiProperty({ description: 'the high-level platform (a holder) that received the money' }) @IsUUID() platformId!: string;
  @ApiProperty({ enum: FUNDING_MODES, description: '冠名 naming, 捐赠 donation, 联合基金 joint fund' })
  @IsIn(FUNDING_MODES)
  mode!: (typeof FUNDING_MODES)[number];
  @ApiProperty({ example: '存算一体芯片基础理论联合基金' }) @IsString() @Length(1, 2000) purpose!: string;
  @ApiPropertyOptional({ example: 'ZJLAB-JJ-2026-007' }) @Omittable() @IsString() @Length(1, 100) agreementNumber?: string;
  @ApiProperty({ example: '500000000' }) @IsFen() amountFen!: string;
  @ApiProperty({ example: '2026-06-30', description: 'the day the platform received the money' }) @IsLocalDate() receivedOn!: string;
  @ApiProperty({ type: [SubsidyAttachmentDto], description: 'the documents (agreement, bank statement): at least one' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SubsidyAttachmentDto)
  documents!: SubsidyAttachmentDto[];
}

export class FundingDecisionDto {
  @ApiProperty({ example: '已到账，用于基础研究' }) @IsString() @Length(1, 2000) reason!: string;
}

export class HighTechCertificateDto {
  @ApiProperty() @IsUUID() organizationId!: string;
  @ApiProperty({ example: 'GR202633001234' }) @IsString() @Length(1, 50) certificateNumber!: string;
  @ApiProperty({ example: '2026-01-15' }) @IsLocalDate() issuedOn!: string;
  @ApiProperty({ example: '2029-01-14' }) @IsLocalDate() expiresOn!: string;
}

export class CertificatesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'administrators: one enterprise' }) @Omittable() @IsUUID() organizationId?: string;
}

/** A 高新技术企业 certificate. */
export class CertificateDto {
  @ApiProperty() id!: string;
  @ApiProperty() organizationId!: string;
  @ApiProperty({ example: 'GR202633001234' }) certificateNumber!: string;
  @ApiProperty({ example: '2026-01-15' }) issuedOn!: string;
  @ApiProperty({ example: '2029-01-14' }) expiresOn!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: Date;
}

export class CertificatePageDto {
  @ApiProperty({ type: [CertificateDto] }) items!: CertificateDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** A research funding declared by an enterprise (P-DON's base). */
export class ResearchFundingViewDto {
  @ApiProperty() id!: string;
  @ApiProperty() enterpriseId!: string;
  @ApiProperty() platformId!: string;
  @ApiProperty({ enum: FUNDING_MODES }) mode!: string;
  @ApiProperty() purpose!: string;
  @ApiProperty({ nullable: true, type: String }) agreementNumber!: string | null;
  @ApiProperty({ description: 'fen' }) amountFen!: string;
  @ApiProperty() receivedOn!: string;
  @ApiProperty({ type: [SubsidyAttachmentDto] }) documents!: unknown[];
  @ApiProperty({ enum: ['declared', 'confirmed', 'rejected'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) declaredAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) decidedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) decisionReason!: string | null;
}

export class ResearchFundingPageDto {
  @ApiProperty({ type: [ResearchFundingViewDto] }) items!: ResearchFundingViewDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
