import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { IsFen, Omittable } from '@zjp/platform';
import { AppraisalDto } from './appraisal.dto';

export class CreateListingDto {
  @ApiProperty() @IsUUID() achievementId!: string;
  @ApiProperty({ enum: ['fixed_price', 'negotiated'], description: '挂牌 (a public notice, then a sale or an auction among those interested) or 协议定价' })
  @IsIn(['fixed_price', 'negotiated'])
  mode!: 'fixed_price' | 'negotiated';
  @ApiProperty({ enum: ['transfer', 'license', 'equity'] }) @IsIn(['transfer', 'license', 'equity']) dealType!: string;
  @ApiPropertyOptional({ enum: ['exclusive', 'sole', 'ordinary'] }) @Omittable() @IsIn(['exclusive', 'sole', 'ordinary']) licenseType?: string;
  @ApiPropertyOptional({ example: '80000000', description: 'fixed_price: the listed price in fen' }) @Omittable() @IsFen() priceFen?: string;
  @ApiPropertyOptional({ default: 10, description: 'fixed_price: working days of public notice' }) @Omittable() @IsInt() @Min(1) @Max(60) noticeDays?: number;
  @ApiPropertyOptional({ type: AppraisalDto, description: '资产评估 (P-PRICE): the appraisal report, shown to buyers beside the price' })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => AppraisalDto)
  appraisal?: AppraisalDto;
}

/** POST /listings: the new listing and, for 挂牌, when its notice period ends. */
export class ListingCreatedDto {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'fixed_price: the end of the public notice (working days)' })
  noticeEndsAt!: string | null;
  @ApiProperty({ description: 'the notice reaches a year whose official working-day calendar is not loaded yet: the end may move' })
  noticeProvisional!: boolean;
  @ApiProperty({ type: [Number] }) provisionalYears!: number[];
}

export class DeclareIntentDto {
  @ApiPropertyOptional({ example: '我司拟受让该成果用于新产线' }) @Omittable() @IsString() @Length(0, 2000) statement?: string;
}

export class AgreementDto {
  @ApiProperty() @IsUUID() enterpriseId!: string;
  @ApiProperty({ example: '60000000' }) @IsFen() priceFen!: string;
}

export class DefaultDto {
  @ApiProperty({ example: '成交后未在规定期限内签订合同' }) @IsString() @Length(1, 2000) reason!: string;
}

export type ListingConclusion =
  | { outcome: 'sold'; dealId: string; buyerId: string }
  | { outcome: 'auction'; lotId: string; bidders: number }
  | { outcome: 'no_intent' }
  | { outcome: 'not_due' | 'already_concluded' | 'not_fixed_price' };

export class IntentDto {
  @ApiProperty() id!: string;
  @ApiProperty() organizationId!: string;
  @ApiProperty({ description: 'the enterprise that declared it' }) name!: string;
  @ApiProperty() statement!: string;
  @ApiProperty({ format: 'date-time' }) declaredAt!: string;
}

/** A bidder registered for the lot of a listing, as its holder sees it: the pseudonym, never the enterprise. */
export class ListingBidderDto {
  @ApiProperty() paddleNumber!: number;
  @ApiProperty({ example: '竞买人 07' }) pseudonym!: string;
  @ApiProperty({ description: 'registered at the auction hall by the operator (floor bidder)' }) offline!: boolean;
  @ApiProperty({ enum: ['pending', 'held', 'failed', 'released', 'applied', 'forfeited'] }) depositStatus!: string;
}

/** GET /listings/:id/bidders: the bidders registered for the listing's lot (none without a lot). */
export class ListingBidderPageDto {
  @ApiProperty({ nullable: true, type: String, description: 'the lot of the listing; null when it has none' }) lotId!: string | null;
  @ApiProperty({ type: [ListingBidderDto] }) items!: ListingBidderDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class IntentPageDto {
  @ApiProperty({ type: [IntentDto] }) items!: IntentDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
