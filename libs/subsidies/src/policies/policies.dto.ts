import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  registerDecorator,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { Rate } from '@zjp/core';
import { IsFen, IsLocalDate, Omittable, PageQuery } from '@zjp/platform';
import { BASES, CONTRACT_TYPES, FUNDING_MODES, POLICY_KINDS, RATE_KINDS, SELLER_CATEGORIES, STACKING_RULES, THROUGH_PLATFORM } from '../domain';

/** An exact decimal rate written as a string: "0.05", "5%", "12.5%". */
export function IsRate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isRate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a decimal rate written as a string, e.g. "0.05" or "5%"`, ...options },
      validator: {
        validate(value: unknown) {
          try {
            Rate.parse(value as string);
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}

export class RegistrationRuleDto {
  @ApiPropertyOptional({ description: '技术合同认定登记 required' }) @Omittable() @IsBoolean() required?: boolean;
  @ApiPropertyOptional({ example: '2026-12-31', nullable: true, type: String }) @IsOptional() @IsLocalDate() onOrBefore?: string | null;
  @ApiPropertyOptional({ example: 30, nullable: true, type: Number, description: 'registered within N days of signing' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3660)
  withinDaysOfSigning?: number | null;
}

export class EligibilityDto {
  @ApiPropertyOptional({ enum: SELLER_CATEGORIES, default: 'any' }) @Omittable() @IsIn(SELLER_CATEGORIES) sellerCategory?: (typeof SELLER_CATEGORIES)[number];
  @ApiPropertyOptional({ enum: CONTRACT_TYPES, isArray: true })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(5)
  @IsIn(CONTRACT_TYPES, { each: true })
  contractTypes?: (typeof CONTRACT_TYPES)[number][];
  @ApiPropertyOptional({ type: RegistrationRuleDto })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => RegistrationRuleDto)
  registration?: RegistrationRuleDto;
  @ApiPropertyOptional({ enum: THROUGH_PLATFORM, default: 'any', description: 'concluded through 浙江拍: any, required, or excluded' })
  @Omittable()
  @IsIn(THROUGH_PLATFORM)
  throughPlatform?: (typeof THROUGH_PLATFORM)[number];
  @ApiPropertyOptional({ example: '10000000', nullable: true, type: String }) @IsOptional() @IsFen() minContractValueFen?: string | null;
  @ApiPropertyOptional() @Omittable() @IsBoolean() buyerMustBeSme?: boolean;
  @ApiPropertyOptional({ description: '高新技术企业' }) @Omittable() @IsBoolean() buyerMustBeHighTech?: boolean;
  @ApiPropertyOptional({ enum: FUNDING_MODES, isArray: true, description: 'research_funding policies only' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(FUNDING_MODES, { each: true })
  fundingModes?: (typeof FUNDING_MODES)[number][];
}

export class BandCapsDto {
  @ApiPropertyOptional({ example: '50000000', nullable: true, type: String, description: 'the most this band pays for one contract (all years)' })
  @IsOptional()
  @IsFen()
  perContractFen?: string | null;
  @ApiPropertyOptional({ example: '50000000', nullable: true, type: String, description: 'the most this band pays one enterprise in a year' })
  @IsOptional()
  @IsFen()
  perEnterprisePerYearFen?: string | null;
}

export class TierDto {
  @ApiProperty({ example: '0' }) @IsFen() fromFen!: string;
  @ApiProperty({ example: '0.1' }) @IsRate() rate!: string;
  @ApiPropertyOptional({ type: BandCapsDto, description: "the band's own caps, besides the policy's" })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => BandCapsDto)
  caps?: BandCapsDto;
}

export class RateRuleDto {
  @ApiProperty({ enum: RATE_KINDS, description: 'single; progressive (each band at its rate); banded (the whole base at the rate of its band)' })
  @IsIn(RATE_KINDS)
  kind!: (typeof RATE_KINDS)[number];
  @ApiPropertyOptional({ example: '0.05' }) @Omittable() @IsRate() rate?: string;
  @ApiPropertyOptional({ type: [TierDto] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => TierDto)
  tiers?: TierDto[];
}

export class CapsDto {
  @ApiPropertyOptional({ example: '50000000', nullable: true, type: String }) @IsOptional() @IsFen() perContractFen?: string | null;
  @ApiPropertyOptional({ example: '100000000', nullable: true, type: String }) @IsOptional() @IsFen() perEnterprisePerYearFen?: string | null;
}

/** The policy JSON document (also the unit of export and import). */
export class PolicyDocumentDto {
  @ApiProperty({ enum: POLICY_KINDS, description: 'contract (P-SUB) or research_funding (P-DON)' }) @IsIn(POLICY_KINDS) kind!: (typeof POLICY_KINDS)[number];
  @ApiProperty({ example: '柯桥区技术交易补助' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: '柯科〔2026〕12号' }) @IsString() @Length(1, 100) documentNumber!: string;
  @ApiProperty({ example: '2026-01-01' }) @IsLocalDate() effectiveFrom!: string;
  @ApiPropertyOptional({ example: '2026-12-31', nullable: true, type: String }) @IsOptional() @IsLocalDate() effectiveTo?: string | null;
  @ApiPropertyOptional({ type: EligibilityDto }) @Omittable() @IsObject() @ValidateNested() @Type(() => EligibilityDto) eligibility?: EligibilityDto;
  @ApiPropertyOptional({ enum: BASES, default: 'actual_paid' }) @Omittable() @IsIn(BASES) base?: (typeof BASES)[number];
  @ApiPropertyOptional({ type: RateRuleDto, description: 'required for contract policies; P-DON defaults to 10%' })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => RateRuleDto)
  rate?: RateRuleDto;
  @ApiPropertyOptional({ type: CapsDto }) @Omittable() @IsObject() @ValidateNested() @Type(() => CapsDto) caps?: CapsDto;
  @ApiProperty({ example: '5000000000' }) @IsFen() budgetFen!: string;
  @ApiPropertyOptional({ enum: STACKING_RULES, default: 'exclusive' }) @Omittable() @IsIn(STACKING_RULES) stacking?: (typeof STACKING_RULES)[number];
}

export class UpdatePolicyDto extends PolicyDocumentDto {
  @ApiPropertyOptional({ example: '调整补助比例' }) @Omittable() @IsString() @Length(1, 2000) changeReason?: string;
}

export class WithdrawPolicyDto {
  @ApiProperty({ example: '政策到期废止' }) @IsString() @Length(1, 2000) reason!: string;
}

export class ImportPoliciesDto {
  @ApiPropertyOptional({ example: 'zjp.subsidy-policies/1' }) @Omittable() @IsIn(['zjp.subsidy-policies/1']) format?: string;
  @ApiPropertyOptional() @Omittable() @IsString() exportedAt?: string;
  @ApiPropertyOptional({ description: "the exporting authority (informative: policies are imported for the caller's authority)" })
  @Omittable()
  @IsObject()
  authority?: Record<string, unknown>;
  @ApiProperty({ type: [PolicyDocumentDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PolicyDocumentDto)
  policies!: PolicyDocumentDto[];
}

export class ListPoliciesQuery extends PageQuery {
  @ApiPropertyOptional() @Omittable() @IsUUID() authorityId?: string;
  @ApiPropertyOptional({ enum: POLICY_KINDS }) @Omittable() @IsIn(POLICY_KINDS) kind?: string;
  @ApiPropertyOptional({ enum: ['active', 'withdrawn'] }) @Omittable() @IsIn(['active', 'withdrawn']) status?: string;
  @ApiPropertyOptional({ example: '2026-06-30', description: 'in force on this date' }) @Omittable() @IsLocalDate() inForceOn?: string;
}
