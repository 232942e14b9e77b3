import { ApiProperty } from '@nestjs/swagger';
import { IsDateString, IsIn, IsString, Length } from 'class-validator';

export const SESSION_THEMES = ['regular', 'yangtze_delta', 'three_highlands', 'corridor', 'hightech_zone', 'other'] as const;

export class CreateSessionDto {
  @ApiProperty({ example: '2026长三角拍·新材料专场' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: SESSION_THEMES, description: '长三角拍 / 三大高地拍 / 大走廊拍 / 高新区拍' }) @IsIn(SESSION_THEMES) theme!: string;
  @ApiProperty({ enum: ['sequential', 'parallel'], description: 'sequential: live, one lot after another with an auctioneer; parallel: timed' })
  @IsIn(['sequential', 'parallel'])
  runMode!: string;
  @ApiProperty({ example: '2026-12-10T01:30:00Z' }) @IsDateString({ strict: true }) startsAt!: string;
}
