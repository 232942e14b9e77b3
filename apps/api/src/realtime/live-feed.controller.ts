import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpException, Inject, Logger, OnApplicationBootstrap, Query } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiOperation, ApiProperty, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ValidationError, type FieldError } from '@zjp/core';
import { APP_CONFIG, type AppConfig, localizeErrorBody, mapError, Metrics, OrgScope, prefersEnglish, Public } from '@zjp/platform';
import { LotsService } from '@zjp/market';
import { LIVE_FEED_MAX_LOTS, LIVE_FEED_PATH, LiveFeedHub } from '@zjp/realtime';
import { WebSocketServer } from 'ws';
import { LotWatchers } from './lot-watchers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The feed's message frame, for the OpenAPI document: `{ event, data }`, the event names and payloads of the socket.io lot room. */
export class LiveFeedMessageView {
  @ApiProperty({
    example: 'lot.bids',
    description: 'lot.bids | lot.extended | lot.call | lot.opened | lot.closed | lot.watchers | announcement | live.ready | clock | error',
  })
  event!: string;
  @ApiProperty({ description: 'the payload, as the socket.io event of the same name carries it' })
  data!: unknown;
}

/** The lot ids of `?lots=`: 1 to 20 distinct UUIDs separated by commas; a field error otherwise. */
export function parseLiveLots(raw: unknown): string[] {
  const fail = (code: string, message: string): never => {
    throw new ValidationError([{ field: 'lots', code, message } satisfies FieldError]);
  };
  if (typeof raw !== 'string' || !raw.trim()) return fail('required', 'lots is required: lot ids separated by commas');
  const ids = [...new Set(raw.split(',').map((s) => s.trim().toLowerCase()))];
  if (ids.some((id) => !UUID.test(id))) return fail('isUuid', 'each lot id must be a UUID');
  if (ids.length > LIVE_FEED_MAX_LOTS) return fail('arrayMaxSize', `at most ${LIVE_FEED_MAX_LOTS} lots`);
  return ids;
}

/**
 * The spectators' read-only live feed. `GET /live?lots=<uuid>[,<uuid>…]` with `Upgrade: websocket`
 * opens a plain WebSocket carrying, as JSON text frames `{ event, data }`, the same events with the
 * same sequence numbers as the socket.io lot rooms (`lot.bids`, `lot.extended`, `lot.call`,
 * `lot.opened`, `lot.closed`, `lot.watchers`, lot announcements), first a `live.ready` frame `{ lots, watchers: { [lotId]: n }, now }`. The
 * client may send the text `clock` (5 at once, then one per second) and is answered
 * `{ event: 'clock', data: { now } }`. Public like the lot page. Without the upgrade the route
 * answers 426; the upgrade itself is checked as an HTTP request (400 VALIDATION_FAILED with the
 * field `lots`, 404 LOT_NOT_FOUND) before the socket opens.
 */
@ApiTags('realtime')
@Controller(LIVE_FEED_PATH.slice(1))
export class LiveFeedController implements OnApplicationBootstrap {
  private readonly logger = new Logger(LiveFeedController.name);
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4096, clientTracking: false });

  constructor(
    private readonly hub: LiveFeedHub,
    private readonly lots: LotsService,
    private readonly watchers: LotWatchers,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    metrics.gauge('zjp_live_feed_sockets', 'spectator-feed sockets of this API process (GET /live)', [], () => [{ value: hub.socketCount() }]);
    metrics.gauge('zjp_live_feed_dropped_total', 'spectator-feed sockets dropped for unsent bytes over LIVE_FEED_MAX_BUFFERED_BYTES, since start', [], () => [
      { value: hub.dropped },
    ]);
  }

  async onApplicationBootstrap(): Promise<void> {
    const http = this.adapterHost.httpAdapter.getHttpServer() as HttpServer;
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname.startsWith('/socket.io/')) return; // socket.io's own upgrades
      // engine.io is told not to destroy upgrades it does not own (destroyUpgrade: false: its 1 s
      // timer would end a feed upgrade whose lot check is slow under load), so strays end here.
      if (url.pathname !== LIVE_FEED_PATH) return void socket.destroy();
      this.upgrade(req, socket, head, url).catch((err: unknown) => this.refuse(req, socket, err));
    });
    await this.hub.start({ maxBufferedBytes: this.config.LIVE_FEED_MAX_BUFFERED_BYTES });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    socket.on('error', () => socket.destroy());
    const lotIds = parseLiveLots(url.searchParams.get('lots'));
    await this.lots.assertAllExist(lotIds);
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.hub.add(ws, lotIds);
      // subscribed from here on; the client fills what it missed over REST. The counts include this socket.
      Promise.all(lotIds.map((id) => this.watchers.count(id))).then(
        (counts) =>
          ws.send(
            JSON.stringify({
              event: 'live.ready',
              data: { lots: lotIds, watchers: Object.fromEntries(lotIds.map((id, i) => [id, counts[i]])), now: new Date().toISOString() },
            }),
          ),
        () => ws.send(JSON.stringify({ event: 'live.ready', data: { lots: lotIds, now: new Date().toISOString() } })),
      );
    });
  }

  /** The refusal as an HTTP answer in the API's error shape, then the connection closed. */
  private refuse(req: IncomingMessage, socket: Duplex, err: unknown): void {
    const mapped = mapError(err);
    if (mapped.internal) this.logger.error(`live feed upgrade failed: ${String(err)}`);
    if (!socket.writable) return void socket.destroy();
    const body = JSON.stringify({ ...localizeErrorBody(mapped.body, prefersEnglish(req.headers['accept-language'])), requestId: randomUUID() });
    socket.end(
      `HTTP/1.1 ${mapped.status} ${mapped.status === 404 ? 'Not Found' : mapped.status === 400 ? 'Bad Request' : 'Error'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  /** The same route without `Upgrade: websocket`: the lots are checked as for the upgrade, then 426. */
  @Public()
  @OrgScope.none()
  @Get()
  @ApiOperation({
    summary:
      "the spectators' live feed (anyone): upgrade to a WebSocket; frames { event, data } carry the lot rooms' events with the same seqs; send 'clock' for the server time",
  })
  @ApiQuery({ name: 'lots', description: `lot ids separated by commas, at most ${LIVE_FEED_MAX_LOTS}`, example: '0190a8c2-7a4e-7000-8000-000000000001' })
  @ApiResponse({ status: 101, description: 'switched to the WebSocket feed', type: LiveFeedMessageView })
  @ApiResponse({ status: 426, description: 'UPGRADE_REQUIRED: send Upgrade: websocket' })
  async describe(@Query('lots') lots: unknown): Promise<never> {
    await this.lots.assertAllExist(parseLiveLots(lots));
    throw new HttpException({ code: 'UPGRADE_REQUIRED', message: 'This is a WebSocket endpoint: send Upgrade: websocket' }, 426);
  }
}
