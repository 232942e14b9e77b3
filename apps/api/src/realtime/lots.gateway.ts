import { randomUUID } from 'node:crypto';
import { Inject, Logger, UseFilters, UsePipes } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';
import { TokenService } from '@zjp/identity';
import {
  AllExceptionsFilter,
  createValidationPipe,
  localizeErrorBody,
  mapError,
  Metrics,
  PRINCIPAL_KEY,
  Public,
  Roles,
  SocketListener,
  type Principal,
  OrgScope,
  SocketRateLimiter,
} from '@zjp/platform';
import { BiddingEngine, LotFeed, LotsService, parseSocketBid, SocketBidDto, type BidResult } from '@zjp/market';
import {
  Ack,
  ApiSocketEvent,
  bindSocketListeners,
  CLIENT_EVENTS,
  LOT_ROOM_PREFIX,
  lotRoom,
  RealtimePublisher,
  socketPrefersEnglish,
  userRoom,
} from '@zjp/realtime';
import type { Server, Socket } from 'socket.io';
import { LotWatchers } from './lot-watchers';

export class JoinLotDto {
  @ApiProperty() @IsUUID() lotId!: string;
}

/** `lot.watchers.count`: the lots of a page (a home page's live lots), 50 at most. */
export class WatcherCountsDto {
  @ApiProperty({ type: [String], format: 'uuid', maxItems: 50 }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @IsUUID('all', { each: true }) lotIds!: string[];
}

/** `clock.sync` takes no payload (send `{}`). */
export class ClockSyncDto {}

/** The server's clock, for countdowns: clients measure their offset from it (and the round trip) and never trust their own clock. */
export interface ClockSample {
  now: string;
}

function tokenOf(socket: Socket): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string') return fromAuth.replace(/^Bearer /, '');
  const header = socket.handshake.headers.authorization;
  return typeof header === 'string' ? header.replace(/^Bearer /, '') : undefined;
}

/**
 * Live rooms per lot. Anyone may watch: a socket without a token connects anonymously and may join
 * rooms and read the clock, never bid. Sockets that send the same access token as HTTP
 * (`auth: { token }`) are authenticated at the handshake (a bad or expired token is refused, so the
 * client refreshes it) and are disconnected when that token expires: reconnect with a fresh one.
 */
@WebSocketGateway({ transports: ['websocket', 'polling'] })
@UseFilters(AllExceptionsFilter)
@UsePipes(createValidationPipe())
export class LotsGateway implements OnGatewayInit {
  constructor(
    private readonly tokens: TokenService,
    @Inject(RealtimePublisher) private readonly publisher: RealtimePublisher,
    private readonly engine: BiddingEngine,
    private readonly feed: LotFeed,
    private readonly lots: LotsService,
    private readonly metrics: Metrics,
    private readonly limits: SocketRateLimiter,
    private readonly watchers: LotWatchers,
  ) {}

  private readonly logger = new Logger(LotsGateway.name);

  afterInit(server: Server): void {
    this.publisher.attach(server);
    bindSocketListeners(server, this, { onError: (code) => this.metrics.errorAnswers.inc({ transport: 'socket', code }) });
    this.metrics.gauge('zjp_sockets_connected', 'socket.io connections to this API process', [], () => [{ value: server.engine.clientsCount }]);
    this.metrics.gauge('zjp_lot_rooms', 'Lots with at least one watcher on this API process, and the sockets in their rooms', ['measure'], () => {
      let rooms = 0;
      let watchers = 0;
      for (const [name, sockets] of server.of('/').adapter.rooms) {
        if (!name.startsWith(LOT_ROOM_PREFIX)) continue;
        rooms++;
        watchers += sockets.size;
      }
      return [
        { labels: { measure: 'rooms' }, value: rooms },
        { labels: { measure: 'watchers' }, value: watchers },
      ];
    });
    this.watchers.start(server);
    this.feed.start(server).catch((err: unknown) => this.logger.error(`live lot feed not subscribed: ${String(err)}`));
    server.use((socket, next) => {
      const token = tokenOf(socket);
      const fail = (err: unknown) => {
        const error = new Error('unauthorized') as Error & { data: unknown };
        error.data = { ...localizeErrorBody(mapError(err).body, socketPrefersEnglish(socket)), requestId: randomUUID() }; // a Redis outage while checking the token is SERVICE_UNAVAILABLE: retry
        next(error);
      };
      if (!token) return next(); // an anonymous watcher
      this.tokens.verifyAccess(token).then(({ principal, expiresAt }) => {
        socket.data[PRINCIPAL_KEY] = principal;
        void socket.join(userRoom(principal.userId)); // its user's notifications (SERVER_EVENTS.notification)
        const timer = setTimeout(() => socket.disconnect(true), Math.max(0, expiresAt.getTime() - Date.now()));
        timer.unref();
        socket.once('disconnect', () => clearTimeout(timer));
        next();
      }, fail);
    });
  }

