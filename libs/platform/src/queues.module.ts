import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { QUEUES } from './queues';
import { RedisConnectionFactory, type RedisPurpose } from './redis/redis-connection.factory';

/** Every queue of QUEUES on one Redis connection of the given purpose, under the deployment's prefix. */
function queueImports(purpose: Extract<RedisPurpose, 'bullmq' | 'bullmq-worker'>) {
  return [
    BullModule.forRootAsync({
      inject: [RedisConnectionFactory],
      useFactory: (redis: RedisConnectionFactory) => ({ connection: redis.create(purpose), prefix: `${redis.prefix}bull` }),
    }),
    BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name }))),
  ];
}

/** The API's side of BullMQ: producers only, injectable anywhere. Processors are registered in apps/worker. */
@Global()
@Module({ imports: queueImports('bullmq'), exports: [BullModule] })
export class QueueProducersModule {}

/**
 * The worker's queues (its own connection, as BullMQ workers block on it), visible to every module:
 * services in the contexts enqueue follow-up jobs. Tests that run processors in-process use it too.
 */
@Global()
@Module({ imports: queueImports('bullmq-worker'), exports: [BullModule] })
export class WorkerQueuesModule {}
