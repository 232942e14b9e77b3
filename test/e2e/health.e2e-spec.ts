import { startApi, TestApi } from '../support/api';

describe('health, request ids and OpenAPI', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('is live and ready when PostgreSQL and Redis answer', async () => {
    expect((await api.http.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await api.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
    const given = await api.http.get('/health/live').set('X-Request-Id', 'req-123.abc');
    expect(given.headers['x-request-id']).toBe('req-123.abc');
    const hostile = await api.http.get('/health/live').set('X-Request-Id', 'bad id\twith spaces');
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const none = await api.http.get('/health/live');
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document with bearer auth and the main routes', async () => {
    expect((await api.http.get('/api/docs')).status).toBe(200);
    const doc = await api.http.get('/api/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/auth/login', '/organizations', '/organizations/{id}/users', '/health/ready']));
    expect(doc.body.components.securitySchemes.bearer).toBeDefined();
  });
});

describe('readiness when Redis is unreachable', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(() => api.close());

  it('stays live but reports not ready with 503 naming Redis', async () => {
    expect((await api.http.get('/health/live')).status).toBe(200);
    const ready = await api.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(ready.body)).toMatch(/redis/);
  });
});
