import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { IsFen, Omittable, PageQuery } from '@zjp/platform';

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
}

export class ListingPageDto {
  @ApiProperty({ type: [ListingView] }) items!: ListingView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
