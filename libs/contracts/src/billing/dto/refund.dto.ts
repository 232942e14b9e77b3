import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IsFen } from '@zjp/platform';

export class RefundDto {
  @ApiProperty({ example: '60000' }) @IsFen() amountFen!: string;
  @ApiProperty({ example: '双方协商退还部分价款' }) @IsString() @Length(1, 2000) reason!: string;
  @ApiProperty() @IsString() @Length(8, 100) idempotencyKey!: string;
}
