import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { Omittable, PageQuery } from '@zjp/platform';

export class ComplianceDashboardQuery extends PageQuery {
  @ApiPropertyOptional({
    example: '330100',
    description: 'GB/T 2260 code: holders of this region and its sub-regions. An authority: its own region when absent, and only regions within it',
  })
  @Omittable()
  @Matches(/^[1-9]\d{5}$/, { message: 'region must be a 6-digit GB/T 2260 code' })
  region?: string;
}

export class ComplianceCountsDto {
  @ApiProperty({ description: 'P-REG: registered within 30 days of obtaining' }) registeredOnTime!: number;
  @ApiProperty({ description: 'P-REG: registered after the 30 days (late)' }) registeredLate!: number;
  @ApiProperty({ description: 'P-REG: not registered, still within the 30 days' }) registrationPending!: number;
  @ApiProperty({ description: 'P-REG: not registered, past the 30 days (overdue)' }) overdueUnregistered!: number;
  @ApiProperty({ description: 'P-2Y: on the use-first list (先用后转)' }) useFirst!: number;
  @ApiProperty({ description: 'P-3Y: idle 3 full years, may be licensed free of charge' }) freeLicenseEligible!: number;
  @ApiProperty({ description: 'P-2Y/P-3Y suspended by an approved justified reason' }) suspended!: number;
  @ApiProperty({ description: 'justified reasons (正当理由) awaiting review' }) justificationsPending!: number;
  @ApiProperty({ description: 'justified reasons approved and still in force today' }) justificationsApproved!: number;
}

export class ComplianceHolderRowDto extends ComplianceCountsDto {
  @ApiProperty() holderId!: string;
  @ApiProperty() holderName!: string;
  @ApiProperty({ enum: ['university', 'institute', 'enterprise_lab'] }) holderKind!: string;
  @ApiProperty({ example: '330106' }) regionCode!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-10-01', description: 'the earliest P-REG deadline missed by an unregistered achievement' })
  oldestMissedDeadline!: string | null;
}

export class ComplianceDashboardDto {
  @ApiProperty({ nullable: true, type: String, description: 'the region shown; null: every region (platform administrator)' }) region!: string | null;
  @ApiProperty({ example: '2026-12-06', description: 'the Asia/Shanghai date the figures are computed on' }) asOf!: string;
  @ApiProperty({ type: ComplianceCountsDto, description: 'over every holder of the region' }) totals!: ComplianceCountsDto;
  @ApiProperty({
    type: [ComplianceHolderRowDto],
    description: 'holders needing attention first (overdue + late + use-first + P-3Y + pending justifications), then by name',
  })
  items!: ComplianceHolderRowDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
