import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { IsFen, Omittable } from '@zjp/platform';

export class PayContractDto {
  @ApiProperty({ example: 'pm_card_visa', description: 'a Stripe PaymentMethod: card, Alipay or WeChat Pay' })
  @Matches(/^pm_\w{1,100}$/, { message: 'paymentMethod must be a Stripe PaymentMethod id (pm_…)' })
  paymentMethod!: string;
  @ApiPropertyOptional({ example: '960000', description: 'fen; default: everything owed now' }) @Omittable() @IsFen() amountFen?: string;
  @ApiProperty({ description: 'the same key returns the same payment (never a second charge)' }) @IsString() @Length(8, 100) idempotencyKey!: string;
  @ApiPropertyOptional({ example: 'instalment:2' }) @Omittable() @IsString() @Length(1, 60) item?: string;
}
