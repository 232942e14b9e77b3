import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationsModule } from '@zjp/identity';
import { Achievement } from './achievements/achievement.entity';
import { AchievementsController } from './achievements/achievements.controller';
import { AchievementsService } from './achievements/achievements.service';
import { IpRight } from './achievements/ip-right.entity';
import { CatalogueController } from './catalogue/catalogue.controller';
import { CatalogueService } from './catalogue/catalogue.service';
import { ComplianceController } from './compliance/compliance.controller';
import { IdleScanService } from './compliance/idle-scan.service';
import { RegistryReportService } from './compliance/registry-report.service';
import { FreeLicensesController } from './free-licenses/free-licenses.controller';
import { FreeLicensesService } from './free-licenses/free-licenses.service';
import { HistoryController } from './history/history.controller';
import { HistoryService } from './history/history.service';
import { RegistryImportsController } from './imports/registry-imports.controller';
import { RegistryImportsService } from './imports/registry-imports.service';
import { JustificationsController } from './justifications/justifications.controller';
import { JustificationsService } from './justifications/justifications.service';
import { TransformationsController } from './transformations/transformations.controller';
import { TransformationsService } from './transformations/transformations.service';

const services = [
  CatalogueService,
  AchievementsService,
  IdleScanService,
  JustificationsService,
  TransformationsService,
  FreeLicensesService,
  RegistryReportService,
  HistoryService,
  RegistryImportsService,
];

/** Services only: for the worker (the daily scan) and other contexts (contracts record transformations). */
@Module({
  imports: [TypeOrmModule.forFeature([Achievement, IpRight]), NotificationsModule],
  providers: services,
  exports: services,
})
export class AchievementsModule {}

/** The HTTP surface, for the API process. */
@Module({
  imports: [AchievementsModule],
  controllers: [
    CatalogueController,
    AchievementsController,
    HistoryController,
    RegistryImportsController,
    JustificationsController,
    TransformationsController,
    FreeLicensesController,
    ComplianceController,
  ],
})
export class AchievementsApiModule {}
