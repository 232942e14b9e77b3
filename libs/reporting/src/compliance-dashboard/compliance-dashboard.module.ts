import { Module } from '@nestjs/common';
import { ComplianceDashboardController } from './compliance-dashboard.controller';
import { ComplianceDashboardService } from './compliance-dashboard.service';

/** The authorities' compliance dashboard (P-REG, P-2Y, P-3Y). */
@Module({ controllers: [ComplianceDashboardController], providers: [ComplianceDashboardService] })
export class ReportingComplianceDashboardModule {}
