import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsFen, Omittable } from '@zjp/platform';

export class CreateListingDto {
  @ApiProperty() @IsUUID() achievementId!: string;
  @ApiProperty({ enum: ['fixed_price', 'negotiated'], description: '挂牌 (a public notice, then a sale or an auction among those interested) or 协议定价' })
  @IsIn(['fixed_price', 'negotiated'])
  mode!: 'fixed_price' | 'negotiated';
  @ApiProperty({ enum: ['transfer', 'license', 'equity'] }) @IsIn(['transfer', 'license', 'equity']) dealType!: string;
  @ApiPropertyOptional({ enum: ['exclusive', 'sole', 'ordinary'] }) @Omittable() @IsIn(['exclusive', 'sole', 'ordinary']) licenseType?: string;
  @ApiPropertyOptional({ example: '80000000', description: 'fixed_price: the listed price in fen' }) @Omittable() @IsFen() priceFen?: string;
  @ApiPropertyOptional({ default: 10, description: 'fixed_price: working days of public notice' }) @Omittable() @IsInt() @Min(1) @Max(60) noticeDays?: number;
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

export class IntentPageDto {
  @ApiProperty({ type: [IntentDto] }) items!: IntentDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
