import { DataSource } from 'typeorm';
import { startApi, TestApi, usersOfEveryRole } from '../support/api';

describe('bad input gets a 400 with the offending fields and changes nothing', () => {
  let api: TestApi;
  let admin: string;
  const count = async () => Number((await api.app.get(DataSource).query(`SELECT count(*) AS n FROM organizations`))[0].n);

  beforeAll(async () => {
    api = await startApi();
    admin = (await usersOfEveryRole(api)).platform_admin.token;
  });
  afterAll(() => api.close());

  const post = (body: unknown) =>
    api.http
      .post('/organizations')
      .set('Authorization', `Bearer ${admin}`)
      .send(body as object);

  it('names every bad field of a malformed body', async () => {
    const before = await count();
    const res = await post({ type: 'bank', name: '', regionCode: '33' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = (res.body.details as { field: string }[]).map((d) => d.field);
    expect(new Set(fields)).toEqual(new Set(['type', 'name', 'regionCode']));
    expect(await count()).toBe(before);
  });

  it('refuses unknown fields', async () => {
    const res = await post({ type: 'broker', name: 'x', regionCode: '330100', isAdmin: true });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'isAdmin', code: 'unknownField' })]);
  });

  it('refuses a region code that is not a GB/T 2260 division', async () => {
    const res = await post({ type: 'broker', name: 'x', regionCode: '339999' });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'regionCode', code: 'unknownRegion' })]);
  });

  it('checks the fields that depend on the organisation type', async () => {
    const res = await post({ type: 'authority', name: 'x', regionCode: '330603', authorityLevel: 'city', sme: true });
    expect(res.status).toBe(400);
    const problems = res.body.details as { field: string; code: string }[];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'sme', code: 'notApplicable' }),
        expect.objectContaining({ field: 'regionCode', code: 'levelMismatch' }),
      ]),
    );
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await api.http.post('/organizations').set('Authorization', `Bearer ${admin}`).set('Content-Type', 'application/json').send('{"type": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'MALFORMED_JSON', message: expect.any(String), requestId: res.headers['x-request-id'] });
  });

  it('answers an oversized body with 413', async () => {
    const res = await post({ type: 'broker', name: 'x'.repeat(2_000_000), regionCode: '330100' });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a badly percent-encoded path with 400, not 500', async () => {
    const res = await api.http.get('/organizations/%E0%A4%A').set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(400);
  });

  it('answers a malformed id in the path with 400', async () => {
    const res = await api.http.get('/organizations/not-a-uuid').set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'id', code: 'isUuid' })]);
  });

  it('answers an out-of-range query parameter with 400 naming it', async () => {
    const res = await api.http.get('/organizations?limit=1000').set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'limit' })]);
  });

  it('answers a duplicate organisation with 409, not 500', async () => {
    const body = { type: 'broker', name: '重复的经纪公司', regionCode: '330100' };
    expect((await post(body)).status).toBe(201);
    const again = await post({ ...body, name: '重复的经纪公司'.toString() });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DUPLICATE');
  });

  it('answers an unknown route with 404 in the same error shape', async () => {
    const res = await api.http.get('/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});
