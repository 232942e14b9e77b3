import { DataSource } from 'typeorm';
import { startApi, TestApi, usersOfEveryRole } from '../support/api';
import { expectPagedList } from '../support/page-checks';
import { type OpenApiDocument, responseMismatches } from '../support/response-schema';

/** GET /lots: lot discovery by phase, session, technical field and the holder's region, paged. */
describe('lot discovery (GET /lots)', () => {
  let api: TestApi;
  let db: DataSource;
  let sessionId: string;
  const ids: Record<string, string> = {};
  const achievements: Record<string, string> = {};
  const listings: Record<string, string> = {};
  const HOUR = 3_600_000;
  const now = Date.now();
  const at = (hours: number) => new Date(now + hours * HOUR);

  async function holder(name: string, region: string): Promise<string> {
    const [row] = (await db.query(`INSERT INTO organizations (type, name, region_code, holder_category) VALUES ('holder', $1, $2, 'university') RETURNING id`, [
      name,
      region,
    ])) as { id: string }[];
    return row.id;
  }

  interface Spec {
    holder: string;
    field: string;
    startsAt: Date;
    endsAt: Date;
    status?: 'scheduled' | 'open' | 'closed';
    result?: 'sold' | 'unsold';
    reserve?: string | null;
    session?: boolean;
    live?: boolean;
    dealType?: 'transfer' | 'license';
  }

  async function lot(key: string, s: Spec): Promise<void> {
    const [a] = (await db.query(
      `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, registration_status, registered_on)
       VALUES ($1, $2, $3, 'applied', '2020-01-01', 'registered', '2020-01-15') RETURNING id`,
      [s.holder, `成果${key}`, s.field],
    )) as { id: string }[];
    const license = s.dealType === 'license';
    const [listing] = (await db.query(
      `INSERT INTO listings (achievement_id, holder_id, mode, price_fen, status, deal_type, license_type) VALUES ($1, $2, 'auction', 1000000, 'active', $3, $4) RETURNING id`,
      [a.id, s.holder, s.dealType ?? 'transfer', license ? 'exclusive' : null],
    )) as { id: string }[];
    const [row] = (await db.query(
      `INSERT INTO lots (listing_id, session_id, achievement_id, holder_id, title, starting_price_fen, reserve_price_fen, increment, deposit_fen,
                         starts_at, ends_at, original_ends_at, live, status, result, closed_at)
       VALUES ($1, $2, $3, $4, '旧标题', 1000000, $5, '{"kind":"fixed","amountFen":"10000"}', 50000, $6, $7, $7, $8, $9, $10,
               CASE WHEN $9 = 'closed' THEN $7::timestamptz END) RETURNING id`,
      [
        listing.id,
        s.session ? sessionId : null,
        a.id,
        s.holder,
        s.reserve ?? null,
        s.startsAt,
        s.endsAt,
        s.live ?? false,
        s.status ?? 'scheduled',
        s.result ?? null,
      ],
    )) as { id: string }[];
    ids[key] = row.id;
    achievements[key] = a.id;
    listings[key] = listing.id;
  }

  const get = (query: Record<string, string | number> = {}) => api.http.get('/lots').query(query);
  const keys = (items: { id: string }[]) => items.map((i) => Object.keys(ids).find((k) => ids[k] === i.id));

  beforeAll(async () => {
    api = await startApi();
    db = api.app.get(DataSource);
    const [s] = (await db.query(
      `INSERT INTO auction_sessions (name, theme, run_mode, starts_at) VALUES ('长三角专场', 'yangtze_delta', 'parallel', now()) RETURNING id`,
    )) as { id: string }[];
    sessionId = s.id;
    const hangzhou = await holder('杭州大学', '330106'); // Hangzhou, Xihu district
    const hangzhou2 = await holder('杭州研究院', '330110'); // Hangzhou, Yuhang district
    const shaoxing = await holder('绍兴学院', '330602'); // Shaoxing
    // live: open now, by end ascending
    await lot('live1', { holder: hangzhou, field: 'new_materials', startsAt: at(-2), endsAt: at(3), reserve: '5000000', session: true, live: true });
    await lot('live2', { holder: shaoxing, field: 'life_health', startsAt: at(-1), endsAt: at(1), status: 'open', dealType: 'license' });
    // upcoming: by start ascending
    await lot('up1', { holder: hangzhou2, field: 'new_materials', startsAt: at(5), endsAt: at(8), session: true });
    await lot('up2', { holder: shaoxing, field: 'new_materials', startsAt: at(2), endsAt: at(9), reserve: '9000000' });
    // closed: by end descending; a lot past its end not yet closed by the worker counts as closed
    await lot('sold', { holder: hangzhou, field: 'internet_plus', startsAt: at(-10), endsAt: at(-5), status: 'closed', result: 'sold' });
    await lot('unsold', {
      holder: shaoxing,
      field: 'new_materials',
      startsAt: at(-10),
      endsAt: at(-8),
      status: 'closed',
      result: 'unsold',
      reserve: '7000000',
    });
    await lot('ended', { holder: hangzhou2, field: 'life_health', startsAt: at(-4), endsAt: at(-1), status: 'open' });
    await db.query(`UPDATE lots SET hammer_price_fen = 1230000 WHERE id = $1`, [ids.sold]);
  });
  afterAll(() => api?.close());

  it('lists live, then upcoming, then closed lots, each in its own order, with the total', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(keys(res.body.items)).toEqual(['live2', 'live1', 'up2', 'up1', 'ended', 'sold', 'unsold']);
    expect(res.body).toMatchObject({ total: 7, limit: 20, offset: 0 });
  });

  it('filters by status: live, upcoming, closed', async () => {
    expect(keys((await get({ status: 'live' })).body.items)).toEqual(['live2', 'live1']);
    expect(keys((await get({ status: 'upcoming' })).body.items)).toEqual(['up2', 'up1']);
    const closed = await get({ status: 'closed' });
    expect(keys(closed.body.items)).toEqual(['ended', 'sold', 'unsold']);
    expect(closed.body.total).toBe(3);
  });

  it('gives each lot its effective state, the achievement title and the holder', async () => {
    const res = await get({ status: 'live' });
    const [live2, live1] = res.body.items;
    expect(live1).toEqual({
      id: ids.live1,
      achievementId: expect.any(String),
      title: '成果live1',
      technicalField: 'new_materials',
      holder: { id: expect.any(String), name: '杭州大学', regionCode: '330106' },
      sessionId,
      sessionTitle: '长三角专场',
      dealType: 'transfer',
      licenseType: null,
      startingPriceFen: '1000000',
      currentFen: null,
      bidCount: 0,
      depositFen: '50000',
      startsAt: at(-2).toISOString(),
      endsAt: at(3).toISOString(),
      status: 'open', // scheduled in the table, but its start has come
      live: true,
      reservePresent: true,
      result: null,
      hammerPriceFen: null,
    });
    expect(live2).toMatchObject({ sessionId: null, sessionTitle: null, dealType: 'license', licenseType: 'exclusive', reservePresent: false, live: false });
    const upcoming = (await get({ status: 'upcoming' })).body.items as { status: string }[];
    expect(upcoming.map((l) => l.status)).toEqual(['scheduled', 'scheduled']);
    const closed = (await get({ status: 'closed' })).body.items as { id: string; status: string }[];
    expect(closed.find((l) => l.id === ids.sold)?.status).toBe('closed');
    // the outcome a "recent deals" card shows: sold at its hammer price, or unsold
    expect(closed.find((l) => l.id === ids.sold)).toMatchObject({ result: 'sold', hammerPriceFen: '1230000' });
    expect(closed.find((l) => l.id === ids.unsold)).toMatchObject({ result: 'unsold', hammerPriceFen: null });
  });

  it('never leaks the reserve price', async () => {
    const res = await get({ limit: 100 });
    const text = JSON.stringify(res.body);
    for (const reserve of ['5000000', '9000000', '7000000']) expect(text).not.toContain(reserve);
    expect(text).not.toMatch(/reserve_?[pP]rice/);
    expect(res.body.items.filter((l: { reservePresent: boolean }) => l.reservePresent)).toHaveLength(3);
  });

  it('filters by session, technical field and region (a city code covers its districts)', async () => {
    expect(keys((await get({ sessionId })).body.items)).toEqual(['live1', 'up1']);
    expect(keys((await get({ field: 'life_health' })).body.items)).toEqual(['live2', 'ended']);
    expect(keys((await get({ region: '330100' })).body.items)).toEqual(['live1', 'up1', 'ended', 'sold']);
    expect(keys((await get({ region: '330106' })).body.items)).toEqual(['live1', 'sold']);
    expect(keys((await get({ region: '330000' })).body.items)).toHaveLength(7);
    expect((await get({ region: '320000' })).body).toMatchObject({ items: [], total: 0 });
    expect(keys((await get({ region: '330600', field: 'new_materials', status: 'upcoming' })).body.items)).toEqual(['up2']);
  });

  it('pages with limit and offset; the total counts every match', async () => {
    const first = await get({ limit: 3 });
    expect(keys(first.body.items)).toEqual(['live2', 'live1', 'up2']);
    expect(first.body).toMatchObject({ total: 7, limit: 3, offset: 0 });
    const second = await get({ limit: 3, offset: 3 });
    expect(keys(second.body.items)).toEqual(['up1', 'ended', 'sold']);
    const beyond = await get({ limit: 3, offset: 50 });
    expect(beyond.body).toEqual({ items: [], total: 7, limit: 3, offset: 50 });
  });

  it.each([
    [{ status: 'open' }, 'status'],
    [{ sessionId: 'not-a-uuid' }, 'sessionId'],
    [{ field: 'astrology' }, 'field'],
    [{ region: '3301' }, 'region'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ offset: -1 }, 'offset'],
    [{ color: 'red' }, 'color'],
  ])('refuses %j with 400 naming the field', async (query, field) => {
    const res = await get(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(new Set((res.body.details as { field: string }[]).map((d) => d.field))).toEqual(new Set([field]));
  });

  describe('a listing names its lot', () => {
    it('GET /listings and GET /listings/:id give an auction listing its lotId, any other listing null', async () => {
      const [fixed] = (await db.query(
        `INSERT INTO listings (achievement_id, holder_id, mode, price_fen, status, deal_type) SELECT id, holder_id, 'fixed_price', 2000000, 'active', 'transfer'
           FROM achievements WHERE id = $1 RETURNING id`,
        [achievements.up1],
      )) as { id: string }[];
      const one = await api.http.get(`/listings/${listings.up1}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: listings.up1, mode: 'auction', lotId: ids.up1 });
      const other = await api.http.get(`/listings/${fixed.id}`);
      expect(other.body).toMatchObject({ mode: 'fixed_price', lotId: null });
      const list = await api.http.get('/listings').query({ achievementId: achievements.up1 });
      const byId = Object.fromEntries((list.body.items as { id: string; lotId: string | null }[]).map((l) => [l.id, l.lotId]));
      expect(byId).toEqual({ [listings.up1]: ids.up1, [fixed.id]: null });
    });

    it("the catalogue item's listing carries the lot of an auction", async () => {
      const res = await api.http.get('/catalogue').query({ q: '成果live1' });
      expect(res.status).toBe(200);
      const item = (res.body.items as { id: string; listing: { id: string; lotId: string | null } | null }[]).find((i) => i.id === achievements.live1);
      expect(item?.listing).toMatchObject({ id: listings.live1, lotId: ids.live1 });
    });
  });

  it('answers the lot, session and listing reads exactly as the OpenAPI document describes them', async () => {
    const doc = (await api.http.get('/api/docs/openapi.json')).body as OpenApiDocument;
    const enterprise = (await usersOfEveryRole(api)).enterprise_admin.token;
    await db.query(`UPDATE lots SET deposit_fen = 0 WHERE id = $1`, [ids.live2]);
    const as = { Authorization: `Bearer ${enterprise}` };
    const registered = await api.http.post(`/lots/${ids.live2}/registrations`).set(as).send({});
    expect(registered.status).toBe(201);
    const bid = await api.http.post(`/lots/${ids.live2}/bids`).set(as).send({ amountFen: '1000000', idempotencyKey: 'schema-bid-1' });
    expect(bid.body).toMatchObject({ status: 'accepted' });
    const answers: [string, string, string, { status: number; body: unknown }][] = [
      ['get', '/lots', '/lots', await get({ limit: 100 })],
      ['get', '/lots/{id}', `/lots/${ids.live1}`, await api.http.get(`/lots/${ids.live1}`)],
      ['get', '/lots/{id}', `/lots/${ids.live2}`, await api.http.get(`/lots/${ids.live2}`)],
      ['get', '/lots/{id}/bids', `/lots/${ids.live2}/bids`, await api.http.get(`/lots/${ids.live2}/bids`)],
      ['post', '/lots/{id}/registrations', '', registered],
      ['get', '/lots/{id}/registrations/mine', '', await api.http.get(`/lots/${ids.live2}/registrations/mine`).set(as)],
      ['post', '/lots/{id}/bids', '', bid],
      ['get', '/auction-sessions', '', await api.http.get('/auction-sessions')],
      ['get', '/auction-sessions/{id}', '', await api.http.get(`/auction-sessions/${sessionId}`)],
      ['get', '/listings', '', await api.http.get('/listings')],
      ['get', '/listings/{id}', '', await api.http.get(`/listings/${listings.live1}`)],
    ];
    for (const [method, path, , res] of answers) {
      expect([200, 201]).toContain(res.status);
      expect({ path, problems: responseMismatches(doc, method, path, res.body) }).toEqual({ path, problems: [] });
    }
    // an undocumented field would be caught
    expect(responseMismatches(doc, 'get', '/lots/{id}', { ...(answers[1][3].body as object), reservePriceFen: '5000000' })).toEqual([
      '$.reservePriceFen: not documented',
    ]);
    // the documents are not empty shells: the bid list and the session's lots hold documented objects
    expect((answers[3][3].body as { bids: unknown[] }).bids).toHaveLength(1);
    expect((answers[8][3].body as { lots: unknown[] }).lots).toHaveLength(2);
  });

  it('pages GET /listings and GET /auction-sessions as every list: { items, total, limit, offset }', async () => {
    await db.query(
      `INSERT INTO auction_sessions (name, theme, run_mode, starts_at) VALUES ('三高专场', 'three_highlands', 'sequential', now() + interval '1 day')`,
    );
    const listed = await expectPagedList((q) => api.http.get('/listings').query(q), 7);
    expect(listed.map((l) => l.id)).toEqual(expect.arrayContaining(Object.values(listings)));
    const sessions = await expectPagedList((q) => api.http.get('/auction-sessions').query(q), 2);
    expect(sessions.map((x) => (x as unknown as { name: string }).name)).toEqual(['三高专场', '长三角专场']);
    const filtered = await api.http.get('/listings').query({ achievementId: achievements.live1, limit: 1 });
    expect(filtered.body).toEqual({ items: [expect.objectContaining({ id: listings.live1, lotId: ids.live1 })], total: 1, limit: 1, offset: 0 });
  });
});
