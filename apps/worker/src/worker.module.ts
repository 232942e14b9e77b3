import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@zjp/database';
import { IdentityModule } from '@zjp/identity';
import { AppConfig, LoggingModule, PlatformConfigModule, QUEUES, RedisConnectionFactory, RedisModule } from '@zjp/platform';
import { AchievementsModule } from '@zjp/achievements';
import { ComplianceProcessor } from './processors/compliance.processor';
import { MaintenanceProcessor } from './processors/maintenance.processor';
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
        BullModule.forRootAsync({
          inject: [RedisConnectionFactory],
          useFactory: (redis: RedisConnectionFactory) => ({ connection: redis.create('bullmq-worker'), prefix: `${redis.prefix}bull` }),
        }),
        BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name }))),
        IdentityModule,
        AchievementsModule,
      ],
      providers: [MaintenanceProcessor, ComplianceProcessor, ...(options.schedule === false ? [] : [SchedulerService])],
    };
  }
}
