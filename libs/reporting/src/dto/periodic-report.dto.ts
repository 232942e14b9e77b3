import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';
import { Omittable } from '@zjp/platform';

export const REPORT_KINDS = ['monthly', 'quarterly', 'annual'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export class PeriodicReportQuery {
  @ApiProperty({ enum: REPORT_KINDS, description: 'monthly 月监测, quarterly 季分析, annual 年评价' }) @IsIn(REPORT_KINDS) kind!: ReportKind;
  @ApiProperty({ example: '2026-11', description: 'monthly 2026-11, quarterly 2026-Q3, annual 2026' }) @IsString() period!: string;
}

export class GenerateReportDto extends PeriodicReportQuery {}

export class AvailableQuery {
  @ApiPropertyOptional({ enum: REPORT_KINDS }) @Omittable() @IsIn(REPORT_KINDS) kind?: ReportKind;
}

/** One figure with its comparisons. */
export class FigureDto {
  @ApiProperty({ enum: ['count', 'fen', 'percent'] }) unit!: 'count' | 'fen' | 'percent';
  @ApiProperty({ nullable: true, type: String, description: 'count, fen, or percent with two decimals; null when undefined (a rate over nothing)' })
  value!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the same figure in the previous period' }) previous!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the same figure in the same period a year before' }) yearAgo!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'counts and fen: (value − previous) ÷ previous in percent; percents: value − previous in percentage points; two decimals, half-up; null when not defined',
  })
  changeVsPrevious!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'as changeVsPrevious, against the same period a year before' }) changeVsYearAgo!: string | null;
}

export class ReportFiguresDto {
  @ApiProperty({ type: FigureDto, description: 'listings created' }) listings!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'themed sessions held (starting in the period); overall and by theme only' }) auctionsHeld!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'lots brought under the hammer (closed sold or unsold)' }) lotsOffered!: FigureDto;
  @ApiProperty({ type: FigureDto }) lotsSold!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'lots sold ÷ lots offered' }) sellThroughRate!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'hammer total ÷ starting total − 1, over the lots sold' }) premiumRate!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'sum of starting prices of the lots sold' }) soldStartFen!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'sum of hammer prices of the lots sold' }) soldHammerFen!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'deals concluded (auction, fixed price, negotiated)' }) deals!: FigureDto;
  @ApiProperty({ type: FigureDto }) dealValueFen!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'contracts registered (认定登记) in the period' }) contractsRegistered!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'contract value registered' }) contractValueFen!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'contract payments received, net of refunds' }) contractPaidFen!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'subsidies approved in the period' }) subsidyApprovedFen!: FigureDto;
  @ApiProperty({ type: FigureDto, description: 'subsidies paid in the period' }) subsidyPaidFen!: FigureDto;
}

export class BreakdownRowDto {
  @ApiProperty({ example: 'new_materials' }) key!: string;
  @ApiProperty({ example: '新材料' }) label!: string;
  @ApiProperty({ type: ReportFiguresDto }) figures!: ReportFiguresDto;
}

export class ReportBreakdownsDto {
  @ApiProperty({ type: [BreakdownRowDto], description: 'by technical field' }) field!: BreakdownRowDto[];
  @ApiProperty({ type: [BreakdownRowDto], description: "by the holder's city (region code)" }) region!: BreakdownRowDto[];
  @ApiProperty({ type: [BreakdownRowDto], description: 'by holder type (university, institute, enterprise lab)' }) holderType!: BreakdownRowDto[];
  @ApiProperty({ type: [BreakdownRowDto], description: "by themed session's theme (none: not auctioned in a session)" }) theme!: BreakdownRowDto[];
}

export class TrendPointDto {
  @ApiProperty({ example: '2026-11' }) month!: string;
  @ApiProperty() listings!: number;
  @ApiProperty() lotsSold!: number;
  @ApiProperty() deals!: number;
  @ApiProperty() dealValueFen!: string;
  @ApiProperty() contractValueFen!: string;
}

export class PeriodicReportDto {
  @ApiProperty({ enum: REPORT_KINDS }) kind!: ReportKind;
  @ApiProperty({ example: '2026-11' }) period!: string;
  @ApiProperty({ example: '2026-11 月监测' }) title!: string;
  @ApiProperty({ example: '2026-11-01' }) from!: string;
  @ApiProperty({ example: '2026-11-30' }) to!: string;
  @ApiProperty({ example: '2026-10' }) previousPeriod!: string;
  @ApiProperty({ example: '2025-11' }) yearAgoPeriod!: string;
  @ApiProperty() generatedAt!: string;
  @ApiProperty({ enum: ['schedule', 'request'] }) generatedBy!: string;
  @ApiProperty({ description: 'SHA-256 of the report content, printed on every PDF page' }) sha256!: string;
  @ApiProperty({ type: ReportFiguresDto }) overall!: ReportFiguresDto;
  @ApiProperty({ type: ReportBreakdownsDto }) breakdowns!: ReportBreakdownsDto;
  @ApiProperty({ type: [TrendPointDto], description: 'month by month over the period, and the eleven months before it' }) trend!: TrendPointDto[];
}

export class AvailableReportDto {
  @ApiProperty({ enum: REPORT_KINDS }) kind!: ReportKind;
  @ApiProperty() period!: string;
  @ApiProperty() title!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() generatedAt!: string;
  @ApiProperty({ enum: ['schedule', 'request'] }) generatedBy!: string;
  @ApiProperty() sha256!: string;
}

export class AvailableReportsDto {
  @ApiProperty({ type: [AvailableReportDto] }) items!: AvailableReportDto[];
}
