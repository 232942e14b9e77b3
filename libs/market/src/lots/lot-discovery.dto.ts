import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID, Matches } from 'class-validator';
import { Omittable, PageQuery } from '@zjp/platform';

/**
 * The technical field codes of achievements (the achievements context's TECHNICAL_FIELDS, which
 * the market cannot import: achievements depends on the market). A spec in libs/achievements
 * keeps the two lists equal.
 */
export const LOT_TECHNICAL_FIELDS = ['internet_plus', 'life_health', 'new_materials', 'other'] as const;

export const LOT_PHASES = ['live', 'upcoming', 'closed'] as const;
export type LotPhase = (typeof LOT_PHASES)[number];

/** GET /lots: lot discovery. */
export class DiscoverLotsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LOT_PHASES, description: 'live: open now; upcoming: starts later; closed: closed (sold or unsold) or past its end' })
  @Omittable()
  @IsIn(LOT_PHASES)
  status?: LotPhase;

  @ApiPropertyOptional({ format: 'uuid', description: 'the themed session (专场)' }) @Omittable() @IsUUID() sessionId?: string;

  @ApiPropertyOptional({ enum: LOT_TECHNICAL_FIELDS, description: "the achievement's technical field" })
  @Omittable()
  @IsIn(LOT_TECHNICAL_FIELDS)
  field?: (typeof LOT_TECHNICAL_FIELDS)[number];

  @ApiPropertyOptional({ example: '330100', description: "the holder's region (GB/T 2260); a city or province code covers its counties" })
  @Omittable()
  @Matches(/^[1-9]\d{5}$/, { message: 'region must be a 6-digit GB/T 2260 code' })
  region?: string;
}

export class LotHolderDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '330106' }) regionCode!: string;
}

/** A lot as a list shows it: never the reserve price, only whether there is one. */
export class LotCardDto {
  @ApiProperty() id!: string;
  @ApiProperty() achievementId!: string;
  @ApiProperty({ description: "the achievement's title" }) title!: string;
  @ApiProperty({ enum: LOT_TECHNICAL_FIELDS }) technicalField!: string;
  @ApiProperty({ type: LotHolderDto }) holder!: LotHolderDto;
  @ApiProperty({ nullable: true, type: String }) sessionId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "the session's name" }) sessionTitle!: string | null;
  @ApiProperty({ enum: ['transfer', 'license', 'equity'] }) dealType!: string;
  @ApiProperty({ nullable: true, enum: ['exclusive', 'sole', 'ordinary'], type: String }) licenseType!: string | null;
  @ApiProperty({ example: '10000000', description: 'fen' }) startingPriceFen!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the leading bid in fen; null before the first bid' }) currentFen!: string | null;
  @ApiProperty() bidCount!: number;
  @ApiProperty({ description: 'fen' }) depositFen!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', description: 'including anti-sniping extensions' }) endsAt!: string;
  @ApiProperty({ enum: ['scheduled', 'open', 'closed'], description: "the lot's effective state, as GET /lots/:id gives it" }) status!: string;
  @ApiProperty({ description: 'run live by an auctioneer' }) live!: boolean;
  @ApiProperty({ description: 'whether a hidden reserve price is set (never the price itself)' }) reservePresent!: boolean;
  @ApiProperty({ enum: ['sold', 'unsold'], nullable: true, type: String, description: 'the outcome, once closed' }) result!: 'sold' | 'unsold' | null;
  @ApiProperty({ nullable: true, type: String, description: 'fen; the hammer price of a sold lot' }) hammerPriceFen!: string | null;
}

export class LotPageDto {
  @ApiProperty({ type: [LotCardDto] }) items!: LotCardDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
