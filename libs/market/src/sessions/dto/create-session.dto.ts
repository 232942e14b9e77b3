import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDateString, IsIn, IsString, Length } from 'class-validator';
import { Omittable, PageQuery } from '@zjp/platform';

export const SESSION_THEMES = ['regular', 'yangtze_delta', 'three_highlands', 'corridor', 'hightech_zone', 'other'] as const;

export class CreateSessionDto {
  @ApiProperty({ example: '2026长三角拍·新材料专场' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: SESSION_THEMES, description: '长三角拍 / 三大高地拍 / 大走廊拍 / 高新区拍' }) @IsIn(SESSION_THEMES) theme!: string;
  @ApiProperty({ enum: ['sequential', 'parallel'], description: 'sequential: live, one lot after another with an auctioneer; parallel: timed' })
  @IsIn(['sequential', 'parallel'])
  runMode!: string;
  @ApiProperty({ example: '2026-12-10T01:30:00Z' }) @IsDateString({ strict: true }) startsAt!: string;
  @ApiPropertyOptional({ default: false, description: 'create as a draft (not listed publicly) to add lots and set rules before publishing' })
  @Omittable()
  @IsBoolean()
  draft?: boolean;
}

export const SESSION_SORTS = ['startsAt', 'name', 'lotCount'] as const;

/** GET /auction-sessions/manage: every session, drafts included, filtered and sorted on the server. */
export class ManageSessionsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['draft', 'published'] }) @Omittable() @IsIn(['draft', 'published']) status?: 'draft' | 'published';
  @ApiPropertyOptional({ enum: SESSION_THEMES }) @Omittable() @IsIn(SESSION_THEMES) theme?: string;
  @ApiPropertyOptional({ enum: SESSION_SORTS, default: 'startsAt' }) @Omittable() @IsIn(SESSION_SORTS) sort?: (typeof SESSION_SORTS)[number];
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' }) @Omittable() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
}
