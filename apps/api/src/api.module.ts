import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@zjp/database';
import { IdentityApiModule } from '@zjp/identity';
import { AppConfig, HealthModule, LoggingModule, PlatformConfigModule, RedisModule } from '@zjp/platform';
import { RealtimeModule } from '@zjp/realtime';
import { AnnouncementsController } from './realtime/announcements.controller';
import { LotsGateway } from './realtime/lots.gateway';
import { QueuesModule } from './queues.module';
import { AchievementsApiModule } from '@zjp/achievements';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        PlatformConfigModule.forRoot(config),
        LoggingModule.forRoot(config, 'api'),
        RedisModule,
        DatabaseModule.forRoot(config),
        QueuesModule,
        RealtimeModule,
        HealthModule,
        IdentityApiModule,
        AchievementsApiModule,
      ],
      controllers: [AnnouncementsController],
      providers: [LotsGateway],
    };
  }
}
