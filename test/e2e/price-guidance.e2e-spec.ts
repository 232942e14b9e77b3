import { patentCheckChar } from '../../libs/achievements/src';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock, todayInShanghai } from '../../libs/core/src';
import { RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';

/**
 * 初始化定价 (P-PRICE): GET /achievements/:id/price-guidance on seeded concluded deals, the range
 * computed here by hand from the documented method (README "Price guidance").
 */
describe('price guidance for a new listing', () => {
  let api: TestApi;
  let db: DataSource;
  let users: RoleUsers;
  let other: RoleUsers;
  let today: ReturnType<typeof todayInShanghai>;
  let subject: string;
  const as = (role: keyof RoleUsers, who: RoleUsers = users) => ({ Authorization: `Bearer ${who[role].token}` });

  /** A concluded deal of another holder's achievement, straight into the tables (the market's history). */
  const seedDeal = async (d: {
    title: string;
    priceYuan: number;
    ipc?: string[];
    field?: string;
    dealType?: string;
    maturity?: string;
    status?: string;
    daysAgo: number;
  }) => {
    const [a] = (await db.query(
      `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, ipc_classes, maturity, registration_status, registered_on)
       VALUES ($1, $2, $3, 'applied', '2020-01-01', $4, $5, 'registered', '2020-02-01') RETURNING id`,
      [other.holder_admin.organizationId, d.title, d.field ?? 'new_materials', d.ipc ?? ['C01B 32/05'], d.maturity ?? 'pilot'],
    )) as { id: string }[];
    await db.query(`INSERT INTO ip_rights (achievement_id, type) VALUES ($1, 'technical_secret')`, [a.id]);
    const dealType = d.dealType ?? 'transfer';
    const licenseType = dealType === 'license' ? 'ordinary' : null;
    const [l] = (await db.query(
      `INSERT INTO listings (achievement_id, holder_id, mode, status, deal_type, license_type) VALUES ($1, $2, 'negotiated', 'closed', $3, $4) RETURNING id`,
      [a.id, other.holder_admin.organizationId, dealType, licenseType],
    )) as { id: string }[];
    await db.query(
      `INSERT INTO deals (lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at, source, status)
       VALUES (NULL, $1, $2, $3, $4, $5, $6, $7, 0, now() - make_interval(days => $8), 'negotiated', $9)`,
      [
        l.id,
        a.id,
        other.holder_admin.organizationId,
        other.enterprise_admin.organizationId,
        dealType,
        licenseType,
        String(d.priceYuan * 100),
        d.daysAgo,
        d.status ?? 'contracted',
      ],
    );
  };

  beforeAll(async () => {
    api = await startApi();
    db = api.app.get(DataSource);
    users = await usersOfEveryRole(api);
    other = await usersOfEveryRole(api);
    today = todayInShanghai(api.app.get<Clock>(CLOCK));
    const res = await api.http
      .post('/achievements')
      .set(as('holder_admin'))
      .send({
        title: '石墨烯导热膜制备工艺',
        technicalField: 'new_materials',
        kind: 'applied',
        publiclyFunded: false,
        obtainedOn: today.plusDays(-20).toString(),
        ipcClasses: ['C01B 32/184'],
        maturity: 'pilot',
        ipRights: [{ type: 'technical_secret' }],
      });
    expect(res.status).toBe(201);
    subject = res.body.id as string;

    // comparables: four in the same IPC main group (similarity 1), one in the same subclass only (0.7)
    await seedDeal({ title: '可比成果甲', priceYuan: 100_000, daysAgo: 300 });
    await seedDeal({ title: '可比成果乙', priceYuan: 200_000, daysAgo: 200 });
    await seedDeal({ title: '可比成果丙', priceYuan: 400_000, daysAgo: 100 });
    await seedDeal({ title: '可比成果丁', priceYuan: 800_000, daysAgo: 50 });
    await seedDeal({ title: '可比成果戊', priceYuan: 1_600_000, ipc: ['C01B 33/02'], daysAgo: 10 });
    // not comparables: another deal type, another field, a defaulted deal, no shared IPC prefix (0.1 < 0.15)
    await seedDeal({ title: '许可成果', priceYuan: 50_000, dealType: 'license', daysAgo: 30 });
    await seedDeal({ title: '生物成果', priceYuan: 9_000_000, field: 'life_health', daysAgo: 30 });
    await seedDeal({ title: '违约成果', priceYuan: 9_000_000, status: 'defaulted', daysAgo: 30 });
    await seedDeal({ title: '无关成果', priceYuan: 9_000_000, ipc: ['H01M 4/36'], daysAgo: 30 });
    // two equity deals: fewer than the five needed
    await seedDeal({ title: '入股成果一', priceYuan: 3_000_000, dealType: 'equity', daysAgo: 40 });
    await seedDeal({ title: '入股成果二', priceYuan: 5_000_000, dealType: 'equity', ipc: ['C01B 40/00'], daysAgo: 20 });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('gives the similarity-weighted P25, median and P75 of the comparable deals, computed by hand', async () => {
    const res = await api.http.get(`/achievements/${subject}/price-guidance?dealType=transfer`).set(as('holder_member'));
    expect(res.status).toBe(200);
    // weights 1, 1, 1, 1, 0.7 (W = 4.7) on ln prices ln 100k … ln 1.6M (each twice the one before);
    // each sits at (cumulative before + own/2) / W: 0.5/4.7, 1.5/4.7, 2.5/4.7, 3.5/4.7, 4.35/4.7.
    // P25: 0.25·4.7 − 0.5 = 0.675 of the way from 100k to 200k (in logs) → 100,000 · 2^0.675
    // P50: 0.5·4.7 − 1.5 = 0.85 of the way from 200k to 400k → 200,000 · 2^0.85
    // P75: (0.75·4.7 − 3.5) / 0.85 of the way from 800k to 1.6M → 800,000 · 2^(0.025/0.85)
    const yuanToFen = (y: number) => String(Math.round(y) * 100);
    expect(res.body).toMatchObject({
      achievementId: subject,
      dealType: 'transfer',
      asOf: today.toString(),
      status: 'ok',
      lowFen: yuanToFen(100_000 * 2 ** 0.675),
      pointFen: yuanToFen(200_000 * 2 ** 0.85),
      highFen: yuanToFen(800_000 * 2 ** (0.025 / 0.85)),
      effectiveCount: Math.round((4.7 ** 2 / 4.49) * 10) / 10,
      subject: {
        title: '石墨烯导热膜制备工艺',
        technicalField: 'new_materials',
        ipcClasses: ['C01B 32/184'],
        ipType: 'technical_secret',
        maturity: 'pilot',
        remainingYears: null,
      },
      method: { minComparables: 5, minSimilarity: 0.15, maxComparables: 15, termElasticity: 0.6, lowQuantile: 0.25, highQuantile: 0.75 },
    });
    expect(res.body.lowFen).toBe('15966000');
    // the most similar first, then the most recent; anonymised: no parties
    expect(res.body.comparables.map((c: { achievementTitle: string }) => c.achievementTitle)).toEqual([
      '可比成果丁',
      '可比成果丙',
      '可比成果乙',
      '可比成果甲',
      '可比成果戊',
    ]);
    expect(res.body.comparables[4]).toMatchObject({
      priceFen: '160000000',
      adjustedPriceFen: '160000000',
      similarity: 0.7,
      ipcMatch: 'subclass',
      sameIpType: true,
      maturitySteps: 0,
      remainingYears: null,
    });
    expect(res.body.comparables[0].concludedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const text = JSON.stringify(res.body);
    for (const secret of [other.holder_admin.organizationId, other.enterprise_admin.organizationId, '大学-', '企业-']) expect(text).not.toContain(secret);
  });

  it('says 可比成交不足 below five comparables and shows the ones it has', async () => {
    const res = await api.http.get(`/achievements/${subject}/price-guidance?dealType=equity`).set(as('holder_admin'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'insufficient', lowFen: null, pointFen: null, highFen: null, effectiveCount: null });
    expect(res.body.comparables.map((c: { achievementTitle: string }) => c.achievementTitle)).toEqual(['入股成果一', '入股成果二']);
    expect(res.body.comparables[1]).toMatchObject({ similarity: 0.7, ipcMatch: 'subclass' });
  });

  it('moves a patent deal to the subject’s remaining term read from the application numbers', async () => {
    const digits = (year: number, n: number) => `${year}1${String(n).padStart(7, '0')}`;
    const number = (d: string) => `ZL${d}.${patentCheckChar(d)}`;
    const created = await api.http
      .post('/achievements')
      .set(as('holder_admin'))
      .send({
        title: '一种抗体偶联药物的制备方法',
        technicalField: 'life_health',
        kind: 'applied',
        publiclyFunded: false,
        obtainedOn: today.plusDays(-20).toString(),
        ipcClasses: ['A61K 47/68'],
        maturity: 'prototype',
        ipRights: [{ type: 'invention_patent', number: number(digits(2020, 4321)), grantedOn: today.plusDays(-10).toString() }],
      });
    expect(created.status).toBe(201);
    const [a] = (await db.query(
      `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, ipc_classes, maturity, registration_status, registered_on)
       VALUES ($1, '抗体药物可比成果', 'life_health', 'applied', '2016-01-01', '{"A61K 47/60"}', 'prototype', 'registered', '2016-02-01') RETURNING id`,
      [other.holder_admin.organizationId],
    )) as { id: string }[];
    await db.query(`INSERT INTO ip_rights (achievement_id, type, number, granted_on) VALUES ($1, 'invention_patent', $2, '2018-01-01')`, [
      a.id,
      number(digits(2015, 9876)),
    ]);
    const [l] = (await db.query(
      `INSERT INTO listings (achievement_id, holder_id, mode, status, deal_type) VALUES ($1, $2, 'negotiated', 'closed', 'transfer') RETURNING id`,
      [a.id, other.holder_admin.organizationId],
    )) as { id: string }[];
    await db.query(
      `INSERT INTO deals (lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, price_fen, deposit_fen, concluded_at, source, status)
       VALUES (NULL, $1, $2, $3, $4, 'transfer', 200000000, 0, now() - interval '100 days', 'negotiated', 'contracted')`,
      [l.id, a.id, other.holder_admin.organizationId, other.enterprise_admin.organizationId],
    );
    const res = await api.http.get(`/achievements/${created.body.id}/price-guidance?dealType=transfer`).set(as('holder_admin'));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('insufficient');
    // filed 2020 (taken as 1 July): an invention runs to 1 July 2040; the deal's, filed 2015, to 1 July 2035 — years to the hundredth
    const yearsTo = (end: string, from: string) =>
      Math.round(((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / (365.25 * 86_400_000)) * 100) / 100;
    const [c] = res.body.comparables as { concludedOn: string; remainingYears: number; adjustedPriceFen: string; priceFen: string; similarity: number }[];
    const subjectYears = yearsTo('2040-07-01', today.toString());
    const dealYears = yearsTo('2035-07-01', c.concludedOn);
    expect(res.body.subject.remainingYears).toBe(subjectYears);
    expect(c).toMatchObject({ priceFen: '200000000', remainingYears: dealYears, similarity: 1 });
    expect(c.adjustedPriceFen).toBe(String(Math.round(2_000_000 * (subjectYears / dealYears) ** 0.6) * 100));
    expect(Number(c.adjustedPriceFen)).toBeGreaterThan(200_000_000); // more term left than the deal had
  });

  it('defaults to a transfer; the operator may ask too', async () => {
    const res = await api.http.get(`/achievements/${subject}/price-guidance`).set(as('platform_admin'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dealType: 'transfer', status: 'ok', pointFen: String(Math.round(200_000 * 2 ** 0.85) * 100) });
  });

  it('refuses a bad deal type with 400 naming the field', async () => {
    const res = await api.http.get(`/achievements/${subject}/price-guidance?dealType=gift`).set(as('holder_admin'));
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['dealType']);
  });

  it('hides the achievement from another holder (404), refuses other roles (403), 404 for no such achievement', async () => {
    const foreign = await api.http.get(`/achievements/${subject}/price-guidance`).set(as('holder_admin', other));
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('ACHIEVEMENT_NOT_FOUND');
    for (const role of ['enterprise_admin', 'authority_admin', 'broker'] as const) {
      const res = await api.http.get(`/achievements/${subject}/price-guidance`).set(as(role));
      expect([role, res.status, res.body.code]).toEqual([role, 403, 'FORBIDDEN_ROLE']);
    }
    const missing = await api.http.get(`/achievements/00000000-0000-4000-8000-000000000000/price-guidance`).set(as('holder_admin'));
    expect(missing.status).toBe(404);
    expect((await api.http.get(`/achievements/${subject}/price-guidance`)).status).toBe(401);
  });

  it('a broker with a listing mandate for the achievement reads it for the holder; without one it is refused', async () => {
    const broker = { ...as('broker'), 'X-On-Behalf-Of': users.holder_admin.organizationId };
    const before = await api.http.get(`/achievements/${subject}/price-guidance`).set(broker);
    expect(before.status).toBe(403);
    const mandate = await api.http
      .post('/mandates')
      .set(as('holder_admin'))
      .send({
        brokerOrganizationId: users.broker.organizationId,
        achievementIds: [subject],
        permissions: ['list'],
        endsOn: today.plusDays(30).toString(),
        commissionFixedFen: '50000',
      });
    expect(mandate.status).toBe(201);
    const after = await api.http.get(`/achievements/${subject}/price-guidance`).set(broker);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('ok');
  });
});
