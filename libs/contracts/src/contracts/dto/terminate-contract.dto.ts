import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { type TerminationKind } from '../contracts.service';

export class TerminateContractDto {
  @ApiProperty({ enum: ['buyer_default', 'mutual', 'withdrawn', 'other'] }) @IsIn(['buyer_default', 'mutual', 'withdrawn', 'other']) kind!: TerminationKind;
  @ApiProperty({ example: '成交后未在规定期限内签订合同' }) @IsString() @Length(1, 2000) reason!: string;
}
