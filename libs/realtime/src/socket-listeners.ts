import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  ACCESS_METADATA,
  authorize,
  localizeErrorBody,
  logMappedError,
  mapError,
  prefersEnglish,
  PRINCIPAL_KEY,
  SOCKET_LISTENER_METADATA,
  type AccessRule,
  type Principal,
} from '@zjp/platform';
import type { Server, Socket } from 'socket.io';
import type { Ack } from './events';

/**
 * Whether a socket's client reads English: the language it named when connecting (`auth.lang`,
 * which the web app sets from its language switch) or else its handshake's Accept-Language;
 * Chinese by default, as over HTTP.
 */
export function socketPrefersEnglish(socket: Pick<Socket, 'handshake'>): boolean {
  const lang = (socket.handshake.auth as { lang?: unknown } | undefined)?.lang;
  if (typeof lang === 'string' && lang) return prefersEnglish(lang);
  return prefersEnglish(socket.handshake.headers['accept-language']);
}

type ListenerMethod = (socket: Socket, principal: Principal, body: unknown) => Promise<unknown> | unknown;

/** The TCP socket under a socket.io client on the websocket transport (engine.io → ws → net). */
function tcpSocketOf(socket: Socket): { cork(): void; uncork(): void } | undefined {
  const transport = socket.conn?.transport as unknown as { name?: string; socket?: { _socket?: { cork(): void; uncork(): void } } } | undefined;
  return transport?.name === 'websocket' ? transport.socket?._socket : undefined;
}

const corked = new WeakSet<object>();

/**
 * Holds a client's writes until the current burst of callbacks is over: the acknowledgements of
 * one committed batch of bids (often several for one bidder) then leave in one write instead of
 * one system call each, which was the largest single cost of the bidding path.
 */
export function corkUntilNextTick(socket: Socket): void {
  const tcp = tcpSocketOf(socket);
  if (!tcp || corked.has(tcp)) return;
  corked.add(tcp);
  tcp.cork();
  process.nextTick(() => {
    corked.delete(tcp);
    tcp.uncork();
  });
}

/** The @SocketListener methods of a gateway, with the access rule each declares (its own, else its class's). */
export function socketListenersOf(instance: object): { event: string; method: string; rule: AccessRule | undefined }[] {
  const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto).flatMap((method) => {
    const handler = proto[method];
    if (typeof handler !== 'function') return [];
    const event = Reflect.getMetadata(SOCKET_LISTENER_METADATA, handler) as string | undefined;
    if (!event) return [];
    const rule = (Reflect.getMetadata(ACCESS_METADATA, handler) ?? Reflect.getMetadata(ACCESS_METADATA, proto.constructor as object)) as AccessRule | undefined;
    return [{ event, method, rule }];
  });
}

/**
 * Binds a gateway's @SocketListener methods as plain socket.io listeners on every connection:
 * the access rule is applied to the principal set at the handshake (default deny: no rule refuses),
 * the method validates its own input, and the acknowledgement is `{ ok: true, data }` or the
 * same `{ ok: false, error }` body as every other event and HTTP route.
 */
export function bindSocketListeners(server: Server, instance: object, options: { onError?: (code: string) => void } = {}): void {
  const logger = new Logger('SocketListeners');
  const listeners = socketListenersOf(instance).map((l) => ({ ...l, handler: (instance as Record<string, ListenerMethod>)[l.method].bind(instance) }));
  if (!listeners.length) return;
  server.on('connection', (socket: Socket) => {
    for (const { event, rule, handler } of listeners) {
      socket.on(event, (...args: unknown[]) => {
        // the acknowledgement is the emit's last argument, wherever the client put it: a client that
        // sends more arguments than the payload (or none) still gets its answer
        const ack = typeof args.at(-1) === 'function' ? args.pop() : undefined;
        const body = args[0];
        const reply =
          typeof ack === 'function'
            ? (a: Ack<unknown>) => {
                corkUntilNextTick(socket);
                (ack as (a: Ack<unknown>) => void)(a);
              }
            : () => undefined;
        const fail = (err: unknown) => {
          const mapped = mapError(err);
          const requestId = randomUUID();
          logMappedError(logger, mapped, err, requestId);
          options.onError?.(mapped.body.code);
          reply({ ok: false, error: { ...localizeErrorBody(mapped.body, socketPrefersEnglish(socket)), requestId } });
        };
        try {
          const principal = authorize(rule, socket.data[PRINCIPAL_KEY] as Principal | undefined) as Principal;
          Promise.resolve(handler(socket, principal, body)).then((data) => reply({ ok: true, data }), fail);
        } catch (err) {
          fail(err);
        }
      });
    }
  });
}