  @Public()
  @OrgScope.none()
  @ApiSocketEvent({
    payload: JoinLotDto,
    summary:
      "join a lot's room (anyone, signed in or not): its bids, extensions, calls, watcher counts and close arrive as events; data { room, watchers }; LOT_NOT_FOUND for a lot that does not exist",
  })
  @SubscribeMessage(CLIENT_EVENTS.joinLot)
  async join(@ConnectedSocket() socket: Socket, @MessageBody() body: JoinLotDto): Promise<Ack<{ room: string; watchers: number }>> {
    await this.lots.assertExists(body.lotId);
    await socket.join(lotRoom(body.lotId));
    return { ok: true, data: { room: lotRoom(body.lotId), watchers: await this.watchers.count(body.lotId) } };
  }

  @Public()
  @OrgScope.none()
  @ApiSocketEvent({
    payload: ClockSyncDto,
    summary: "the server's clock: data { now } (ISO 8601); clients measure their offset and the round trip from it, and count down by it",
  })
  @SocketListener(CLIENT_EVENTS.clock)
  clock(): ClockSample {
    return { now: new Date().toISOString() };
  }

  @Public()
  @OrgScope.none()
  @ApiSocketEvent({
    payload: WatcherCountsDto,
    summary: 'how many watch each of these lots (across API processes), without joining their rooms: data { counts: { [lotId]: number } }',
  })
  @SubscribeMessage(CLIENT_EVENTS.watcherCounts)
  async watcherCounts(@MessageBody() body: WatcherCountsDto): Promise<Ack<{ counts: Record<string, number> }>> {
    const ids = [...new Set(body.lotIds)];
    const counts = await Promise.all(ids.map((id) => this.watchers.count(id)));
    return { ok: true, data: { counts: Object.fromEntries(ids.map((id, i) => [id, counts[i]])) } };
  }

  @Public()
  @OrgScope.none()
  @ApiSocketEvent({ payload: JoinLotDto, summary: "leave a lot's room" })
  @SubscribeMessage(CLIENT_EVENTS.leaveLot)
  async leave(@ConnectedSocket() socket: Socket, @MessageBody() body: JoinLotDto): Promise<Ack<{ room: string }>> {
    await socket.leave(lotRoom(body.lotId));
    return { ok: true, data: { room: lotRoom(body.lotId) } };
  }

  /**
   * A bid, acknowledged once it is durable: `{ ok: true, data: { status: 'accepted' | 'rejected', code?, seq?, … } }`.
   * Send an idempotency key and resend with the same key after a disconnect: the answer is the first one.
   * The hot path: a plain socket.io listener (no Nest pipeline per message) that applies the declared
   * role rule and the same input check as SocketBidDto (parseSocketBid; a unit test keeps them equal).
   * Rate limits come first (per connection, then per user; in memory, see SocketRateLimiter), so a
   * flood, malformed or not, is refused before it costs the engine anything.
   */
  @Roles('enterprise_admin', 'enterprise_member')
  @OrgScope.none()
  @ApiSocketEvent({
    payload: SocketBidDto,
    summary:
      'a bid, acknowledged once durable: data { status: accepted | rejected, code?, seq?, … }; resend with the same idempotencyKey after a lost acknowledgement',
  })
  @SocketListener(CLIENT_EVENTS.bid)
  bid(socket: Socket, principal: Principal, body: unknown): Promise<BidResult> {
    this.limits.checkBid(socket, principal.userId);
    const bid = parseSocketBid(body);
    return this.engine.submit({
      lotId: bid.lotId,
      organizationId: principal.organizationId,
      userId: principal.userId,
      amountFen: bid.amountFen,
      maxFen: bid.maxFen,
      idempotencyKey: bid.idempotencyKey,
      source: 'online',
    });
  }
}
