import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES, RedisConnectionFactory } from '@zjp/platform';

/** The API's side of BullMQ: producers only. Processors are registered in apps/worker. */
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
export class QueuesModule {}
