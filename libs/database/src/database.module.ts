import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@zjp/platform';
import { dataSourceOptions } from './data-source-options';
import { DomainEventHandlers } from './outbox/event-handlers';
import { Outbox } from './outbox/outbox';
import { TransactionRunner } from './transaction-runner';

/** PostgreSQL through TypeORM. Each context registers its own entities with TypeOrmModule.forFeature. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.DATABASE_URL),
          autoLoadEntities: true,
          retryAttempts: 3,
          retryDelay: 1000,
        }),
      ],
      providers: [TransactionRunner, DomainEventHandlers, Outbox],
      exports: [TransactionRunner, DomainEventHandlers, Outbox],
    };
  }
}
