import { Module } from '@nestjs/common';
import { FactsRefreshService } from './facts/facts-refresh.service';
import { ActivityIndexService } from './index-series/activity-index.service';
import { PeriodicReportsService } from './periodic/periodic-reports.service';
import { ReportExportsService } from './periodic/report-exports.service';
import { ScheduledReportsService } from './periodic/scheduled-reports.service';
import { ReportsController } from './reports.controller';

const services = [FactsRefreshService, ActivityIndexService, PeriodicReportsService, ReportExportsService, ScheduledReportsService];

/**
 * Market figures (P-MKT): services only, for the worker (refresh, daily index, scheduled reports)
 * and the API. Reads the other contexts through their published read models only.
 */
@Module({ providers: services, exports: services })
export class ReportingModule {}

/** The HTTP surface, for the API process. */
@Module({ imports: [ReportingModule], controllers: [ReportsController] })
export class ReportingApiModule {}
