import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsFen } from '@zjp/platform';

export class RoyaltyReportDto {
  @ApiProperty({ description: 'the royalty period, numbered from 1 over the licence term' }) @IsInt() @Min(1) @Max(1200) periodIndex!: number;
  @ApiProperty({ example: '250000000', description: "the licensee's sales in the period, fen" }) @IsFen() salesFen!: string;
}
