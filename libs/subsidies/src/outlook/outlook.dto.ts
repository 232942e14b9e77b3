import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class OutlookMonthDto {
  @ApiProperty({ example: '2026-10', description: 'YYYY-MM, an Asia/Shanghai month' }) month!: string;
  @ApiProperty({ description: 'fen: approved, batched or paid (all of it in the first month)' }) committedFen!: string;
  @ApiProperty({ description: 'fen: applications under review (all of it in the first month)' }) pendingFen!: string;
  @ApiProperty({ description: 'fen: subsidies expected on payments falling due this month (overdue ones and unclaimed earned ones in the first month)' })
  expectedFen!: string;
  @ApiProperty({ description: 'fen: committed + pending + expected from the first month through this one' }) cumulativeFen!: string;
  @ApiProperty({ description: 'fen: budget − cumulative (negative once over budget)' }) remainingFen!: string;
}

export class OutlookExhaustionDto {
  @ApiProperty({ enum: ['already_exhausted', 'within_year', 'not_within_year'] }) status!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-11', description: 'the month the budget runs out if the pace holds' }) month!: string | null;
}

export class OutlookPolicyRefDto {
  @ApiProperty({ nullable: true, type: String, description: 'null for an unsaved draft' }) id!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty() documentNumber!: string;
  @ApiProperty({ enum: ['active', 'withdrawn', 'draft'] }) status!: string;
}

/** A policy's budget outlook from this month to the end of the year. */
export class PolicyOutlookDto {
  @ApiProperty({ type: OutlookPolicyRefDto }) policy!: OutlookPolicyRefDto;
  @ApiProperty({ example: 2026 }) year!: number;
  @ApiProperty({ example: '2026-09-15', description: 'today, Asia/Shanghai' }) today!: string;
  @ApiProperty({ description: 'fen' }) budgetFen!: string;
  @ApiProperty({ description: 'fen: approved, batched or paid' }) committedFen!: string;
  @ApiProperty({ description: 'fen: of committed, paid' }) paidFen!: string;
  @ApiProperty() committedCount!: number;
  @ApiProperty({ description: 'fen: applications submitted or reviewed (the recommendation when there is one)' }) pendingFen!: string;
  @ApiProperty() pendingCount!: number;
  @ApiProperty({ description: 'fen: expected within the year' }) expectedFen!: string;
  @ApiProperty({ description: 'fen: of expected, earned already on payments made, not yet applied for' }) expectedEarnedFen!: string;
  @ApiProperty({ description: 'fen: expected on payments due after the year (not in the months)' }) expectedLaterFen!: string;
  @ApiProperty({ description: 'fen: committed + pending + expected' }) projectedFen!: string;
  @ApiProperty({ description: 'fen: budget − committed' }) remainingFen!: string;
  @ApiProperty({ description: 'fen: budget − projected (negative: the shortfall)' }) projectedRemainingFen!: string;
  @ApiProperty({ description: 'contracts in force whose payment schedules were read' }) contractsConsidered!: number;
  @ApiProperty({ type: [OutlookMonthDto] }) months!: OutlookMonthDto[];
  @ApiProperty({ type: OutlookExhaustionDto }) exhaustion!: OutlookExhaustionDto;
}

export class AuthorityOutlookDto {
  @ApiProperty({ type: [PolicyOutlookDto] }) items!: PolicyOutlookDto[];
}

export class OutlookPreviewExtraDto {
  @ApiPropertyOptional({ type: PolicyOutlookDto }) outlook?: PolicyOutlookDto;
}
