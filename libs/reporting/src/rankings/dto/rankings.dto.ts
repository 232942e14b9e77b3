import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { Omittable, PageQuery } from '@zjp/platform';
import { HOLDER_KINDS, INDICATOR_KEYS } from '../domain/holder-score';

export const HOLDER_TYPES = [...HOLDER_KINDS, 'platform'] as const;
export type HolderType = (typeof HOLDER_TYPES)[number];

export class RankingsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 2026, minimum: 2000, maximum: 2100, description: 'calendar year (Asia/Shanghai); this year when absent' })
  @Omittable()
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole year such as 2026' })
  @Min(2000)
  @Max(2100)
  year?: number;

  @ApiPropertyOptional({ example: '330100', description: 'GB/T 2260 code: holders registered in this region and its sub-regions' })
  @Omittable()
  @Matches(/^[1-9]\d{5}$/, { message: 'region must be a 6-digit GB/T 2260 code' })
  region?: string;

  @ApiPropertyOptional({ enum: HOLDER_TYPES, description: 'university, institute, enterprise lab, or platform (高能级科创平台 of any kind)' })
  @Omittable()
  @IsIn(HOLDER_TYPES)
  holderType?: HolderType;
}

export class IndicatorMethodDto {
  @ApiProperty({ enum: INDICATOR_KEYS }) key!: string;
  @ApiProperty({ description: 'points out of 100' }) weight!: number;
  @ApiProperty({ enum: ['higher', 'lower'] }) better!: 'higher' | 'lower';
}

export class ShareDto {
  @ApiProperty() numerator!: number;
  @ApiProperty() denominator!: number;
}

export class HolderInputsDto {
  @ApiProperty({ description: 'listings created in the year' }) listings!: number;
  @ApiProperty({ description: 'contracts (holder as seller) that took effect in the year and are not terminated' }) contractsInForce!: number;
  @ApiProperty({ example: '12000000', description: 'their total price, integer fen as a string' }) contractValueFen!: string;
  @ApiProperty({ type: ShareDto, description: 'registered achievements (by the year end) with a transformation in effect by then / registered achievements' })
  transformedShare!: ShareDto;
  @ApiProperty({
    type: ShareDto,
    description: 'registered applied achievements on the use-first list (P-2Y) or eligible for a free licence (P-3Y), today / registered applied achievements',
  })
  useFirstShare!: ShareDto;
  @ApiProperty({
    type: ShareDto,
    description: 'achievements obtained in the year registered within 30 days (P-REG) / those registered, or unregistered past the 30 days',
  })
  registrationTimeliness!: ShareDto;
}

export class ContributionDto {
  @ApiProperty({ enum: INDICATOR_KEYS }) key!: string;
  @ApiProperty({ description: 'points out of 100' }) weight!: number;
  @ApiProperty({ nullable: true, type: String, description: 'the value used, as a decimal string (a count, fen, or a ratio 0–1); null without data' })
  value!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'smallest value among the holders of the same kind' }) min!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'largest value among the holders of the same kind' }) max!: string | null;
  @ApiProperty({ description: 'min-max normalised, 0–1' }) normalized!: number;
  @ApiProperty({ description: 'points earned (weight × normalised), two decimals' }) points!: number;
  @ApiProperty({ description: 'a share with an empty denominator: 0 points' }) noData!: boolean;
}

export class RankedHolderDto {
  @ApiProperty({ description: 'standard competition ranking: equal scores share the better rank, the next rank skips (1, 2, 2, 4)' }) rank!: number;
  @ApiProperty({ description: 'shares its rank with another holder' }) tied!: boolean;
  @ApiProperty({ description: 'score out of 100, two decimals (the sum of the contributions)' }) score!: number;
  @ApiProperty() holderId!: string;
  @ApiProperty() holderName!: string;
  @ApiProperty({ enum: HOLDER_KINDS, description: 'normalisation group' }) holderKind!: string;
  @ApiProperty({ example: '330106' }) regionCode!: string;
  @ApiProperty() highLevelPlatform!: boolean;
  @ApiProperty({ type: HolderInputsDto }) inputs!: HolderInputsDto;
  @ApiProperty({ type: [ContributionDto] }) contributions!: ContributionDto[];
}

export class RankingsPageDto {
  @ApiProperty({ example: 2026 }) year!: number;
  @ApiProperty({ nullable: true, type: String }) region!: string | null;
  @ApiProperty({ nullable: true, enum: HOLDER_TYPES, type: String }) holderType!: string | null;
  @ApiProperty({ example: '2026-12-06', description: 'the Asia/Shanghai date the figures are computed on' }) asOf!: string;
  @ApiProperty({ type: [IndicatorMethodDto] }) method!: IndicatorMethodDto[];
  @ApiProperty({ type: [RankedHolderDto] }) items!: RankedHolderDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
