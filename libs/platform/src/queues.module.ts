import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { QUEUES } from './queues';
import { RedisConnectionFactory } from './redis/redis-connection.factory';

/** The API's side of BullMQ: producers only, injectable anywhere. Processors are registered in apps/worker. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [RedisConnectionFactory],
      useFactory: (redis: RedisConnectionFactory) => ({
        connection: redis.create('bullmq'),
        prefix: `${redis.prefix}bull`,
      }),
    }),
    BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name }))),
  ],
  exports: [BullModule],
})
export class QueueProducersModule {}
