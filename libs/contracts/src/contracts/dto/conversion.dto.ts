import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export class ConversionDto {
  @ApiProperty({ enum: ['convert', 'decline'] }) @IsIn(['convert', 'decline']) decision!: 'convert' | 'decline';
}
