import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { IsFen, Omittable } from '@zjp/platform';
import { BASES, POLICY_KINDS, RATE_KINDS } from '../domain';
import { PolicyOutlookDto } from '../outlook/outlook.dto';
import { PolicyDocumentDto } from './policies.dto';

export class PolicyAuthorityDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '绍兴市柯桥区科学技术局' }) name!: string;
  @ApiProperty({ enum: ['province', 'city', 'county'] }) level!: string;
  @ApiProperty({ example: '330603' }) regionCode!: string;
}

export class PolicyBudgetDto {
  @ApiProperty({ description: 'fen' }) totalFen!: string;
  @ApiProperty({ description: 'fen: approved, not yet paid' }) reservedFen!: string;
  @ApiProperty({ description: 'fen' }) paidFen!: string;
  @ApiProperty({ description: 'fen: total - reserved - paid' }) remainingFen!: string;
}

/** A subsidy policy at its current version. */
export class SubsidyPolicyDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: PolicyAuthorityDto }) authority!: PolicyAuthorityDto;
  @ApiProperty({ enum: POLICY_KINDS }) kind!: string;
  @ApiProperty({ enum: ['active', 'withdrawn'] }) status!: string;
  @ApiProperty() version!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ description: '文号' }) documentNumber!: string;
  @ApiProperty({ example: '2026-01-01' }) effectiveFrom!: string;
  @ApiProperty({ nullable: true, type: String }) effectiveTo!: string | null;
  @ApiProperty({ type: PolicyDocumentDto, description: 'the policy document of the current version' }) document!: PolicyDocumentDto;
  @ApiProperty({ type: PolicyBudgetDto }) budget!: PolicyBudgetDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt!: Date;
}

export class SubsidyPolicyPageDto {
  @ApiProperty({ type: [SubsidyPolicyDto] }) items!: SubsidyPolicyDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** One immutable version of a policy. */
export class PolicyVersionDto {
  @ApiProperty() version!: number;
  @ApiProperty() name!: string;
  @ApiProperty() effectiveFrom!: string;
  @ApiProperty({ nullable: true, type: String }) effectiveTo!: string | null;
  @ApiProperty({ type: PolicyDocumentDto }) document!: PolicyDocumentDto;
  @ApiProperty({ nullable: true, type: String }) changeReason!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'user id' }) createdBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) createdByName!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export class PolicyVersionPageDto {
  @ApiProperty({ type: [PolicyVersionDto] }) items!: PolicyVersionDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** The export file (format zjp.subsidy-policies/1): what POST /subsidy-policies/import takes back. */
export class PolicyExportDto {
  @ApiProperty({ example: 'zjp.subsidy-policies/1' }) format!: string;
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({ type: PolicyAuthorityDto }) authority!: PolicyAuthorityDto;
  @ApiProperty({ type: [PolicyDocumentDto] }) policies!: PolicyDocumentDto[];
}

export class PolicyImportResultItemDto {
  @ApiProperty() documentNumber!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['created', 'versioned', 'unchanged'] }) outcome!: string;
}

export class PolicyImportResultDto {
  @ApiProperty({ type: [PolicyImportResultItemDto] }) results!: PolicyImportResultItemDto[];
}

/** The preview's input: a policy document (a draft, unsaved) and a value to compute on. */
export class PolicyPreviewRequestDto {
  @ApiProperty({ type: PolicyDocumentDto }) @IsObject() @ValidateNested() @Type(() => PolicyDocumentDto) policy!: PolicyDocumentDto;
  @ApiProperty({ example: '200000000', description: 'the contract value (or research funding) in fen' }) @IsFen() valueFen!: string;
  @ApiPropertyOptional({ example: 2026, description: 'the claim year; by default this year when the policy is in force, else its first year' })
  @Omittable()
  @IsInt()
  @Min(2000)
  @Max(2999)
  year?: number;
  @ApiPropertyOptional({ example: '0', description: 'what the enterprise already got under the policy this year (fen), for the per-enterprise cap' })
  @Omittable()
  @IsFen()
  enterpriseYearToDateFen?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "the policy being edited (of the caller's authority): its applications count in the outlook" })
  @Omittable()
  @IsUUID()
  policyId?: string;
}

