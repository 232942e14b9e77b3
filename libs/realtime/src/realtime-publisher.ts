import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import { lotRoom } from './events';

/**
 * Emits to sockets from services. With the Redis adapter the emit reaches the clients connected
 * to every API process, not only this one.
 */
@Injectable()
export class RealtimePublisher {
  private server?: Server;

  attach(server: Server): void {
    this.server = server;
  }

  toLot(lotId: string, event: string, payload: unknown): void {
    this.requireServer().to(lotRoom(lotId)).emit(event, payload);
  }

  toAll(event: string, payload: unknown): void {
    this.requireServer().emit(event, payload);
  }

  private requireServer(): Server {
    if (!this.server) throw new Error('The socket.io server is not attached yet');
    return this.server;
  }
}
