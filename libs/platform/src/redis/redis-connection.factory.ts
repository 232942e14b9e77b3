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
    await Promise.allSettled([...this.connections].map((c) => closeConnection(c)));
    this.connections.clear();
  }
}

/**
 * quit() waits for a reply. A connection still coming up (a context closed right after it
 * started) gets up to a second to finish, so the commands its users queued at start-up are
 * answered rather than rejected with "Connection is closed" where no one listens; one that does
 * not come up (Redis is down) is dropped.
 */
async function closeConnection(c: Redis): Promise<void> {
  if (c.status === 'connecting' || c.status === 'connect' || c.status === 'wait') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      c.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  if (c.status === 'ready') await c.quit();
  else c.disconnect();
}
