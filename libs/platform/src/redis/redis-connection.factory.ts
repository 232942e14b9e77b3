import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis, RedisOptions } from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';

export type RedisPurpose = 'bullmq' | 'bullmq-worker' | 'pubsub-pub' | 'pubsub-sub' | 'cache';

/**
 * The one place Redis connections are made: BullMQ, the socket.io adapter and the cache all ask
 * here, so URL, key prefix and retry policy stay consistent and every connection is closed on
 * shutdown.
 */
@Injectable()
export class RedisConnectionFactory implements OnApplicationShutdown {
  private readonly connections = new Set<Redis>();
  private shared?: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Key prefix for everything this deployment stores (demo and tests never collide). */
  get prefix(): string {
    return this.config.REDIS_PREFIX;
  }

  /** A new dedicated connection (BullMQ workers and pub/sub need their own). */
  create(purpose: RedisPurpose): Redis {
    const options: RedisOptions = {
      connectionName: `zjp-${purpose}`,
      lazyConnect: false,
      enableReadyCheck: true,
      // BullMQ requires null for its connections, and pub/sub must wait for Redis rather than
      // reject (the socket.io adapter subscribes without handling a rejection). Plain commands
      // (cache, revoked sessions) fail fast so a request never hangs on a dead Redis.
      maxRetriesPerRequest: purpose === 'cache' ? 3 : null,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    };
    const connection = new Redis(this.config.REDIS_URL, options);
    // An unhandled 'error' event would crash the process; ioredis reconnects by itself.
    connection.on('error', () => undefined);
    this.connections.add(connection);
    connection.once('end', () => this.connections.delete(connection));
    return connection;
  }

  /** The shared connection for plain commands (cache, rate limits, revoked sessions). */
  client(): Redis {
    this.shared ??= this.create('cache');
    return this.shared;
  }

  async onApplicationShutdown(): Promise<void> {
    // quit() waits for a reply; a connection that never came up is just dropped.
    await Promise.allSettled([...this.connections].map((c) => (c.status === 'ready' ? c.quit() : Promise.resolve(c.disconnect()))));
    this.connections.clear();
  }
}
