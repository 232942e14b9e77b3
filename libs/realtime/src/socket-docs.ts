import { SetMetadata, type Type } from '@nestjs/common';
import { MESSAGE_METADATA } from '@nestjs/websockets/constants';
import { ACCESS_METADATA, SOCKET_LISTENER_METADATA, type AccessRule } from '@zjp/platform';

const SOCKET_EVENT_DOC_METADATA = 'zjp:socket-event-doc';

export interface SocketEventDoc {
  /** the class (with @ApiProperty and class-validator decorators) that describes the payload */
  payload: Type<unknown>;
  summary: string;
}

/** Documents a client → server socket event: its payload's schema goes into the OpenAPI document (`x-socket-events`). */
export const ApiSocketEvent = (doc: SocketEventDoc) => SetMetadata(SOCKET_EVENT_DOC_METADATA, doc);

/** One entry of the OpenAPI document's `x-socket-events` extension. */
export interface SocketEventDescription {
  summary: string;
  /** the payload (the first argument of the emit), a schema of components.schemas */
  payload: { $ref: string };
  /** the acknowledgement (the last argument of the emit, a function): `{ ok: true, data }` or `{ ok: false, error: { code, message, details? } }` */
  ack: { $ref: string };
  access: AccessRule | null;
}

/**
 * The client → server events of the given gateways (their @SubscribeMessage and @SocketListener
 * methods) as the OpenAPI extension `x-socket-events`, so that clients, and the fuzzer
 * (test/support/fuzz), read events from the same document as routes. An event without
 * @ApiSocketEvent is an error: every event is documented.
 */
export function describeSocketEvents(gateways: Type<unknown>[]): { events: Record<string, SocketEventDescription>; models: Type<unknown>[] } {
  const events: Record<string, SocketEventDescription> = {};
  const models: Type<unknown>[] = [];
  for (const gateway of gateways) {
    const proto = gateway.prototype as Record<string, unknown>;
    for (const method of Object.getOwnPropertyNames(proto)) {
      const handler = proto[method];
      if (typeof handler !== 'function' || method === 'constructor') continue;
      const event = (Reflect.getMetadata(MESSAGE_METADATA, handler) ?? Reflect.getMetadata(SOCKET_LISTENER_METADATA, handler)) as string | undefined;
      if (!event) continue;
      const doc = Reflect.getMetadata(SOCKET_EVENT_DOC_METADATA, handler) as SocketEventDoc | undefined;
      if (!doc) throw new Error(`socket event ${event} (${gateway.name}.${method}) has no @ApiSocketEvent: document its payload`);
      const access = (Reflect.getMetadata(ACCESS_METADATA, handler) ?? Reflect.getMetadata(ACCESS_METADATA, gateway)) as AccessRule | undefined;
      models.push(doc.payload);
      events[event] = {
        summary: doc.summary,
        payload: { $ref: `#/components/schemas/${doc.payload.name}` },
        ack: { $ref: '#/components/schemas/SocketAck' },
        access: access ?? null,
      };
    }
  }
  return { events, models };
}

/** The acknowledgement's schema, for `components.schemas.SocketAck`. */
export const SOCKET_ACK_SCHEMA = {
  type: 'object',
  required: ['ok'],
  properties: {
    ok: { type: 'boolean' },
    data: { description: 'the result when ok' },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', example: 'VALIDATION_FAILED' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
} as const;

/** One entry of the OpenAPI document's `x-socket-server-events` extension: an event the server emits to clients. */
export interface ServerSocketEventDescription {
  summary: string;
  /** who receives it */
  to: string;
  /** the payload, a schema of components.schemas */
  payload: { $ref: string };
}

/**
 * Server → client events documented next to the client → server ones (`x-socket-events`), as the
 * extension `x-socket-server-events`. Their payload classes must be in components.schemas (a
 * response type or an extra model).
 */
export function describeServerSocketEvents(events: Record<string, { summary: string; to: string; payload: Type<unknown> }>): {
  events: Record<string, ServerSocketEventDescription>;
  models: Type<unknown>[];
} {
  return {
    events: Object.fromEntries(
      Object.entries(events).map(([name, e]) => [name, { summary: e.summary, to: e.to, payload: { $ref: `#/components/schemas/${e.payload.name}` } }]),
    ),
    models: Object.values(events).map((e) => e.payload),
  };
}
