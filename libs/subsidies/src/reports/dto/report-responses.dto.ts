import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Omittable, PageQuery } from '@zjp/platform';

export class BudgetQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['active', 'withdrawn'] }) @Omittable() @IsIn(['active', 'withdrawn']) status?: string;
}

export class BudgetAuthorityDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() regionCode!: string;
}

/** One policy's budget: used (approved and not yet paid, plus paid) and left. */
export class BudgetRowDto {
  @ApiProperty() policyId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() documentNumber!: string;
  @ApiProperty({ type: BudgetAuthorityDto }) authority!: BudgetAuthorityDto;
  @ApiProperty({ enum: ['active', 'withdrawn'] }) status!: string;
  @ApiProperty({ description: 'fen' }) budgetFen!: string;
  @ApiProperty({ description: 'fen' }) reservedFen!: string;
  @ApiProperty({ description: 'fen' }) paidFen!: string;
  @ApiProperty({ description: 'fen' }) remainingFen!: string;
  @ApiProperty({ example: '12.50', description: '(reserved + paid) / budget in percent, two decimals, rounded half-up' }) usedPercent!: string;
}

export class BudgetPageDto {
  @ApiProperty({ type: [BudgetRowDto] }) items!: BudgetRowDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class SummaryRowDto {
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
  @ApiProperty() applications!: number;
  @ApiProperty() approvedFen!: string;
  @ApiProperty() paidFen!: string;
}

export class SummaryTotalDto {
  @ApiProperty() applications!: number;
  @ApiProperty() approvedFen!: string;
  @ApiProperty() paidFen!: string;
}

export class SummaryReportDto {
  @ApiProperty({ enum: ['authority', 'region', 'field', 'period'] }) groupBy!: string;
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
  @ApiProperty({ type: [SummaryRowDto] }) rows!: SummaryRowDto[];
  @ApiProperty({ type: SummaryTotalDto }) total!: SummaryTotalDto;
}
