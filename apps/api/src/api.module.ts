import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { DatabaseModule } from '@zjp/database';
import { IdentityApiModule } from '@zjp/identity';
import {
  AppConfig,
  HealthModule,
  HttpMetricsMiddleware,
  LoggingModule,
  MetricsModule,
  PlatformConfigModule,
  QueueProducersModule,
  RedisModule,
  RequestBodyMiddleware,
  RateLimitModule,
} from '@zjp/platform';
import { RealtimeModule } from '@zjp/realtime';
import { AnnouncementsController } from './realtime/announcements.controller';
import { LotsGateway } from './realtime/lots.gateway';
import { LotWatchers } from './realtime/lot-watchers';
import { LiveFeedController } from './realtime/live-feed.controller';
import { AchievementsApiModule } from '@zjp/achievements';
import { MarketApiModule } from '@zjp/market';
import { PaymentsApiModule } from '@zjp/payments';
import { ContractsApiModule } from '@zjp/contracts';
import { SubsidiesApiModule } from '@zjp/subsidies';
import { BrokerageApiModule } from '@zjp/brokerage';
import { ReportingApiModule, ReportingComplianceDashboardModule, ReportingRankingsModule } from '@zjp/reporting';
import { runInRequestScope } from '@zjp/database';
import type { NextFunction, Request, Response } from 'express';
import { webAppModules } from './web-app';

@Module({})
export class ApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // a scope per request first: a broker acting under a mandate is named in the audit entries written while it runs
    consumer
      .apply((_req: Request, _res: Response, next: NextFunction) => runInRequestScope(next), HttpMetricsMiddleware, RequestBodyMiddleware)
      .forRoutes({ path: '*path', method: RequestMethod.ALL });
  }

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        PlatformConfigModule.forRoot(config),
        LoggingModule.forRoot(config, 'api'),
        RedisModule,
        RateLimitModule,
        DatabaseModule.forRoot(config),
        QueueProducersModule,
        RealtimeModule,
        HealthModule,
        MetricsModule,
        IdentityApiModule,
        AchievementsApiModule,
        MarketApiModule,
        PaymentsApiModule,
        ContractsApiModule,
        SubsidiesApiModule,
        BrokerageApiModule,
        ReportingRankingsModule,
        ReportingComplianceDashboardModule,
        ReportingApiModule,
        ...webAppModules(),
      ],
      controllers: [AnnouncementsController, LiveFeedController],
      providers: [LotsGateway, LotWatchers],
    };
  }
}
