import { CLOCK, type TravelClock } from '../../libs/core/src';
import { DataSource } from 'typeorm';
import { createOrganization, createUser, login, type RoleUsers, startApi, type TestApi, usersOfEveryRole } from '../support/api';

/**
 * P-MKT holder rankings and the authorities' compliance dashboard (P-REG, P-2Y, P-3Y), over HTTP
 * on a seeded region (Taizhou, 331000) whose indicators, scores and ranks are computed by hand
 * below (domain/holder-score.ts states the method). The API's clock stands on 2026-03-01.
 */
describe('holder rankings (P-MKT) and the compliance dashboard over HTTP', () => {
  let api: TestApi;
  let users: RoleUsers;
  let db: DataSource;
  let taizhou: string; // token of an authority administrator of Taizhou city (331000)
  let hangzhou: string; // token of an authority administrator of Hangzhou city (330100)
  const ids: Record<string, string> = {};
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  let n = 0;
  async function achievement(
    holder: string,
    a: { kind?: string; obtainedOn: string; registeredOn: string | null; ruleState?: string; transformedOn?: string },
  ): Promise<string> {
    const [{ id }] = (await db.query(
      `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, registration_status, registered_on, rule_state)
       VALUES ($1, $2, 'new_materials', $3, $4, $5, $6, $7) RETURNING id`,
      [holder, `成果-${++n}`, a.kind ?? 'applied', a.obtainedOn, a.registeredOn ? 'registered' : 'draft', a.registeredOn, a.ruleState ?? 'clear'],
    )) as { id: string }[];
    if (a.transformedOn) {
      await db.query(
        `INSERT INTO transformations (achievement_id, kind, source, status, took_effect_on) VALUES ($1, 'transfer', 'declaration', 'effective', $2)`,
        [id, a.transformedOn],
      );
    }
    return id;
  }
  async function listing(holder: string, achievementId: string, createdAt: string): Promise<void> {
    await db.query(`INSERT INTO listings (achievement_id, holder_id, mode, status, created_at) VALUES ($1, $2, 'negotiated', 'active', $3)`, [
      achievementId,
      holder,
      createdAt,
    ]);
  }
  async function contract(seller: string, achievementId: string, priceFen: string, tookEffectOn: string, terminated = false): Promise<void> {
    await db.query(
      `INSERT INTO contracts (type, source, achievement_id, seller_id, buyer_id, title, status, terms, price_fen, signed_at, took_effect_on, signed_terms_sha256, terminated_at)
       VALUES ('license', 'drafted', $1, $2, $3, '许可合同', $4, '{}'::jsonb, $5, $6::date::timestamptz, $6::date, repeat('a', 64), $7)`,
      [achievementId, seller, ids.buyer, terminated ? 'terminated' : 'signed', priceFen, tookEffectOn, terminated ? new Date() : null],
    );
  }
  async function justification(achievementId: string, status: 'pending' | 'approved', endsOn: string): Promise<void> {
    await db.query(
      `INSERT INTO justifications (achievement_id, category, explanation, ends_on, status, submitted_by)
       VALUES ($1, 'negotiation_in_progress', '正在洽谈', $2, $3, (SELECT id FROM users WHERE organization_id = $4 LIMIT 1))`,
      [achievementId, endsOn, status, users.holder_admin.organizationId],
    );
  }

  beforeAll(async () => {
    api = await startApi();
    db = api.app.get(DataSource);
    users = await usersOfEveryRole(api);
    const holder = (name: string, regionCode: string, holderCategory: 'university' | 'institute', highLevelPlatform = false) =>
      createOrganization(api, { type: 'holder', name, regionCode, holderCategory, highLevelPlatform });
    ids.A = await holder('台州大学A', '331002', 'university');
    ids.B = await holder('台州大学B', '331003', 'university');
    ids.C = await holder('台州大学C', '331002', 'university');
    ids.D = await holder('台州大学D', '331003', 'university', true);
    ids.E = await holder('台州研究院E', '331002', 'institute');
    ids.far = await holder('杭州远方大学', '330106', 'university');
    ids.buyer = await createOrganization(api, { type: 'enterprise', name: '台州企业', regionCode: '331002' });
    const authority = await createOrganization(api, { type: 'authority', name: '台州市科技局', regionCode: '331000', authorityLevel: 'city' });
    taizhou = (await login(api, await createUser(api, authority, ['authority_admin']))).accessToken;
    const other = await createOrganization(api, { type: 'authority', name: '杭州市科技局', regionCode: '330100', authorityLevel: 'city' });
    hangzhou = (await login(api, await createUser(api, other, ['authority_admin']))).accessToken;
    // after signing in (the tokens carry the real time)
    api.app.get<TravelClock>(CLOCK).travelTo('2026-03-01T04:00:00Z');

    // A and B alike: 2 listings in 2025 (A also one in 2024, not counted), 2 contracts in force in
    // 2025 worth 300 000 + 100 000 fen (A also a terminated one, not counted); achievements: one on
    // time and transformed, one registered late (obtained 02-01, deadline 03-03, registered 03-20)
    for (const h of ['A', 'B']) {
      const a1 = await achievement(ids[h], { obtainedOn: '2025-01-10', registeredOn: '2025-01-20', transformedOn: '2025-03-01' });
      await achievement(ids[h], { obtainedOn: '2025-02-01', registeredOn: '2025-03-20' });
      await listing(ids[h], a1, '2025-01-01T00:30:00+08:00'); // just after midnight Beijing time: 2025
      await listing(ids[h], a1, '2025-06-01T10:00:00+08:00');
      await contract(ids[h], a1, '300000', '2025-04-01');
      await contract(ids[h], a1, '100000', '2025-12-31');
      if (h === 'A') {
        await listing(ids[h], a1, '2024-12-31T23:30:00+08:00'); // 2024 in Beijing, though 2024-12-31T15:30Z
        await contract(ids[h], a1, '999999', '2025-05-01', true);
      }
    }
    // C: one achievement of 2023 on the use-first list (P-2Y), a pending and an approved justification
    const c1 = await achievement(ids.C, { obtainedOn: '2023-01-01', registeredOn: '2023-01-05', ruleState: 'use_first' });
    await justification(c1, 'pending', '2026-12-31');
    await justification(c1, 'approved', '2026-06-30');
    await justification(c1, 'approved', '2026-01-31'); // lapsed before today: not counted
    // D: 1 listing, 1 contract of 100 000 fen, one achievement registered on time, not transformed
    const d1 = await achievement(ids.D, { obtainedOn: '2025-03-01', registeredOn: '2025-03-05' });
    await listing(ids.D, d1, '2025-07-01T10:00:00+08:00');
    await contract(ids.D, d1, '100000', '2025-08-01');
    // E (institute): 1 listing; on time in 2025, one unregistered past its deadline (2025-07-01), one of 2020 eligible for a free licence (P-3Y)
    const e1 = await achievement(ids.E, { obtainedOn: '2025-05-01', registeredOn: '2025-05-10' });
    await achievement(ids.E, { obtainedOn: '2025-06-01', registeredOn: null });
    await achievement(ids.E, { obtainedOn: '2020-01-01', registeredOn: '2020-01-05', ruleState: 'free_license_eligible' });
    await listing(ids.E, e1, '2025-02-01T10:00:00+08:00');
    // outside the region, and busy: must not move Taizhou's min/max
    const f1 = await achievement(ids.far, { obtainedOn: '2025-01-01', registeredOn: '2025-01-02', transformedOn: '2025-02-01' });
    for (let i = 0; i < 5; i++) await listing(ids.far, f1, '2025-03-01T10:00:00+08:00');
    await contract(ids.far, f1, '50000000', '2025-03-01');
  });

  afterAll(async () => {
    await api?.close();
  });

  type Item = {
    rank: number;
    tied: boolean;
    score: number;
    holderName: string;
    inputs: Record<string, unknown>;
    contributions: { key: string; points: number; value: string | null; min: string | null; max: string | null; noData: boolean }[];
  };

  it('ranks the holders of a region by the documented method, with a tie (1, 1, 3, 4, 5), publicly', async () => {
    const res = await api.http.get('/reports/rankings?year=2025&region=331000');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ year: 2025, region: '331000', holderType: null, asOf: '2026-03-01', total: 5, limit: 20, offset: 0 });
    const items = res.body.items as Item[];
    /*
     * Universities A, B, C, D (normalised together):
     *   listings 2, 2, 0, 1 → D 1/2; contracts 2, 2, 0, 1 → D 1/2; value 400 000, 400 000, 0, 100 000 fen → D 1/4
     *   transformed 1/2, 1/2, 0/1, 0/1 → A, B 1; use-first 0/2, 0/2, 1/1, 0/1 (lower is better) → A, B, D 1, C 0
     *   P-REG 1/2, 1/2, none, 1/1 → A, B 0 (the min), D 1, C no data
     *   A = B = 15 + 15 + 25 + 20 + 10 + 0 = 85; D = 7.5 + 7.5 + 6.25 + 0 + 10 + 15 = 46.25; C = 0
     * Institute E alone (every indicator degenerate): listings 1 → 15; contracts 0, value 0 → 0;
     *   transformed 0/2 → 0; use-first 1/2 (not the ideal 0) → 0; P-REG 1/2 → 15. E = 30
     */
    expect(items.map((i) => [i.holderName, i.rank, i.score, i.tied])).toEqual([
      ['台州大学A', 1, 85, true],
      ['台州大学B', 1, 85, true],
      ['台州大学D', 3, 46.25, false],
      ['台州研究院E', 4, 30, false],
      ['台州大学C', 5, 0, false],
    ]);
    const a = items[0];
    expect(a.inputs).toEqual({
      listings: 2,
      contractsInForce: 2,
      contractValueFen: '400000',
      transformedShare: { numerator: 1, denominator: 2 },
      useFirstShare: { numerator: 0, denominator: 2 },
      registrationTimeliness: { numerator: 1, denominator: 2 },
    });
    expect(a.contributions.map((c) => [c.key, c.points])).toEqual([
      ['listings', 15],
      ['contractsInForce', 15],
      ['contractValueFen', 25],
      ['transformedShare', 20],
      ['useFirstShare', 10],
      ['registrationTimeliness', 0],
    ]);
    const d = items[2];
    expect(d.contributions.map((c) => c.points)).toEqual([7.5, 7.5, 6.25, 0, 10, 15]);
    expect(d.contributions.find((c) => c.key === 'contractValueFen')).toMatchObject({ value: '100000', min: '0', max: '400000' });
    expect(items[4].contributions.find((c) => c.key === 'registrationTimeliness')).toMatchObject({ value: null, noData: true });
    expect(res.body.method.map((m: { weight: number }) => m.weight)).toEqual([15, 15, 25, 20, 10, 15]);
  });

  it('re-normalises within the filtered holders: holderType, region of a county, pagination', async () => {
    const platform = await api.http.get('/reports/rankings?year=2025&region=331000&holderType=platform');
    // D alone: listings 1, contracts 1, value > 0, use-first 0, P-REG 1/1 → 15 + 15 + 25 + 10 + 15; transformed 0 → 0
    expect(platform.body.items.map((i: Item) => [i.holderName, i.rank, i.score])).toEqual([['台州大学D', 1, 80]]);
    const institutes = await api.http.get('/reports/rankings?year=2025&region=331000&holderType=institute');
    expect(institutes.body.items.map((i: Item) => [i.holderName, i.rank, i.score])).toEqual([['台州研究院E', 1, 30]]);
    // county 331003: B and D only → B has the max everywhere but P-REG (1/2 < 1): 15+15+25+20+10+0 = 85; D: 0+0+0+0+10+15 = 25
    const county = await api.http.get('/reports/rankings?year=2025&region=331003');
    expect(county.body.items.map((i: Item) => [i.holderName, i.rank, i.score])).toEqual([
      ['台州大学B', 1, 85],
      ['台州大学D', 2, 25],
    ]);
    const page = await api.http.get('/reports/rankings?year=2025&region=331000&limit=2&offset=2');
    expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 2 });
    expect(page.body.items.map((i: Item) => [i.holderName, i.rank])).toEqual([
      ['台州大学D', 3],
      ['台州研究院E', 4],
    ]);
    // the default year is this year in Beijing (2026): nothing listed or contracted yet
    const thisYear = await api.http.get('/reports/rankings?region=331000');
    expect(thisYear.body.year).toBe(2026);
    expect(thisYear.body.items.every((i: Item) => i.inputs.listings === 0)).toBe(true);
  });

  it('answers bad query parameters with 400 and the fields', async () => {
    const res = await api.http.get('/reports/rankings?year=1999&region=33&holderType=company&limit=0');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(new Set((res.body.details as { field: string }[]).map((d) => d.field))).toEqual(new Set(['year', 'region', 'holderType', 'limit']));
    const text = await api.http.get('/reports/rankings?year=twenty');
    expect(text.status).toBe(400);
    expect(new Set(text.body.details.map((d: { field: string }) => d.field))).toEqual(new Set(['year']));
    const dash = await api.http.get('/compliance/dashboard?region=abc').set(as(taizhou));
    expect(dash.status).toBe(400);
    expect(dash.body.details.map((d: { field: string }) => d.field)).toEqual(['region']);
  });

  it('shows an authority its region per holder: P-REG late and overdue, P-2Y, P-3Y, justifications', async () => {
    const res = await api.http.get('/compliance/dashboard').set(as(taizhou));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ region: '331000', asOf: '2026-03-01', total: 5 });
    expect(res.body.totals).toEqual({
      registeredOnTime: 6, // A 1, B 1, C 1 (of 2023), D 1, E 2 (one of 2020)
      registeredLate: 2,
      registrationPending: 0,
      overdueUnregistered: 1,
      useFirst: 1,
      freeLicenseEligible: 1,
      suspended: 0,
      justificationsPending: 1,
      justificationsApproved: 1,
    });
    const rows = res.body.items as Record<string, unknown>[];
    // attention = overdue + late + use-first + P-3Y + pending justifications: C 2, E 2, then A 1, B 1, then D 0
    expect(rows.map((r) => r.holderName)).toEqual(['台州大学C', '台州研究院E', '台州大学A', '台州大学B', '台州大学D']);
    expect(rows[1]).toMatchObject({
      holderId: ids.E,
      holderKind: 'institute',
      regionCode: '331002',
      registeredOnTime: 2,
      overdueUnregistered: 1,
      oldestMissedDeadline: '2025-07-01',
      freeLicenseEligible: 1,
    });
    expect(rows[0]).toMatchObject({ useFirst: 1, justificationsPending: 1, justificationsApproved: 1, registeredOnTime: 1 });
    expect(rows[2]).toMatchObject({ registeredOnTime: 1, registeredLate: 1, overdueUnregistered: 0, oldestMissedDeadline: null });
    // a sub-region of its own
    const county = await api.http.get('/compliance/dashboard?region=331003').set(as(taizhou));
    expect(county.status).toBe(200);
    expect(county.body.items.map((r: { holderName: string }) => r.holderName)).toEqual(['台州大学B', '台州大学D']);
    expect(county.body.totals.registeredLate).toBe(1);
    // a page past the end still carries the region's totals
    const past = await api.http.get('/compliance/dashboard?offset=40').set(as(taizhou));
    expect(past.body).toMatchObject({ items: [], total: 5, totals: { registeredLate: 2 } });
  });

  it('refuses the dashboard to another region, to other roles and to anonymous callers', async () => {
    const other = await api.http.get('/compliance/dashboard?region=331000').set(as(hangzhou));
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ code: 'REGION_OUTSIDE_JURISDICTION', details: { field: 'region', jurisdiction: '330100' } });
    // Hangzhou's own view does not show Taizhou's holders
    const own = await api.http.get('/compliance/dashboard').set(as(hangzhou));
    expect(own.status).toBe(200);
    const names = own.body.items.map((r: { holderName: string }) => r.holderName) as string[];
    expect(names).toContain('杭州远方大学');
    expect(names.filter((x) => x.startsWith('台州'))).toEqual([]);
    for (const role of ['holder_admin', 'enterprise_admin', 'broker'] as const) {
      const res = await api.http.get('/compliance/dashboard').set(as(users[role].token));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN_ROLE');
    }
    expect((await api.http.get('/compliance/dashboard')).status).toBe(401);
    // the platform administrator sees any region
    const admin = await api.http.get('/compliance/dashboard?region=331002').set(as(users.platform_admin.token));
    expect(admin.status).toBe(200);
    expect(admin.body.items.map((r: { holderName: string }) => r.holderName).sort()).toEqual(['台州大学A', '台州大学C', '台州研究院E'].sort());
  });
});
