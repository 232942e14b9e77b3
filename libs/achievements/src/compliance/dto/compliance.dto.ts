import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { IsLocalDate, Omittable, PageQuery } from '@zjp/platform';

export class RunScanDto {
  @ApiPropertyOptional({ example: '2026-11-25', description: 'the Asia/Shanghai date to apply P-2Y / P-3Y for; today when absent' })
  @Omittable()
  @IsLocalDate()
  date?: string;
}

export const REGISTRY_SORTS = ['name', 'late', 'overdueUnregistered', 'useFirst', 'freeLicenseEligible'] as const;

export class RegistryReportQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'administrators: one holder' })
  @Omittable()
  @Matches(/^[0-9a-f-]{36}$/i, { message: 'holderId must be a UUID' })
  holderId?: string;

  @ApiPropertyOptional({ enum: REGISTRY_SORTS, default: 'name', description: 'by name, or the holders with the most of one count first' })
  @Omittable()
  @IsIn(REGISTRY_SORTS)
  sort?: (typeof REGISTRY_SORTS)[number];
}

/** P-REG and the idle-IP rules' counts for one holder (as of today, Asia/Shanghai). */
export class HolderRegistryRowDto {
  @ApiProperty() holderId!: string;
  @ApiProperty() holderName!: string;
  @ApiProperty({ description: 'registered within 30 days of obtaining' }) onTime!: number;
  @ApiProperty({ description: 'registered after the 30 days' }) late!: number;
  @ApiProperty({ description: 'not registered, still within the 30 days' }) pending!: number;
  @ApiProperty({ description: 'not registered, past the 30 days' }) overdueUnregistered!: number;
  @ApiProperty({ description: 'on the use-first list (P-2Y)' }) useFirst!: number;
  @ApiProperty({ description: 'eligible for a free licence (P-3Y)' }) freeLicenseEligible!: number;
  @ApiProperty({ description: 'rules suspended (a justified reason approved)' }) suspended!: number;
}

export class HolderRegistryPageDto {
  @ApiProperty({ type: [HolderRegistryRowDto] }) items!: HolderRegistryRowDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export type { HolderRegistryRow } from '../../achievements/achievements.repository';

export class ScanStartedDto {
  @ApiProperty() jobId!: string;
  @ApiProperty({ example: '2026-11-25' }) date!: string;
  @ApiProperty({ description: 'another date than today: nothing is written' }) preview!: boolean;
}

export class ScanStatusDto {
  @ApiProperty() jobId!: string;
  @ApiProperty({ example: 'completed', description: 'waiting, active, completed, failed…' }) state!: string;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description:
      'when completed: scanDate, examined, changed, transitions; a preview adds counts (listed, eligible, suspended, released) and achievements by holder (an authority: its region only)',
  })
  result!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) failedReason!: string | null;
}
