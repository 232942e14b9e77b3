import { Body, Controller, Get, HttpCode, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { OrgScope, Public, Roles } from '@zjp/platform';
import type { Response } from 'express';
import { ActivityIndexDto, ActivityIndexQuery } from './dto/activity-index.dto';
import { AvailableQuery, AvailableReportsDto, GenerateReportDto, PeriodicReportDto, PeriodicReportQuery } from './dto/periodic-report.dto';
import { ActivityIndexService } from './index-series/activity-index.service';
import { PeriodicReportsService } from './periodic/periodic-reports.service';
import { ReportExportsService } from './periodic/report-exports.service';

/**
 * The market's published figures (P-MKT): the 技术交易活跃指数 and the 月监测、季分析、年评价. Both are
 * public: the market publishes them (POLICY P-MKT), they are aggregates over the summary tables and
 * name no party, only technical fields, regions, holder types and session themes. Generating a report
 * on demand is the operator's (platform_admin); the worker generates them on schedule.
 */
@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly index: ActivityIndexService,
    private readonly reports: PeriodicReportsService,
    private readonly exports: ReportExportsService,
  ) {}

  @Public()
  @OrgScope.none()
  @Get('activity-index')
  @ApiOkResponse({ type: ActivityIndexDto })
  activityIndex(@Query() query: ActivityIndexQuery): Promise<ActivityIndexDto> {
    return this.index.series(query);
  }

  @Public()
  @OrgScope.none()
  @Get('periodic/available')
  @ApiOkResponse({ type: AvailableReportsDto })
  available(@Query() query: AvailableQuery): Promise<AvailableReportsDto> {
    return this.reports.available(query.kind);
  }

  @Public()
  @OrgScope.none()
  @Get('periodic')
  @ApiOkResponse({ type: PeriodicReportDto })
  get(@Query() query: PeriodicReportQuery): Promise<PeriodicReportDto> {
    return this.reports.get(query.kind, query.period);
  }

  /** Generates (or regenerates) one report now from the summary tables, after an incremental refresh. */
  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post('periodic/generate')
  @HttpCode(200)
  @ApiOkResponse({ type: PeriodicReportDto })
  generate(@Body() body: GenerateReportDto): Promise<PeriodicReportDto> {
    return this.reports.generate(body.kind, body.period, 'request');
  }

  @Public()
  @OrgScope.none()
  @Get('periodic/export.xlsx')
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async xlsx(@Query() query: PeriodicReportQuery, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const report = await this.reports.get(query.kind, query.period);
    const body = await this.exports.xlsx(report);
    res.set({
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': `attachment; filename="report-${report.kind}-${report.period}.xlsx"`,
      'X-Content-SHA256': report.sha256,
    });
    return new StreamableFile(body);
  }

  @Public()
  @OrgScope.none()
  @Get('periodic/export.pdf')
  @ApiProduces('application/pdf')
  async pdf(@Query() query: PeriodicReportQuery, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const report = await this.reports.get(query.kind, query.period);
    const body = await this.exports.pdf(report);
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="report-${report.kind}-${report.period}.pdf"`,
      'X-Content-SHA256': report.sha256,
    });
    return new StreamableFile(body);
  }
}
