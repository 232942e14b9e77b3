import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { CLIENT_EVENTS } from '@zjp/realtime';
import { startApi, TestApi } from '../support/api';

/** Error messages in Chinese by default, in English when Accept-Language prefers it; code and details unchanged. */
describe('error messages follow Accept-Language', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api?.close());

  const ask = (path: string, language?: string) => {
    const req = api.http.get(path);
    return language === undefined ? req : req.set('Accept-Language', language);
  };

  it.each([
    [undefined, '拍卖标的不存在'],
    ['zh-CN,zh;q=0.9', '拍卖标的不存在'],
    ['en', 'No such lot'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'No such lot'],
  ])('a missing lot, Accept-Language %j: %s', async (language, message) => {
    const res = await ask(`/lots/${randomUUID()}`, language);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 'LOT_NOT_FOUND', message, requestId: res.headers['x-request-id'] });
  });

  it('validation failures: the same code and fields in every language, the messages in Chinese unless English is preferred', async () => {
    const [absent, zh, en] = await Promise.all([undefined, 'zh', 'en-GB'].map((l) => ask('/lots?limit=0&status=soon', l)));
    for (const res of [absent, zh, en]) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const shape = (body: { details: { field: string; code: string }[] }) => body.details.map(({ field, code }) => ({ field, code }));
    expect(shape(zh.body)).toEqual(shape(en.body));
    expect(shape(absent.body)).toEqual(shape(en.body));
    expect(new Set(shape(en.body).map((d) => d.field))).toEqual(new Set(['limit', 'status']));
    expect(absent.body.message).toBe('输入校验未通过');
    expect(zh.body.message).toBe('输入校验未通过');
    expect(en.body.message).toMatch(/^Validation failed/);
    for (const d of zh.body.details as { message: string }[]) expect(d.message).toMatch(/\p{Script=Han}/u);
    for (const d of absent.body.details as { message: string }[]) expect(d.message).toMatch(/\p{Script=Han}/u);
    for (const d of en.body.details as { message: string }[]) expect(d.message).not.toMatch(/\p{Script=Han}/u);
  });

  it('malformed JSON and a missing token too', async () => {
    const malformed = await api.http.post('/auth/login').set('Content-Type', 'application/json').send('{"email": ');
    expect(malformed.body).toMatchObject({ code: 'MALFORMED_JSON', message: '请求体不是有效的 JSON' });
    const malformedEn = await api.http.post('/auth/login').set('Accept-Language', 'en').set('Content-Type', 'application/json').send('{"email": ');
    expect(malformedEn.body).toMatchObject({ code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' });
    const anonymous = await api.http.get('/notifications');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.message).toMatch(/\p{Script=Han}/u);
  });

  describe('over the socket', () => {
    const sockets: Socket[] = [];
    afterAll(() => sockets.forEach((s) => s.close()));
    const connect = (options: { token?: string; lang?: string; acceptLanguage?: string }) => {
      const socket = io(api.url, {
        auth: { ...(options.token && { token: options.token }), ...(options.lang && { lang: options.lang }) },
        ...(options.acceptLanguage && { extraHeaders: { 'Accept-Language': options.acceptLanguage } }),
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      return socket;
    };
    const refusal = (socket: Socket) =>
      new Promise<{ code: string; message: string }>((resolve) =>
        socket.once('connect_error', (err: Error & { data?: unknown }) => resolve(err.data as { code: string; message: string })),
      );

    it.each([
      [{}, '访问令牌无效'],
      [{ lang: 'zh-CN' }, '访问令牌无效'],
      [{ lang: 'en' }, expect.stringMatching(/^The access token/)],
      [{ acceptLanguage: 'en-US,en;q=0.9' }, expect.stringMatching(/^The access token/)],
      [{ lang: 'zh-CN', acceptLanguage: 'en' }, '访问令牌无效'], // the app's own switch wins over the browser's header
    ])('a refused handshake (%j)', async (options, message) => {
      await expect(refusal(connect({ token: 'not-a-jwt', ...options }))).resolves.toMatchObject({ code: 'INVALID_TOKEN', message });
    });

    it.each([
      [{}, /\p{Script=Han}/u],
      [{ lang: 'en' }, /^[^\p{Script=Han}]+$/u],
    ])('a refused event, acknowledged (%j)', async (options, message) => {
      const socket = connect(options);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      // an anonymous watcher may not bid
      const ack = (await socket.timeout(5_000).emitWithAck(CLIENT_EVENTS.bid, { lotId: randomUUID(), amountFen: '100', idempotencyKey: randomUUID() })) as {
        ok: boolean;
        error: { code: string; message: string };
      };
      expect(ack).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      expect(ack.error.message).toMatch(message);
    });
  });
});