export class ConditionCheckDto {
  @ApiProperty({ example: 'contractType' }) name!: string;
  @ApiProperty() passed!: boolean;
  @ApiProperty({ nullable: true, type: String }) actual!: string | null;
  @ApiProperty() required!: string;
}

export class BaseItemDto {
  @ApiProperty() date!: string;
  @ApiProperty() amountFen!: string;
  @ApiProperty() counted!: boolean;
  @ApiPropertyOptional({ enum: ['other_year', 'outside_effective_period'] }) excludedBecause?: string;
}

export class ExplanationBaseDto {
  @ApiProperty({ enum: BASES }) kind!: string;
  @ApiProperty() fen!: string;
  @ApiProperty({ type: [BaseItemDto] }) items!: BaseItemDto[];
}

export class RateStepDto {
  @ApiProperty() fromFen!: string;
  @ApiProperty({ nullable: true, type: String }) toFen!: string | null;
  @ApiProperty({ example: '0.1' }) rate!: string;
  @ApiProperty() portionFen!: string;
  @ApiProperty({ description: 'portion × rate, exact' }) exactFen!: string;
  @ApiPropertyOptional({ description: "after the band's own caps" }) cappedFen?: string;
}

export class ExplanationRateDto {
  @ApiProperty({ enum: RATE_KINDS }) kind!: string;
  @ApiProperty() rate!: string;
  @ApiProperty({ type: [RateStepDto] }) steps!: RateStepDto[];
}

export class CapCheckDto {
  @ApiProperty({ enum: ['bandPerContract', 'bandPerEnterprisePerYear', 'perContract', 'perEnterprisePerYear', 'budget'] }) name!: string;
  @ApiPropertyOptional() band?: string;
  @ApiProperty() limitFen!: string;
  @ApiProperty() usedFen!: string;
  @ApiProperty() availableFen!: string;
  @ApiProperty() bit!: boolean;
}

export class RoundingDto {
  @ApiProperty({ enum: ['half_up'] }) mode!: string;
  @ApiProperty() exactFen!: string;
  @ApiProperty() roundedFen!: string;
}

export class BandShareDto {
  @ApiProperty() fromFen!: string;
  @ApiProperty() amountFen!: string;
}

/** How the engine computed an amount, step by step. */
export class SubsidyExplanationDto {
  @ApiProperty({ enum: POLICY_KINDS }) policyKind!: string;
  @ApiProperty() year!: number;
  @ApiProperty({ type: [ConditionCheckDto] }) conditions!: ConditionCheckDto[];
  @ApiProperty({ type: ExplanationBaseDto }) base!: ExplanationBaseDto;
  @ApiProperty({ type: ExplanationRateDto }) rate!: ExplanationRateDto;
  @ApiProperty() exactFen!: string;
  @ApiProperty({ type: [CapCheckDto] }) caps!: CapCheckDto[];
  @ApiProperty({ type: RoundingDto }) rounding!: RoundingDto;
  @ApiProperty() amountFen!: string;
  @ApiPropertyOptional({ type: [BandShareDto] }) bands?: BandShareDto[];
}

export class PolicyPreviewDto {
  @ApiProperty() eligible!: boolean;
  @ApiProperty({ nullable: true, type: String }) failedCondition!: string | null;
  @ApiProperty({ description: 'fen' }) amountFen!: string;
  @ApiProperty({ type: SubsidyExplanationDto }) explanation!: SubsidyExplanationDto;
  @ApiProperty({ type: PolicyOutlookDto, description: "the budget outlook with the draft's tiers, caps and budget" }) outlook!: PolicyOutlookDto;
}
