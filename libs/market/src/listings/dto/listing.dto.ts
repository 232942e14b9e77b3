import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { IsFen, Omittable } from '@zjp/platform';

export class SetPriceDto {
  @ApiProperty({ example: '80000000', description: 'fen' }) @IsFen() priceFen!: string;
}

export class WithdrawListingDto {
  @ApiProperty() @IsString() @Length(1, 2000) reason!: string;
}

export class ListListingsQuery {
  @ApiPropertyOptional() @Omittable() @Matches(/^[0-9a-f-]{36}$/i, { message: 'achievementId must be a UUID' }) achievementId?: string;
}

export interface ListingView {
  id: string;
  achievementId: string;
  holderId: string;
  mode: string;
  forced: boolean;
  ruleClause: string | null;
  priceFen: string | null;
  priceDeadline: string | null;
  status: string;
  statusReason: string | null;
  createdAt: string;
  lotId: string | null;
}
