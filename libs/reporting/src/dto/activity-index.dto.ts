import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { IsLocalDate, Omittable } from '@zjp/platform';

export const INDEX_FIELDS = ['internet_plus', 'life_health', 'new_materials', 'other'] as const;

export class ActivityIndexQuery {
  @ApiProperty({ example: '2026-11-01', description: 'first day of the series (Asia/Shanghai calendar date)' }) @IsLocalDate() from!: string;
  @ApiProperty({ example: '2026-11-30', description: 'last day of the series, at most 400 days after from' }) @IsLocalDate() to!: string;
  @ApiPropertyOptional({ enum: INDEX_FIELDS, description: 'technical field; all fields when omitted' })
  @Omittable()
  @IsIn(INDEX_FIELDS)
  field?: (typeof INDEX_FIELDS)[number];
  @ApiPropertyOptional({ example: '330100', description: "holder's region: a province (330000), city (330100) or county (330106) code and all within it" })
  @Omittable()
  @Matches(/^[1-9]\d{5}$/, { message: 'region must be a six-digit region code' })
  region?: string;
  @ApiPropertyOptional({ example: '2026-01-31', description: 'the base day: its 30-day trailing sums are 100 (default 2026-01-31)' })
  @Omittable()
  @IsLocalDate()
  base?: string;
}

export class ActivityComponentsDto {
  @ApiProperty({ description: 'new listings, 30-day trailing sum' }) listings!: number;
  @ApiProperty({ description: 'bidder registrations, 30-day trailing sum' }) bidders!: number;
  @ApiProperty({ description: 'accepted bids, 30-day trailing sum' }) bids!: number;
  @ApiProperty({ description: 'deals concluded, 30-day trailing sum' }) deals!: number;
  @ApiProperty({ description: 'value of the deals concluded, fen, 30-day trailing sum' }) valueFen!: string;
}

export class ActivityWeightsDto {
  @ApiProperty({ example: 15 }) listings!: number;
  @ApiProperty({ example: 15 }) bidders!: number;
  @ApiProperty({ example: 20 }) bids!: number;
  @ApiProperty({ example: 25 }) deals!: number;
  @ApiProperty({ example: 25 }) valueFen!: number;
}

export class ActivityPointDto {
  @ApiProperty({ example: '2026-11-30' }) date!: string;
  @ApiProperty({
    example: '112.50',
    nullable: true,
    type: String,
    description:
      'Σ weight × (component ÷ its base value × 100) ÷ Σ weight, over the components whose base value is not 0; two decimals; null when every base value is 0',
  })
  index!: string | null;
  @ApiProperty({ type: ActivityComponentsDto }) components!: ActivityComponentsDto;
}

export class ActivityIndexDto {
  @ApiProperty({ example: '2026-01-31' }) baseDate!: string;
  @ApiProperty({ type: ActivityComponentsDto, description: 'the 30-day trailing sums on the base day (= 100)' }) base!: ActivityComponentsDto;
  @ApiProperty({ type: ActivityWeightsDto }) weights!: ActivityWeightsDto;
  @ApiProperty({ nullable: true, type: String, enum: INDEX_FIELDS }) field!: string | null;
  @ApiProperty({ nullable: true, type: String }) region!: string | null;
  @ApiProperty({ type: [ActivityPointDto] }) series!: ActivityPointDto[];
}
