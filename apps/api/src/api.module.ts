import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@zjp/database';
import { IdentityApiModule } from '@zjp/identity';
import { AppConfig, HealthModule, LoggingModule, PlatformConfigModule, QueueProducersModule, RedisModule } from '@zjp/platform';
import { RealtimeModule } from '@zjp/realtime';
import { AnnouncementsController } from './realtime/announcements.controller';
import { LotsGateway } from './realtime/lots.gateway';
import { AchievementsApiModule } from '@zjp/achievements';
import { MarketApiModule } from '@zjp/market';
import { PaymentsApiModule } from '@zjp/payments';
import { ContractsApiModule } from '@zjp/contracts';
import { SubsidiesApiModule } from '@zjp/subsidies';

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
        QueueProducersModule,
        RealtimeModule,
        HealthModule,
        IdentityApiModule,
        AchievementsApiModule,
        MarketApiModule,
        PaymentsApiModule,
        ContractsApiModule,
        SubsidiesApiModule,
      ],
      controllers: [AnnouncementsController],
      providers: [LotsGateway],
    };
  }
}
