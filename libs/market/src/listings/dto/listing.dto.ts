import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { IsFen, Omittable, PageQuery } from '@zjp/platform';
import { AppraisalDto } from './appraisal.dto';

export class SetPriceDto {
  @ApiProperty({ example: '80000000', description: 'fen' }) @IsFen() priceFen!: string;
}

export class WithdrawListingDto {
  @ApiProperty() @IsString() @Length(1, 2000) reason!: string;
}

export class ListListingsQuery extends PageQuery {
  @ApiPropertyOptional() @Omittable() @Matches(/^[0-9a-f-]{36}$/i, { message: 'achievementId must be a UUID' }) achievementId?: string;
}

/** A listing as GET /listings and GET /listings/:id give it. */
export class ListingView {
  @ApiProperty() id!: string;
  @ApiProperty() achievementId!: string;
  @ApiProperty() holderId!: string;
  @ApiProperty({ enum: ['fixed_price', 'auction', 'negotiated'] }) mode!: string;
  @ApiProperty({ description: 'listed by the platform under P-2Y rather than by the holder' }) forced!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'the rule clause of a forced listing' }) ruleClause!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) priceFen!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-06-30', description: 'a forced listing "price to be set": the date by which the holder sets it' })
  priceDeadline!: string | null;
  @ApiProperty({ enum: ['active', 'suspended', 'withdrawn', 'closed'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) statusReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the lot of an auction listing (GET /lots/:id); null for any other mode' }) lotId!: string | null;
  @ApiProperty({ nullable: true, type: AppraisalDto, description: '资产评估 (P-PRICE): the appraisal report listed with it, if any' })
  appraisal!: AppraisalDto | null;
}

export class ListingPageDto {
  @ApiProperty({ type: [ListingView] }) items!: ListingView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export const LISTING_STATUSES = ['active', 'suspended', 'withdrawn', 'closed'] as const;

export class HolderListingsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LISTING_STATUSES }) @Omittable() @IsIn(LISTING_STATUSES) status?: (typeof LISTING_STATUSES)[number];
}

/** GET /organizations/:id/listings: one of the holder's own listings with what came of it so far. */
export class HolderListingDto {
  @ApiProperty() id!: string;
  @ApiProperty() achievementId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['fixed_price', 'auction', 'negotiated'] }) mode!: string;
  @ApiProperty() forced!: boolean;
  @ApiProperty({ enum: ['transfer', 'license', 'equity'] }) dealType!: string;
  @ApiProperty({ nullable: true, type: String }) licenseType!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'fen: the listed price, or the starting price of an auction' }) priceFen!: string | null;
  @ApiProperty({ enum: LISTING_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String }) statusReason!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: '挂牌: the end of the public notice' }) noticeEndsAt!: string | null;
  @ApiProperty() noticeProvisional!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) concludedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the newest lot of the listing, if it went to auction' }) lotId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lotStartsAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lotEndsAt!: string | null;
  @ApiProperty({ description: 'declarations of intent received' }) intents!: number;
  @ApiProperty({ description: 'bidders registered for its lot' }) bidders!: number;
  @ApiProperty({ nullable: true, type: String, description: 'the deal it concluded in, if any (its contract follows)' }) dealId!: string | null;
  @ApiProperty({ nullable: true, type: AppraisalDto }) appraisal!: AppraisalDto | null;
}

export class HolderListingPageDto {
  @ApiProperty({ type: [HolderListingDto] }) items!: HolderListingDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
