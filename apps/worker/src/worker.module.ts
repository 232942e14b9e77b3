import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@zjp/database';
import { IdentityModule } from '@zjp/identity';
import { AppConfig, LoggingModule, PlatformConfigModule, RedisModule, WorkerQueuesModule } from '@zjp/platform';
import { AchievementsModule } from '@zjp/achievements';
import { ContractsModule } from '@zjp/contracts';
import { MarketModule } from '@zjp/market';
import { PaymentsModule, StripeEventsProcessor } from '@zjp/payments';
import { RealtimeModule } from '@zjp/realtime';
import { SubsidiesModule } from '@zjp/subsidies';
import { ReportingModule } from '@zjp/reporting';
import { ReportingProcessor } from './processors/reporting.processor';
import { AuctionsProcessor } from './processors/auctions.processor';
import { ComplianceProcessor } from './processors/compliance.processor';
import { ContractsProcessor } from './processors/contracts.processor';
import { EventsProcessor } from './processors/events.processor';
import { MaintenanceProcessor } from './processors/maintenance.processor';
import { SubsidiesProcessor } from './processors/subsidies.processor';
import { SchedulerService } from './scheduler.service';

/** BullMQ processors. Run as many copies as needed: every job is idempotent. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, options: { schedule?: boolean } = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformConfigModule.forRoot(config),
        LoggingModule.forRoot(config, 'worker'),
        RedisModule,
        DatabaseModule.forRoot(config),
        WorkerQueuesModule,
        IdentityModule,
        AchievementsModule,
        RealtimeModule,
        PaymentsModule,
        MarketModule,
        ContractsModule,
        SubsidiesModule,
        ReportingModule,
      ],
      providers: [
        MaintenanceProcessor,
        ComplianceProcessor,
        AuctionsProcessor,
        StripeEventsProcessor,
        ContractsProcessor,
        SubsidiesProcessor,
        EventsProcessor,
        ReportingProcessor,
        ...(options.schedule === false ? [] : [SchedulerService]),
      ],
    };
  }
}
