import type { Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { INestApplication } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ACCESS_METADATA, AllExceptionsFilter, AppConfig, createValidationPipe, Metrics, RedisConnectionFactory } from '@zjp/platform';
import { describeServerSocketEvents, describeSocketEvents, RedisIoAdapter, SERVER_EVENTS, SOCKET_ACK_SCHEMA } from '@zjp/realtime';
import { NotificationView } from '@zjp/identity';
import { BidRouter } from '@zjp/market';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { OPENAPI_PATH, securityHeaders } from './security-headers';
import { LotsGateway } from './realtime/lots.gateway';

/** Builds the API exactly as production runs it; tests call this too. */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), { bufferLogs: true, bodyParser: false, rawBody: true });
  app.useLogger(app.get(Logger));
  app.use(securityHeaders(config)); // first, so that every answer has them (errors and the OpenAPI page too)
  app.useBodyParser('json', { limit: '1mb' }); // keeps req.rawBody (rawBody: true): Stripe signatures cover the raw bytes
  app.set('trust proxy', 'loopback, uniquelocal');
  app.disable('x-powered-by');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(Metrics, { strict: false })));
  app.useWebSocketAdapter(new RedisIoAdapter(app, app.get(RedisConnectionFactory)));
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('浙江拍 Zhejiang Auction API')
    .setDescription('Technology achievements, live auctions, technology contracts and subsidies. Errors: { code, message, details? }.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  // Socket events are in the same document, as the extension x-socket-events (payload schemas in components).
  const socketEvents = describeSocketEvents([LotsGateway]);
  // What the server emits (x-socket-server-events): today the inbox's live notices.
  const serverEvents = describeServerSocketEvents({
    [SERVER_EVENTS.notification]: {
      summary: 'a notice just stored in the organisation inbox (the same shape as an item of GET /notifications): outbid, lot_starting_soon, lot_won, …',
      to: 'every socket of every active user of the organisation (joined to its user room at the handshake)',
      payload: NotificationView,
    },
  });
  const document = () => {
    const doc = SwaggerModule.createDocument(app, openApi, { extraModels: [...socketEvents.models, ...serverEvents.models] });
    doc.components!.schemas!.SocketAck = SOCKET_ACK_SCHEMA as never;
    describeAccess(app, doc);
    return Object.assign(doc, { 'x-socket-events': socketEvents.events, 'x-socket-server-events': serverEvents.events });
  };
  SwaggerModule.setup(OPENAPI_PATH.slice(1), app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });

  answerUnparsableRequestsInTheErrorShape(app.getHttpServer() as HttpServer);
  await app.init();
  app.get(BidRouter).start(); // this process judges its share of the lots, and forwards the other lots' bids
  return app;
}

/**
 * A request that Node's HTTP parser refuses before Express sees it (a URL or headers over the
 * header limit, a malformed request line) gets the same error body as every other 4xx instead of
 * Node's bare status line, so clients can always read `code`.
 */
export function answerUnparsableRequestsInTheErrorShape(server: HttpServer): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason, code, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE', 'The URL or the headers are too large']
        : err.code === 'HPE_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'REQUEST_TIMEOUT', 'The request did not arrive in time']
          : [400, 'Bad Request', 'BAD_REQUEST', 'The request could not be parsed as HTTP'];
    const body = JSON.stringify({ code, message });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/**
 * Each operation's declared access rule (@Public, @Authenticated, @Roles) as `x-access` on the
 * operation, so that clients and the fuzzer know who may call it. Operation ids are
 * `<Controller>_<method>` (@nestjs/swagger's default).
 */
function describeAccess(app: INestApplication, doc: OpenAPIObject): void {
  const rules = new Map<string, unknown>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type?.prototype) continue;
      for (const method of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        const rule = (Reflect.getMetadata(ACCESS_METADATA, handler) ?? Reflect.getMetadata(ACCESS_METADATA, type)) as unknown;
        if (rule) rules.set(`${type.name}_${method}`, rule);
      }
    }
  }
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item) as { operationId?: string }[]) {
      const rule = op?.operationId ? rules.get(op.operationId) : undefined;
      if (rule) Object.assign(op, { 'x-access': rule });
    }
  }
}
