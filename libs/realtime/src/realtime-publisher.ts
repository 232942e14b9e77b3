import { Injectable } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { RedisConnectionFactory } from '@zjp/platform';
import type { Server } from 'socket.io';
import { lotRoom, userRoom } from './events';
import { LiveFeedHub } from './live-feed-hub';

/**
 * Emits to sockets from services. In the API it uses the process's socket.io server (with the
 * Redis adapter, the emit reaches clients on every API process); in the worker, which has no
 * socket.io server, it publishes through the Redis emitter to the same adapter channel.
 */
@Injectable()
export class RealtimePublisher {
  private server?: Server;
  private emitter?: Emitter;

  constructor(
    private readonly redis: RedisConnectionFactory,
    private readonly live: LiveFeedHub,
  ) {}

  attach(server: Server): void {
    this.server = server;
  }

  /** To the lot's socket.io room and to its spectator feed (LiveFeedHub), on every API process. */
  toLot(lotId: string, event: string, payload: unknown): void {
    this.target().to(lotRoom(lotId)).emit(event, payload);
    this.live.publish(lotId, event, payload);
  }

  /** To every socket of these users (their `user:<id>` rooms), on any API process. */
  toUsers(userIds: readonly string[], event: string, payload: unknown): void {
    if (!userIds.length) return;
    this.target()
      .to(userIds.map((id) => userRoom(id)))
      .emit(event, payload);
  }

  toAll(event: string, payload: unknown): void {
    this.target().emit(event, payload);
  }

  private target(): Pick<Server, 'to' | 'emit'> | Emitter {
    if (this.server) return this.server;
    this.emitter ??= new Emitter(this.redis.create('pubsub-pub'), { key: `${this.redis.prefix}socket.io` });
    return this.emitter;
  }
}
