import { ApiProperty } from '@nestjs/swagger';
import { IsLocalDate } from '@zjp/platform';

export class MilestoneReachedDto {
  @ApiProperty({ example: '2026-05-01' }) @IsLocalDate() reachedOn!: string;
}
