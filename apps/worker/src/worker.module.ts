import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DatabaseModule } from '@zjp/database';
import { IdentityModule } from '@zjp/identity';
import { AppConfig, LoggingModule, PlatformConfigModule, QUEUES, RedisConnectionFactory, RedisModule } from '@zjp/platform';
import { AchievementsModule } from '@zjp/achievements';
import { ContractsModule } from '@zjp/contracts';
import { MarketModule } from '@zjp/market';
import { PaymentsModule, StripeEventsProcessor } from '@zjp/payments';
import { RealtimeModule } from '@zjp/realtime';
import { SubsidiesModule } from '@zjp/subsidies';
import { AuctionsProcessor } from './processors/auctions.processor';
import { ComplianceProcessor } from './processors/compliance.processor';
import { ContractsProcessor } from './processors/contracts.processor';
import { MaintenanceProcessor } from './processors/maintenance.processor';
import { SubsidiesProcessor } from './processors/subsidies.processor';
import { SchedulerService } from './scheduler.service';

/** The worker's queues, visible to every module (services in the contexts enqueue follow-up jobs). */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [RedisConnectionFactory],
      useFactory: (redis: RedisConnectionFactory) => ({ connection: redis.create('bullmq-worker'), prefix: `${redis.prefix}bull` }),
    }),
    BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name }))),
  ],
  exports: [BullModule],
})
class WorkerQueuesModule {}

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
      ],
      providers: [MaintenanceProcessor, ComplianceProcessor, AuctionsProcessor, StripeEventsProcessor, ContractsProcessor, SubsidiesProcessor, ...(options.schedule === false ? [] : [SchedulerService])],
    };
  }
}
