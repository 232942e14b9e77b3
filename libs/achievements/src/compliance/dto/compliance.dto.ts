import { ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { IsLocalDate, Omittable } from '@zjp/platform';

export class RunScanDto {
  @ApiPropertyOptional({ example: '2026-11-25', description: 'the Asia/Shanghai date to apply P-2Y / P-3Y for; today when absent' })
  @Omittable()
  @IsLocalDate()
  date?: string;
}

export class RegistryReportQuery {
  @ApiPropertyOptional({ description: 'administrators: one holder' })
  @Omittable()
  @Matches(/^[0-9a-f-]{36}$/i, { message: 'holderId must be a UUID' })
  holderId?: string;
}

export type { HolderRegistryRow } from '../../achievements/achievements.repository';
