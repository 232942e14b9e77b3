import 'reflect-metadata';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ForbiddenError } from '@zjp/core';
import { PRINCIPAL_KEY, Roles, SocketListener, type Principal } from '@zjp/platform';
import { Server } from 'socket.io';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { bindSocketListeners, socketListenersOf } from './socket-listeners';

class Gateway {
  calls: unknown[] = [];

  @Roles('enterprise_admin')
  @SocketListener('echo')
  echo(_socket: unknown, principal: Principal, body: unknown) {
    this.calls.push(body);
    return { body, by: principal.userId };
  }

  /** declares no access rule: default deny */
  @SocketListener('forgotten')
  forgotten() {
    this.calls.push('forgotten');
    return 'ran';
  }

  @Roles('enterprise_admin')
  @SocketListener('fails')
  fails() {
    throw new ForbiddenError('NOT_YOURS', 'not yours');
  }

  @Roles('enterprise_admin')
  @SocketListener('crashes')
  async crashes() {
    await Promise.resolve();
    throw new Error('secret internals');
  }
}

describe('plain socket listeners with declared access', () => {
  let http: HttpServer;
  let server: Server;
  let gateway: Gateway;
  const clients: ClientSocket[] = [];
  const principal = (roles: string[]): Principal => ({ userId: 'u-1', organizationId: 'o-1', roles }) as unknown as Principal;

  beforeAll(async () => {
    http = createServer();
    server = new Server(http);
    server.use((socket, next) => {
      const roles = (socket.handshake.auth as { roles?: string[] }).roles;
      if (roles) socket.data[PRINCIPAL_KEY] = principal(roles);
      next();
    });
    gateway = new Gateway();
    bindSocketListeners(server, gateway);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await server.close();
  });

  const client = async (roles?: string[], lang?: string) => {
    const c = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      auth: { ...(roles && { roles }), ...(lang && { lang }) },
      transports: ['websocket'],
      forceNew: true,
    });
    clients.push(c);
    await new Promise<void>((resolve) => c.once('connect', () => resolve()));
    return c;
  };

  it('finds each listener with its rule', () => {
    expect(socketListenersOf(new Gateway()).map((l) => [l.event, l.rule?.kind ?? 'none'])).toEqual([
      ['echo', 'roles'],
      ['forgotten', 'none'],
      ['fails', 'roles'],
      ['crashes', 'roles'],
    ]);
  });

  it('runs the handler for an allowed role and acknowledges its result', async () => {
    const c = await client(['enterprise_admin']);
    expect(await c.emitWithAck('echo', { x: 1 })).toEqual({ ok: true, data: { body: { x: 1 }, by: 'u-1' } });
  });

  it('acknowledges when the client sends more arguments than the payload (the ack is the last one), or none', async () => {
    const c = await client(['enterprise_admin']);
    expect(await c.timeout(2_000).emitWithAck('echo', { x: 1 }, 'extra', 2)).toEqual({ ok: true, data: { body: { x: 1 }, by: 'u-1' } });
    expect(await c.timeout(2_000).emitWithAck('echo')).toEqual({ ok: true, data: { by: 'u-1' } });
  });

  it('refuses another role, and a socket without a principal, without running the handler', async () => {
    const before = gateway.calls.length;
    expect(await (await client(['holder_admin'])).emitWithAck('echo', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ROLE' } });
    expect(await (await client()).emitWithAck('echo', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(gateway.calls.length).toBe(before);
  });

  it('refuses a listener that declares no rule (default deny)', async () => {
    expect(await (await client(['enterprise_admin', 'platform_admin'])).emitWithAck('forgotten', {})).toMatchObject({
      ok: false,
      error: { code: 'ACCESS_NOT_DECLARED' },
    });
    expect(gateway.calls).not.toContain('forgotten');
  });

  it('answers domain errors with their body, and hides unexpected ones behind INTERNAL_ERROR', async () => {
    const c = await client(['enterprise_admin'], 'en');
    const uuid = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await c.emitWithAck('fails', {})).toEqual({ ok: false, error: { code: 'NOT_YOURS', message: 'not yours', requestId: uuid } });
    const crashed = await c.emitWithAck('crashes', {});
    expect(crashed).toEqual({ ok: false, error: { code: 'INTERNAL_ERROR', message: 'Internal server error', requestId: uuid } });
    expect(JSON.stringify(crashed)).not.toContain('secret');
  });

  it('answers in Chinese unless the client named English when connecting', async () => {
    const c = await client(['enterprise_admin']);
    expect(await c.emitWithAck('crashes', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL_ERROR', message: '服务器内部错误' } });
    expect(await c.emitWithAck('fails', {})).toMatchObject({ ok: false, error: { code: 'NOT_YOURS', message: '请求未能完成' } });
  });
});
