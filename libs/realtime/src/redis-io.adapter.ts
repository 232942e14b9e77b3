import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { RedisConnectionFactory } from '@zjp/platform';
import type { Server, ServerOptions } from 'socket.io';

/**
 * socket.io with the Redis adapter: an event emitted to a room on one API process reaches the
 * room's clients on every process. Publisher and subscriber come from the shared factory.
 */
export class RedisIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly redis: RedisConnectionFactory,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, cors: { origin: true, credentials: true }, destroyUpgrade: false } as ServerOptions) as Server;
    const pub = this.redis.create('pubsub-pub');
    const sub = this.redis.create('pubsub-sub');
    server.adapter(createAdapter(pub, sub, { key: `${this.redis.prefix}socket.io` }));
    return server;
  }
}
