import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { io, type Socket } from 'socket.io-client';
import { policyDocument } from '../support/subsidy-factory';
import { insertBidder, insertEnterprise, insertLot } from '../support/market-factory';
import { insertAchievement } from '../support/registry-factory';
import { startApi, TestApi, usersOfEveryRole, type RoleUsers } from '../support/api';

/**
 * Issue 16's defects: inputs that reached a 500 or got the wrong answer. Each test names the class
 * of input; the OpenAPI fuzzer (test/resilience) sends the same classes to every route.
 */
describe('hardening: malformed input is a 4xx that changes nothing', () => {
  let api: TestApi;
  let users: RoleUsers;
  let db: DataSource;
  const as = (role: keyof RoleUsers) => ({ Authorization: `Bearer ${users[role].token}` });
  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    api = await startApi();
    db = api.app.get(DataSource);
    users = await usersOfEveryRole(api);
  });
  afterAll(() => api.close());

  const nested = (depth: number, kind: 'array' | 'object') =>
    kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  describe('JSON nested tens of thousands deep', () => {
    it.each(['array', 'object'] as const)('answers an anonymous login with a deep %s as 400 MALFORMED_JSON', async (kind) => {
      const body = kind === 'array' ? nested(50_000, 'array') : `{"email":${nested(50_000, 'object')},"password":"x"}`;
      const res = await api.http.post('/auth/login').set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('MALFORMED_JSON');
    });

    it('answers a deep body on an authenticated route as 400 and creates nothing', async () => {
      const before = await count('auction_sessions');
      const res = await api.http
        .post('/auction-sessions')
        .set(as('platform_admin'))
        .set('Content-Type', 'application/json')
        .send(`{"name":${nested(30_000, 'array')},"theme":"长三角拍","runMode":"parallel","startsAt":"2027-01-01T00:00:00Z"}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('MALFORMED_JSON');
      expect(await count('auction_sessions')).toBe(before);
    });

    it('accepts ordinary nesting (a subsidy policy document)', async () => {
      const res = await api.http.post('/subsidy-policies').set(as('authority_admin')).send(policyDocument());
      expect(res.status).toBe(201);
    });
  });

  describe('strings PostgreSQL or the validators cannot take', () => {
    it('answers a lone UTF-16 surrogate in an email with 400 naming the field', async () => {
      const res = await api.http.post('/auth/login').send({ email: 'a\ud800@test.example', password: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'email', code: 'invalidUnicode' })]);
    });

    it('answers a NUL character in a session name with 400 naming the field, and creates nothing', async () => {
      const before = await count('auction_sessions');
      const res = await api.http
        .post('/auction-sessions')
        .set(as('platform_admin'))
        .send({ name: '新材料\u0000专场', theme: '长三角拍', runMode: 'parallel', startsAt: '2027-01-01T00:00:00Z' });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'name', code: 'nulCharacter' })]);
      expect(await count('auction_sessions')).toBe(before);
    });

    it('creates a themed session with clean input and shows it (the read happens in the creating transaction)', async () => {
      const res = await api.http
        .post('/auction-sessions')
        .set(as('platform_admin'))
        .send({ name: '新材料专场', theme: 'yangtze_delta', runMode: 'parallel', startsAt: '2027-01-01T00:00:00Z' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: '新材料专场', theme: 'yangtze_delta', runMode: 'parallel', lots: [] });
      expect((await api.http.get(`/auction-sessions/${res.body.id}`)).body.name).toBe('新材料专场');
    });

    it('answers a NUL character in a nested field and in a query parameter with 400 naming them', async () => {
      const policy = await api.http
        .post('/subsidy-policies')
        .set(as('authority_admin'))
        .send(policyDocument({ name: 'x\u0000' }));
      expect(policy.status).toBe(400);
      expect(policy.body.details).toEqual([expect.objectContaining({ field: 'name', code: 'nulCharacter' })]);
      const query = await api.http.get('/catalogue').query({ q: '材料\u0000' });
      expect(query.status).toBe(400);
      expect(query.body.details).toEqual([expect.objectContaining({ field: 'q', code: 'nulCharacter' })]);
    });

    it('answers a NUL character in a bid idempotency key with 400 over HTTP and VALIDATION_FAILED on the socket, storing nothing', async () => {
      const lotId = await insertLot(db);
      await db.query(`UPDATE lots SET status = 'open' WHERE id = $1`, [lotId]);
      const res = await api.http.post(`/lots/${lotId}/bids`).set(as('enterprise_admin')).send({ amountFen: '1000000', idempotencyKey: 'k\u0000' });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'idempotencyKey', code: 'nulCharacter' })]);
      const socket = await connect(users.enterprise_admin.token);
      try {
        const ack = await socket.emitWithAck('lot.bid', { lotId, amountFen: '1000000', idempotencyKey: 'k\u0000' });
        expect(ack).toMatchObject({
          ok: false,
          error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'idempotencyKey', code: 'nulCharacter' })] },
        });
      } finally {
        socket.disconnect();
      }
      expect(await count('bids')).toBe(0);
    });
  });

  describe('null where an optional field is expected', () => {
    it('answers maxFen: null on a bid with 400 naming maxFen', async () => {
      const lotId = await insertLot(db);
      const res = await api.http
        .post(`/lots/${lotId}/bids`)
        .set(as('enterprise_admin'))
        .send({ amountFen: '1000000', maxFen: null, idempotencyKey: randomUUID() });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'maxFen' })]);
    });

    it('answers eligibility.fundingModes: null in a subsidy policy with 400 naming it, and creates nothing', async () => {
      const before = await count('subsidy_policies');
      const res = await api.http
        .post('/subsidy-policies')
        .set(as('authority_admin'))
        .send(policyDocument({ kind: 'research_funding', rate: undefined, eligibility: { fundingModes: null } }));
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'eligibility.fundingModes' })]));
      expect(await count('subsidy_policies')).toBe(before);
    });

    it('still takes null where a field is declared nullable (a policy without an end date)', async () => {
      const res = await api.http
        .post('/subsidy-policies')
        .set(as('authority_admin'))
        .send(policyDocument({ effectiveTo: null }));
      expect(res.status).toBe(201);
    });
  });

  it('lists subsidy applications for a platform administrator (was a 500: an untyped parameter)', async () => {
    const res = await api.http.get('/subsidy-applications').set(as('platform_admin'));
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.items)).toBe(true);
    expect(res.body).toMatchObject({ total: res.body.items.length, limit: 20, offset: 0 });
  });

  describe('a lot that does not exist', () => {
    const missing = randomUUID();

    it('answers a bid with 404 LOT_NOT_FOUND', async () => {
      const res = await api.http.post(`/lots/${missing}/bids`).set(as('enterprise_admin')).send({ amountFen: '1000000', idempotencyKey: randomUUID() });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('LOT_NOT_FOUND');
    });

    it('answers a floor bid and a hammer with 404 LOT_NOT_FOUND', async () => {
      const floor = await api.http.post(`/lots/${missing}/floor-bids`).set(as('platform_admin')).send({ paddleNumber: 1, amountFen: '1000000' });
      expect(floor.status).toBe(404);
      expect(floor.body.code).toBe('LOT_NOT_FOUND');
      const hammer = await api.http.post(`/lots/${missing}/hammer`).set(as('platform_admin'));
      expect(hammer.status).toBe(404);
      expect(hammer.body.code).toBe('LOT_NOT_FOUND');
    });

    it('refuses lot.join and lot.bid on the socket with LOT_NOT_FOUND', async () => {
      const socket = await connect(users.enterprise_admin.token);
      try {
        expect(await socket.emitWithAck('lot.join', { lotId: missing })).toMatchObject({ ok: false, error: { code: 'LOT_NOT_FOUND' } });
        expect(await socket.emitWithAck('lot.bid', { lotId: missing, amountFen: '1000000', idempotencyKey: randomUUID() })).toMatchObject({
          ok: false,
          error: { code: 'LOT_NOT_FOUND' },
        });
      } finally {
        socket.disconnect();
      }
    });

    it('still lets a client join an existing lot', async () => {
      const lotId = await insertLot(db);
      const socket = await connect(users.enterprise_admin.token);
      try {
        expect(await socket.emitWithAck('lot.join', { lotId })).toMatchObject({ ok: true });
      } finally {
        socket.disconnect();
      }
    });
  });

  describe('bodies that are not JSON', () => {
    const patch = () => api.http.patch(`/organizations/${users.enterprise_admin.organizationId}`).set(as('platform_admin'));
    const nameOf = async () => (await db.query(`SELECT name FROM organizations WHERE id = $1`, [users.enterprise_admin.organizationId]))[0].name as string;

    it('answers a PATCH with a text/plain body with 415 and changes nothing', async () => {
      const before = await nameOf();
      const res = await patch().set('Content-Type', 'text/plain').send('name=改名');
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(await nameOf()).toBe(before);
    });

    it('answers a PATCH with a form body with 415', async () => {
      const res = await patch().type('form').send({ name: '改名' });
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers a PATCH without a body with 400 BODY_REQUIRED', async () => {
      const res = await patch();
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('BODY_REQUIRED');
    });

    it('still takes a JSON patch', async () => {
      const res = await patch().send({ name: `改名-${Date.now()}` });
      expect(res.status).toBe(200);
    });
  });

  describe('boolean query parameters', () => {
    it.each(['banana', 'yes', '', 'TRUE1'])('refuses unreadOnly=%s with 400 naming it', async (value) => {
      const res = await api.http.get('/notifications').query({ unreadOnly: value }).set(as('holder_admin'));
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'unreadOnly' })]);
    });

    it.each(['true', 'false'])('takes unreadOnly=%s', async (value) => {
      const res = await api.http.get('/notifications').query({ unreadOnly: value }).set(as('holder_admin'));
      expect(res.status).toBe(200);
    });

    it('refuses useFirst=banana on the catalogue', async () => {
      const res = await api.http.get('/catalogue').query({ useFirst: 'banana' });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'useFirst' })]);
    });
  });

  describe('lot.bid needs an idempotency key (safe resends)', () => {
    it('refuses a socket bid without idempotencyKey, naming it, and stores nothing', async () => {
      const lotId = await insertLot(db);
      await insertBidder(db, lotId);
      const socket = await connect(users.enterprise_admin.token);
      try {
        const ack = await socket.emitWithAck('lot.bid', { lotId, amountFen: '1000000' });
        expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
        expect(new Set(ack.error.details.map((d: { field: string }) => d.field))).toEqual(new Set(['idempotencyKey']));
      } finally {
        socket.disconnect();
      }
      const http = await api.http.post(`/lots/${lotId}/bids`).set(as('enterprise_admin')).send({ amountFen: '1000000' });
      expect(http.status).toBe(400);
      expect(new Set(http.body.details.map((d: { field: string }) => d.field))).toEqual(new Set(['idempotencyKey']));
      expect(Number((await db.query(`SELECT count(*) AS n FROM bids WHERE lot_id = $1`, [lotId]))[0].n)).toBe(0);
    });
  });

  describe('a refused offline registration leaves nothing behind (found by the fuzzer)', () => {
    it('answers a bank reference that already backs another deposit with 409 BANK_REFERENCE_USED, writing no registration and no audit entry', async () => {
      const [first, second] = [await insertLot(db, { depositFen: 100_000n }), await insertLot(db, { depositFen: 100_000n })];
      const [a, b] = [await insertEnterprise(db), await insertEnterprise(db)];
      const bankReference = `ICBC-${randomUUID()}`;
      const ok = await api.http.post(`/lots/${first}/offline-registrations`).set(as('platform_admin')).send({ organizationId: a, bankReference });
      expect(ok.status).toBe(201);
      const before = { registrations: await count('lot_registrations'), audit: await count('audit_log'), deposits: await count('deposits') };
      const again = await api.http.post(`/lots/${second}/offline-registrations`).set(as('platform_admin')).send({ organizationId: b, bankReference });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('BANK_REFERENCE_USED');
      expect({ registrations: await count('lot_registrations'), audit: await count('audit_log'), deposits: await count('deposits') }).toEqual(before);
      // …and the organisation can still register with the right transfer
      const retried = await api.http
        .post(`/lots/${second}/offline-registrations`)
        .set(as('platform_admin'))
        .send({ organizationId: b, bankReference: `${bankReference}-2` });
      expect(retried.status).toBe(201);
      expect(retried.body).toMatchObject({ depositStatus: 'held' });
    });
  });

  describe('more inputs the fuzzer found', () => {
    it('clears an asking price with askingPriceFen: null (was a 500: BigInt(null))', async () => {
      const achievementId = await insertAchievement(db, users.holder_admin.organizationId, { askingPriceFen: 150_000_000n });
      const res = await api.http.patch(`/achievements/${achievementId}`).set(as('holder_admin')).send({ askingPriceFen: null });
      expect(res.status).toBe(200);
      expect(res.body.askingPriceFen).toBeNull();
    });

    it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key with 400 naming it, and creates nothing', async (key) => {
      const before = await count('organizations');
      const res = await api.http
        .post('/organizations')
        .set(as('platform_admin'))
        .set('Content-Type', 'application/json')
        .send(`{"${key}":{"isAdmin":true},"type":"broker","name":"原型-${key}","regionCode":"330100"}`);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: key, code: 'forbiddenKey' })]);
      expect(await count('organizations')).toBe(before);
    });

    it('refuses an array where a nested object is expected, naming the field (policies: [[]] was a 500)', async () => {
      const before = await count('subsidy_policies');
      const imported = await api.http
        .post('/subsidy-policies/import')
        .set(as('authority_admin'))
        .send({ policies: [[]] });
      expect(imported.status).toBe(400);
      expect(imported.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'policies', code: 'isObject' })]));
      expect(await count('subsidy_policies')).toBe(before);
      const achievementId = await insertAchievement(db, users.holder_admin.organizationId);
      const lot = await api.http.post('/lots').set(as('holder_admin')).send({
        achievementId,
        dealType: 'transfer',
        startingPriceFen: '1000000',
        increment: [],
        depositFen: '0',
        startsAt: '2027-01-01T00:00:00Z',
        endsAt: '2027-01-02T00:00:00Z',
      });
      expect(lot.status).toBe(400);
      expect(lot.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'increment', code: 'isObject' })]));
    });

    it('answers the balances of an organisation that does not exist with a refusal, not an empty 200', async () => {
      const res = await api.http.get(`/organizations/${randomUUID()}/balances`).set(as('platform_admin'));
      expect(res.status).toBe(403); // the organisation rule's answer (no existence test through another organisation's id)
      expect(res.body.code).toBe('ORGANIZATION_BOUNDARY');
    });
  });

  function connect(token: string): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = io(api.url, { transports: ['websocket'], auth: { token }, reconnection: false });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }
});
