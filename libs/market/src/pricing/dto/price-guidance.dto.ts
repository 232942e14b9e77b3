import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Omittable } from '@zjp/platform';
import { PRICING_DEAL_TYPES, type PricingDealType } from '../../domain';

export class PriceGuidanceQuery {
  @ApiPropertyOptional({
    enum: PRICING_DEAL_TYPES,
    default: 'transfer',
    description: 'the deal type to be listed: 转让 transfer, 许可 license, 作价入股 equity',
  })
  @Omittable()
  @IsIn(PRICING_DEAL_TYPES as unknown as string[])
  dealType?: PricingDealType;
}

/** One comparable deal, anonymised: the achievement's title (public in the catalogue), the date and the price; never the parties. */
export class PriceComparableDto {
  @ApiProperty() achievementTitle!: string;
  @ApiProperty({ example: '2026-03-18', description: 'Asia/Shanghai calendar date the deal was concluded' }) concludedOn!: string;
  @ApiProperty({ description: 'fen: the price concluded' }) priceFen!: string;
  @ApiProperty({ description: 'fen: the price moved to the subject’s remaining patent term (= priceFen when either has no term)' }) adjustedPriceFen!: string;
  @ApiProperty({ example: 0.7, description: 'similarity in (0, 1]: the weight of this deal' }) similarity!: number;
  @ApiProperty({ enum: ['main_group', 'subclass', 'class', 'section', 'none'], description: 'the deepest IPC prefix shared with the subject' })
  ipcMatch!: string;
  @ApiProperty() sameIpType!: boolean;
  @ApiProperty({ description: 'steps between the maturities (lab → prototype → pilot → industrialised)' }) maturitySteps!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'remaining patent term in years at the deal date; null without a term' }) remainingYears!:
    number | null;
}

export class PriceGuidanceMethodDto {
  @ApiProperty({ example: 5, description: 'fewer comparables than this: 可比成交不足, no range' }) minComparables!: number;
  @ApiProperty({ example: 0.15 }) minSimilarity!: number;
  @ApiProperty({ example: 40 }) maxComparables!: number;
  @ApiProperty({ example: 0.6, description: 'β in ln p + β·(ln r_subject − ln r_deal)' }) termElasticity!: number;
  @ApiProperty({ example: 0.25 }) lowQuantile!: number;
  @ApiProperty({ example: 0.75 }) highQuantile!: number;
}

export class PriceGuidanceSubjectDto {
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['internet_plus', 'life_health', 'new_materials', 'other'] }) technicalField!: string;
  @ApiProperty({ type: [String] }) ipcClasses!: string[];
  @ApiProperty({ nullable: true, type: String, description: 'the main IP right’s type' }) ipType!: string | null;
  @ApiProperty({ enum: ['lab', 'prototype', 'pilot', 'industrialised'] }) maturity!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'remaining patent term in years today; null without a term' }) remainingYears!: number | null;
}

/** GET /achievements/:id/price-guidance */
export class PriceGuidanceDto {
  @ApiProperty() achievementId!: string;
  @ApiProperty({ enum: PRICING_DEAL_TYPES }) dealType!: string;
  @ApiProperty({ example: '2026-12-06', description: 'the date the guidance is for (Asia/Shanghai)' }) asOf!: string;
  @ApiProperty({ enum: ['ok', 'insufficient'], description: 'insufficient = 可比成交不足: fewer comparables than method.minComparables, no range given' })
  status!: 'ok' | 'insufficient';
  @ApiProperty({ nullable: true, type: String, description: 'fen: weighted 25th percentile' }) lowFen!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'fen: weighted median' }) pointFen!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'fen: weighted 75th percentile' }) highFen!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Kish effective number of comparables, (Σw)²/Σw²' }) effectiveCount!: number | null;
  @ApiProperty({ type: PriceGuidanceSubjectDto }) subject!: PriceGuidanceSubjectDto;
  @ApiProperty({ type: [PriceComparableDto], description: 'the most similar first' }) comparables!: PriceComparableDto[];
  @ApiProperty({ type: PriceGuidanceMethodDto }) method!: PriceGuidanceMethodDto;
}
