import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsLocalDate, Omittable } from '@zjp/platform';

export const REPORT_GROUPS = ['authority', 'region', 'field', 'period'] as const;

export class SummaryQuery {
  @ApiPropertyOptional({ enum: REPORT_GROUPS, default: 'authority' }) @Omittable() @IsIn(REPORT_GROUPS) groupBy?: (typeof REPORT_GROUPS)[number];
  @ApiPropertyOptional({ enum: ['month', 'quarter', 'year'], default: 'month', description: 'with groupBy=period (月监测、季分析、年评价)' })
  @Omittable()
  @IsIn(['month', 'quarter', 'year'])
  period?: 'month' | 'quarter' | 'year';
  @ApiPropertyOptional({ example: '2026-01-01', description: 'approval date from (Asia/Shanghai)' }) @Omittable() @IsLocalDate() from?: string;
  @ApiPropertyOptional({ example: '2026-12-31' }) @Omittable() @IsLocalDate() to?: string;
}
