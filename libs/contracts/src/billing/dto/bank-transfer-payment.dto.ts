import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IsFen, IsLocalDate, Omittable } from '@zjp/platform';

export class BankTransferPaymentDto {
  @ApiProperty({ example: '960000' }) @IsFen() amountFen!: string;
  @ApiProperty({ example: 'ICBC-20260301-000456' }) @IsString() @Length(1, 100) bankReference!: string;
  @ApiProperty({ example: '2026-03-01' }) @IsLocalDate() receivedOn!: string;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 60) item?: string;
}
