import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
  Matches,
} from 'class-validator';
import { IsFen, Omittable } from '@zjp/platform';
import { AppraisalDto } from '../listings/dto/appraisal.dto';

export class LadderBandDto {
  @ApiProperty({ example: '0' }) @IsFen() fromFen!: string;
  @ApiProperty({ example: '100000' }) @IsFen() incrementFen!: string;
}

export class IncrementDto {
  @ApiProperty({ enum: ['fixed', 'ladder'] }) @IsIn(['fixed', 'ladder']) kind!: 'fixed' | 'ladder';
  @ApiPropertyOptional({ example: '100000', description: 'fixed: the raise in fen' }) @Omittable() @IsFen() amountFen?: string;
  @ApiPropertyOptional({ type: [LadderBandDto], description: 'ladder: the raise by price band (the band of the current price applies)' })
  @Omittable()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => LadderBandDto)
  bands?: LadderBandDto[];
}

export class CreateAuctionDto {
  @ApiProperty() @IsUUID() achievementId!: string;
  @ApiProperty({ enum: ['transfer', 'license', 'equity'] }) @IsIn(['transfer', 'license', 'equity']) dealType!: 'transfer' | 'license' | 'equity';
  @ApiPropertyOptional({ enum: ['exclusive', 'sole', 'ordinary'] }) @Omittable() @IsIn(['exclusive', 'sole', 'ordinary']) licenseType?:
    'exclusive' | 'sole' | 'ordinary';
  @ApiProperty({ example: '10000000' }) @IsFen() startingPriceFen!: string;
  @ApiPropertyOptional({ example: '20000000', description: 'hidden minimum; never shown to bidders' }) @Omittable() @IsFen() reservePriceFen?: string;
  @ApiProperty({ type: IncrementDto }) @IsObject() @ValidateNested() @Type(() => IncrementDto) increment!: IncrementDto;
  @ApiProperty({ example: '1000000' }) @IsFen() depositFen!: string;
  @ApiProperty({ example: '2026-12-01T02:00:00Z' }) @IsDateString({ strict: true }) startsAt!: string;
  @ApiProperty({ example: '2026-12-01T04:00:00Z' }) @IsDateString({ strict: true }) endsAt!: string;
  @ApiPropertyOptional({ default: 5, description: 'anti-sniping: a bid in the last N minutes moves the end to now + N' })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(60)
  extensionMinutes?: number;
  @ApiPropertyOptional({ description: 'cap on the total extension, in minutes' }) @Omittable() @IsInt() @Min(0) @Max(24 * 60) extensionCapMinutes?: number;
  @ApiPropertyOptional({ default: true }) @Omittable() @IsBoolean() proxyAllowed?: boolean;
  @ApiPropertyOptional() @Omittable() @IsUUID() sessionId?: string;
  @ApiPropertyOptional({ description: 'run live by an auctioneer (floor bids, hammer)' }) @Omittable() @IsBoolean() live?: boolean;
  @ApiPropertyOptional({ type: AppraisalDto, description: '资产评估 (P-PRICE): the appraisal report, shown to bidders beside the starting price' })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => AppraisalDto)
  appraisal?: AppraisalDto;
}

export class RegisterBidderDto {
  @ApiPropertyOptional({ example: 'pm_card_visa', description: 'Stripe payment method for the deposit hold (card, Alipay, WeChat Pay)' })
  @Omittable()
  @IsString()
  @Matches(/^pm_\w{1,100}$/, { message: 'paymentMethod must be a Stripe PaymentMethod id (pm_…)' })
  paymentMethod?: string;
}

export class OfflineRegistrationDto {
  @ApiProperty() @IsUUID() organizationId!: string;
  @ApiProperty({ example: 'ICBC-20261125-0001', description: 'bank reference of the deposit received by transfer (对公转账)' })
  @IsString()
  @Length(3, 100)
  bankReference!: string;
}

export class PlaceBidDto {
  @ApiProperty({ example: '10100000' }) @IsFen() amountFen!: string;
  @ApiPropertyOptional({ example: '15000000', description: 'proxy maximum: the engine bids for you by the minimum increment up to it' })
  @Omittable()
  @IsFen()
  maxFen?: string;
  @ApiProperty({
    example: '0193a3f0-7c4e-7a1b-9c2d-3e4f5a6b7c8d',
    description: 'required: one key per bid, chosen by the client (a UUID); a resend with the same key after a lost answer gets the first answer',
  })
  @IsString()
  @Length(1, 100)
  idempotencyKey!: string;
}

export class SocketBidDto extends PlaceBidDto {
  @ApiProperty() @IsUUID() lotId!: string;
}

export class FloorBidDto {
  @ApiProperty({ example: 12 }) @IsInt() @Min(1) @Max(100000) paddleNumber!: number;
  @ApiProperty({ example: '10200000' }) @IsFen() amountFen!: string;
}

export class CallDto {
  @ApiProperty({ enum: ['going_once', 'going_twice'] }) @IsIn(['going_once', 'going_twice']) call!: 'going_once' | 'going_twice';
}

export class BidsQuery {
  @ApiPropertyOptional({ default: 0 }) @Omittable() @Type(() => Number) @IsInt() @Min(0) afterSeq = 0;
  @ApiPropertyOptional({ default: 500 }) @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(5000) limit = 500;
}

export class WithdrawLotDto {
  @ApiProperty({ example: '权利人撤回委托', description: 'why the lot is withdrawn (撤拍理由), kept in the audit log' })
  @IsString()
  @Length(2, 500)
  reason!: string;
}
