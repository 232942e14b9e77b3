import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CLOCK, type TravelClock } from '../../libs/core/src';
import { FactsRefreshService, type PeriodicReportDto } from '../../libs/reporting/src';
import { touchedDays } from '../../libs/reporting/src/facts/facts.repository';
import { RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';
import { pdfText } from '../support/pdf-text';
import { databaseUrl } from '../support/env';
import { insertEnterprise } from '../support/market-factory';

/*
 * Issue 21 (P-MKT): the market's figures on a small seeded market whose figures are worked out by hand
 * below. Beijing dates; instants are written at 10:00 Beijing (02:00Z).
 *
 *   2025-11  2 listings (the same period a year before)
 *   2026-10  1 listing (10-05); session S0 (regular, 10-15): lot0 starts 10,000.00 元, 1 bidder (10-14),
 *            2 accepted bids, sold for 10,000.00 元 (deal0 on 10-15)
 *   2026-11  3 listings (11-02, 11-03, 11-20); session S1 (yangtze_delta, 11-10):
 *            lot1 new_materials, university 330106: starts 10,000.00, 2 bidders, 3 bids, sold 15,000.00 (deal1)
 *            lot2 life_health, institute 330203: starts 20,000.00, 1 bidder, 1 bid, sold 22,000.00 (deal2)
 *            lot3 internet_plus, university 330106: starts 5,000.00, no bidder, unsold
 *            deal1's contract registered 11-20 (15,000.00), 10,000.00 paid on 11-25
 *
 * 2026-11 by hand: lots offered 3, sold 2 → sell-through 2/3 = 66.67%; premium (15,000 + 22,000) ÷
 * (10,000 + 20,000) − 1 = 23.33%; October: 1 of 1 sold at its start → 100.00% and 0.00%, so −33.33 and
 * +23.33 percentage points; listings 3 against 1 (+200.00%) and 2 a year before (+50.00%).
 */
describe('market figures and reports (P-MKT)', () => {
  let api: TestApi;
  let users: RoleUsers;
  let ds: DataSource;
  const as = (role: keyof RoleUsers) => ({ Authorization: `Bearer ${users[role].token}` });
  const at = (day: string) => new Date(`${day}T02:00:00Z`);

  const holder = async (category: string, region: string) => {
    const [o] = await ds.query(`INSERT INTO organizations (type, name, region_code, holder_category) VALUES ('holder', $1, $2, $3) RETURNING id`, [
      `持有方-${category}-${region}-${Math.random()}`,
      region,
      category,
    ]);
    return o.id as string;
  };
  const achievement = async (holderId: string, field: string) => {
    const [a] = await ds.query(
      `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, registration_status, registered_on)
       VALUES ($1, '成果', $2, 'applied', '2020-01-01', 'registered', '2020-01-15') RETURNING id`,
      [holderId, field],
    );
    return a.id as string;
  };
  const listing = async (achievementId: string, holderId: string, createdOn: string) => {
    const [l] = await ds.query(
      `INSERT INTO listings (achievement_id, holder_id, mode, price_fen, status, deal_type, created_at) VALUES ($1, $2, 'auction', 1000000, 'active', 'transfer', $3) RETURNING id`,
      [achievementId, holderId, at(createdOn)],
    );
    return l.id as string;
  };
  const session = async (theme: string, day: string) => {
    const [s] = await ds.query(`INSERT INTO auction_sessions (name, theme, run_mode, starts_at) VALUES ('专场', $1, 'sequential', $2) RETURNING id`, [
      theme,
      at(day),
    ]);
    return s.id as string;
  };
  /** A lot closed on `day`, its bidders registered the day before and their accepted bids, and its deal when sold. */
  const lot = async (o: {
    sessionId: string;
    achievementId: string;
    holderId: string;
    listingId: string;
    day: string;
    startFen: bigint;
    hammerFen: bigint | null;
    bidders: number;
    bids: number;
  }) => {
    const [l] = await ds.query(
      `INSERT INTO lots (listing_id, session_id, achievement_id, holder_id, title, starting_price_fen, increment, deposit_fen, starts_at, ends_at, original_ends_at,
                         status, result, unsold_reason, hammer_price_fen, closed_at)
       VALUES ($1, $2, $3, $4, '标的', $5, '{"kind":"fixed","amountFen":"10000"}', 0, $6::timestamptz - interval '1 hour', $6, $6, 'closed', $7, $8, $9, $6) RETURNING id`,
      [
        o.listingId,
        o.sessionId,
        o.achievementId,
        o.holderId,
        o.startFen.toString(),
        at(o.day),
        o.hammerFen ? 'sold' : 'unsold',
        o.hammerFen ? null : 'no_bids',
        o.hammerFen?.toString() ?? null,
      ],
    );
    const registered = new Date(at(o.day).getTime() - 86_400_000);
    const regs: { id: string; org: string }[] = [];
    for (let i = 0; i < o.bidders; i++) {
      const org = await insertEnterprise(ds);
      const [r] = await ds.query(
        `INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, deposit_status, created_at) VALUES ($1, $2, $3, 'held', $4) RETURNING id`,
        [l.id, org, i + 1, registered],
      );
      regs.push({ id: r.id, org });
    }
    for (let i = 0; i < o.bids; i++) {
      await ds.query(
        `INSERT INTO bids (lot_id, registration_id, organization_id, source, amount_fen, status, seq, hash, received_at) VALUES ($1, $2, $3, 'online', $4, 'accepted', $5, md5(random()::text), $6)`,
        [l.id, regs[i % regs.length].id, regs[i % regs.length].org, (o.startFen + BigInt(i) * 10000n).toString(), i + 1, at(o.day)],
      );
    }
    let dealId: string | null = null;
    if (o.hammerFen) {
      const [d] = await ds.query(
        `INSERT INTO deals (lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, price_fen, deposit_fen, concluded_at, source)
         VALUES ($1, $2, $3, $4, $5, 'transfer', $6, 0, $7, 'auction') RETURNING id`,
        [l.id, o.listingId, o.achievementId, o.holderId, regs[0].org, o.hammerFen.toString(), at(o.day)],
      );
      dealId = d.id;
    }
    return { lotId: l.id as string, dealId, buyerId: regs[0]?.org };
  };

  let u1: string;
  let a1: string;

  beforeAll(async () => {
    api = await startApi();
    users = await usersOfEveryRole(api);
    ds = api.app.get(DataSource);
    api.app.get<TravelClock>(CLOCK).travelTo('2026-12-05T02:00:00Z');

    u1 = await holder('university', '330106');
    const i2 = await holder('institute', '330203');
    a1 = await achievement(u1, 'new_materials');
    const a2 = await achievement(i2, 'life_health');
    const a3 = await achievement(u1, 'internet_plus');
    // a year before
    await listing(a1, u1, '2025-11-15');
    await listing(a3, u1, '2025-11-16');
    // October
    const l0 = await listing(a1, u1, '2026-10-05');
    const s0 = await session('regular', '2026-10-15');
    await lot({
      sessionId: s0,
      achievementId: a1,
      holderId: u1,
      listingId: l0,
      day: '2026-10-15',
      startFen: 1_000_000n,
      hammerFen: 1_000_000n,
      bidders: 1,
      bids: 2,
    });
    // November
    const l1 = await listing(a1, u1, '2026-11-02');
    const l2 = await listing(a2, i2, '2026-11-03');
    const l3 = await listing(a3, u1, '2026-11-20');
    const s1 = await session('yangtze_delta', '2026-11-10');
    const lot1 = await lot({
      sessionId: s1,
      achievementId: a1,
      holderId: u1,
      listingId: l1,
      day: '2026-11-10',
      startFen: 1_000_000n,
      hammerFen: 1_500_000n,
      bidders: 2,
      bids: 3,
    });
    await lot({
      sessionId: s1,
      achievementId: a2,
      holderId: i2,
      listingId: l2,
      day: '2026-11-10',
      startFen: 2_000_000n,
      hammerFen: 2_200_000n,
      bidders: 1,
      bids: 1,
    });
    await lot({ sessionId: s1, achievementId: a3, holderId: u1, listingId: l3, day: '2026-11-10', startFen: 500_000n, hammerFen: null, bidders: 0, bids: 0 });
    const [c] = await ds.query(
      `INSERT INTO contracts (type, source, deal_id, achievement_id, seller_id, buyer_id, title, status, terms, price_fen, signed_at, took_effect_on, signed_terms_sha256,
                              registration_number, registered_on, registry, registered_at)
       VALUES ('transfer', 'auction', $1, $2, $3, $4, '技术合同', 'in_performance', '{}', 1500000, $5, '2026-11-15', $6, 'JS330106202600001', '2026-11-20', '浙江省技术市场', $7)
       RETURNING id`,
      [lot1.dealId, a1, u1, lot1.buyerId, at('2026-11-15'), 'a'.repeat(64), at('2026-11-20')],
    );
    await ds.query(
      `INSERT INTO payments (organization_id, payee_organization_id, reference_type, reference_id, amount_fen, provider, provider_payment_id, status, idempotency_key, received_on, succeeded_at)
       VALUES ($1, $2, 'contract', $3, 1000000, 'bank_transfer', 'BANK-R1', 'succeeded', 'BANK-R1', '2026-11-25', $4)`,
      [lot1.buyerId, u1, c.id, at('2026-11-25')],
    );
    // Subsidies on deal1's contract: 1,500.00 元 approved on 11-26 and paid on 11-28; 500.00 元 approved on
    // 11-27, not yet paid; one approved in October for a research funding (no holder: field and region its own).
    const authority = users.authority_admin.organizationId;
    const [{ id: deciderId }] = await ds.query(`SELECT id FROM users WHERE email = $1`, [users.platform_admin.email]);
    const [policy] = await ds.query(
      `INSERT INTO subsidy_policies (authority_id, kind, document_number, budget_fen) VALUES ($1, 'contract', '科〔2026〕1号', 100000000) RETURNING id`,
      [authority],
    );
    const [policy2] = await ds.query(
      `INSERT INTO subsidy_policies (authority_id, kind, document_number, budget_fen) VALUES ($1, 'contract', '科〔2026〕2号', 100000000) RETURNING id`,
      [authority],
    );
    const [batch] = await ds.query(`INSERT INTO subsidy_batches (authority_id, number) VALUES ($1, 'B-2026-1') RETURNING id`, [authority]);
    const grant = async (o: { subject: 'contract' | 'research_funding'; decided: string; paid?: string; fen: number; field?: string; policyId?: string }) =>
      ds.query(
        `INSERT INTO subsidy_applications (policy_id, authority_id, subject_type, subject_id, enterprise_id, year, enterprise_region_code, technical_field, status,
                                           policy_version, computed_fen, explanation, payee, approved_fen, decided_by, decided_at, batch_id, paid_at)
         VALUES ($1, $2, $3, $4, $5, 2026, '330603', $6, $7, 1, $8, '{}', '{}', $8, $9, $10, $11, $12)`,
        [
          o.policyId ?? policy.id,
          authority,
          o.subject,
          o.subject === 'contract' ? c.id : randomUUID(),
          lot1.buyerId,
          o.field ?? null,
          o.paid ? 'paid' : 'approved',
          o.fen,
          deciderId,
          at(o.decided),
          o.paid ? batch.id : null,
          o.paid ? at(o.paid) : null,
        ],
      );
    await grant({ subject: 'contract', decided: '2026-11-26', paid: '2026-11-28', fen: 150_000 });
    await grant({ subject: 'contract', decided: '2026-11-27', fen: 50_000, policyId: policy2.id });
    await grant({ subject: 'research_funding', decided: '2026-10-20', fen: 80_000, field: 'life_health' });
  });
  afterAll(() => api.close());

  let report: PeriodicReportDto;

  it('refuses to generate for anyone but the operator (403), and a report not generated is a 404', async () => {
    const denied = await api.http.post('/reports/periodic/generate').set(as('authority_admin')).send({ kind: 'monthly', period: '2026-11' });
    expect([denied.status, denied.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
    const anonymous = await api.http.post('/reports/periodic/generate').send({ kind: 'monthly', period: '2026-11' });
    expect(anonymous.status).toBe(401);
    const missing = await api.http.get('/reports/periodic?kind=monthly&period=2026-11');
    expect([missing.status, missing.body.code]).toEqual([404, 'REPORT_NOT_GENERATED']);
  });

  it('answers a bad kind or period with 400 and the field', async () => {
    const badKind = await api.http.get('/reports/periodic?kind=weekly&period=2026-11');
    expect(badKind.status).toBe(400);
    expect(badKind.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'kind' })]));
    for (const [kind, period] of [
      ['monthly', '2026-13'],
      ['monthly', '2026-Q3'],
      ['quarterly', '2026-Q5'],
      ['annual', '26'],
    ]) {
      const res = await api.http.get(`/reports/periodic?kind=${kind}&period=${period}`);
      expect([res.status, res.body.code, res.body.details?.[0]?.field, res.body.details?.[0]?.code]).toEqual([
        400,
        'VALIDATION_FAILED',
        'period',
        'invalidPeriod',
      ]);
    }
    const notOver = await api.http.post('/reports/periodic/generate').set(as('platform_admin')).send({ kind: 'monthly', period: '2026-12' });
    expect([notOver.status, notOver.body.details?.[0]?.code]).toEqual([400, 'periodNotOver']);
    const index = await api.http.get('/reports/activity-index?from=2026-11-30&to=2026-11-01');
    expect([index.status, index.body.details?.[0]?.field]).toEqual([400, 'to']);
  });

  it('generates the monthly report with the figures worked out by hand', async () => {
    const res = await api.http.post('/reports/periodic/generate').set(as('platform_admin')).send({ kind: 'monthly', period: '2026-11' });
    expect(res.status).toBe(200);
    report = res.body;
    const o = report.overall;
    expect([report.title, report.from, report.to, report.previousPeriod, report.yearAgoPeriod]).toEqual([
      '2026-11 月监测',
      '2026-11-01',
      '2026-11-30',
      '2026-10',
      '2025-11',
    ]);
    expect(o.listings).toEqual({ unit: 'count', value: '3', previous: '1', yearAgo: '2', changeVsPrevious: '200.00', changeVsYearAgo: '50.00' });
    expect(o.auctionsHeld).toEqual({ unit: 'count', value: '1', previous: '1', yearAgo: '0', changeVsPrevious: '0.00', changeVsYearAgo: null });
    expect([o.lotsOffered.value, o.lotsSold.value, o.lotsOffered.previous, o.lotsSold.previous]).toEqual(['3', '2', '1', '1']);
    expect(o.sellThroughRate).toEqual({
      unit: 'percent',
      value: '66.67',
      previous: '100.00',
      yearAgo: null,
      changeVsPrevious: '-33.33',
      changeVsYearAgo: null,
    });
    expect(o.premiumRate).toEqual({ unit: 'percent', value: '23.33', previous: '0.00', yearAgo: null, changeVsPrevious: '23.33', changeVsYearAgo: null });
    expect([o.soldStartFen.value, o.soldHammerFen.value]).toEqual(['3000000', '3700000']);
    expect([o.deals.value, o.dealValueFen.value, o.dealValueFen.changeVsPrevious]).toEqual(['2', '3700000', '270.00']);
    expect([o.contractsRegistered.value, o.contractValueFen.value, o.contractPaidFen.value]).toEqual(['1', '1500000', '1000000']);
    expect(o.subsidyApprovedFen).toEqual({ unit: 'fen', value: '200000', previous: '80000', yearAgo: '0', changeVsPrevious: '150.00', changeVsYearAgo: null });
    expect([o.subsidyPaidFen.value, o.subsidyPaidFen.previous]).toEqual(['150000', '0']);

    const field = Object.fromEntries(report.breakdowns.field.map((r) => [r.key, r]));
    expect(Object.keys(field).sort()).toEqual(['internet_plus', 'life_health', 'new_materials', 'other']);
    expect([field.new_materials.label, field.new_materials.figures.premiumRate.value, field.new_materials.figures.auctionsHeld.value]).toEqual([
      '新材料',
      '50.00',
      null,
    ]);
    expect(field.internet_plus.figures.sellThroughRate.value).toBe('0.00');
    const region = Object.fromEntries(
      report.breakdowns.region.map((r) => [r.key, [r.label, r.figures.dealValueFen.value, r.figures.subsidyApprovedFen.value]]),
    );
    // the research-funding subsidy has no holder: its region is the enterprise's (Shaoxing), in October
    expect(region).toEqual({
      '330100': ['杭州市', '1500000', '200000'],
      '330200': ['宁波市', '2200000', '0'],
      '330600': ['绍兴市', '0', '0'],
    });
    expect(report.breakdowns.region.find((r) => r.key === '330600')!.figures.subsidyApprovedFen.previous).toBe('80000');
    const holderType = Object.fromEntries(report.breakdowns.holderType.map((r) => [r.key, r.figures.lotsOffered.value]));
    expect(holderType).toEqual({ '': '0', university: '2', institute: '1' });
    const theme = Object.fromEntries(report.breakdowns.theme.map((r) => [r.key, [r.figures.auctionsHeld.value, r.figures.lotsSold.value]]));
    expect(theme).toEqual({ '': ['0', '0'], regular: ['0', '0'], yangtze_delta: ['1', '2'] });
    expect(report.trend.map((t) => t.month)).toHaveLength(12);
    expect(report.trend.slice(-2)).toEqual([
      { month: '2026-10', listings: 1, lotsSold: 1, deals: 1, dealValueFen: '1000000', contractValueFen: '0' },
      { month: '2026-11', listings: 3, lotsSold: 2, deals: 2, dealValueFen: '3700000', contractValueFen: '1500000' },
    ]);

    const got = await api.http.get('/reports/periodic?kind=monthly&period=2026-11');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(report);
    const available = await api.http.get('/reports/periodic/available');
    expect(available.body.items).toEqual([
      expect.objectContaining({ kind: 'monthly', period: '2026-11', title: '2026-11 月监测', generatedBy: 'request', sha256: report.sha256 }),
    ]);
  });

  it('exports the same totals as XLSX (one sheet per breakdown) and PDF (charts, hash on every page)', async () => {
    const x = await api.http
      .get('/reports/periodic/export.xlsx?kind=monthly&period=2026-11')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['总体', '技术领域', '地区', '持有方类型', '专场主题', '月度趋势']);
    const overall = wb.getWorksheet('总体')!;
    const rowOf = (label: string) => {
      let found: unknown[] = [];
      overall.eachRow((row) => {
        const values = row.values as unknown[];
        if (values[1] === label) found = values.slice(1);
      });
      return found;
    };
    expect(rowOf('成交率（%）')).toEqual(['成交率（%）', '66.67', '100.00', '-33.33 个百分点', '—', '—']);
    expect(rowOf('溢价率（%）').slice(0, 2)).toEqual(['溢价率（%）', '23.33']);
    expect(rowOf('成交金额（元）').slice(0, 4)).toEqual(['成交金额（元）', '37,000.00', '10,000.00', '270.00%']);
    expect(rowOf('新增挂牌（项）').slice(0, 2)).toEqual(['新增挂牌（项）', '3']);
    expect(rowOf('核定补助（元）')).toEqual(['核定补助（元）', '2,000.00', '800.00', '150.00%', '0.00', '—']);
    expect(rowOf('合同实际到账（元）').slice(0, 2)).toEqual(['合同实际到账（元）', '10,000.00']);
    const fields = wb.getWorksheet('技术领域')!;
    expect(fields.rowCount).toBe(5);

    const p = await api.http
      .get('/reports/periodic/export.pdf?kind=monthly&period=2026-11')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect([p.status, p.headers['content-type'], p.headers['x-content-sha256']]).toEqual([200, 'application/pdf', report.sha256]);
    const text = await pdfText(p.body as Buffer);
    expect(text).toContain('2026-11 月监测');
    expect(text).toMatch(/成交率（%） 66\.67 100\.00 -33\.33 个百分点/);
    expect(text).toMatch(/溢价率（%） 23\.33 0\.00 23\.33 个百分点/);
    expect(text).toMatch(/成交金额（元） 37,000\.00 10,000\.00 270\.00%/);
    expect(text).toMatch(/核定补助（元） 2,000\.00 800\.00 150\.00% 0\.00 —/);
    expect(text).toMatch(/拨付补助（元） 1,500\.00 0\.00 — 0\.00 —/);
    expect(text).toContain('月度趋势');
    expect(text).toContain(report.sha256);
  });

  it('publishes the activity index: the base day is 100, and later days follow the weighted rule', async () => {
    const res = await api.http.get('/reports/activity-index?from=2026-10-31&to=2026-11-30&base=2026-10-31');
    expect(res.status).toBe(200);
    expect(res.body.weights).toEqual({ listings: 15, bidders: 15, bids: 20, deals: 25, valueFen: 25 });
    // base window 10-02 … 10-31: 1 listing, 1 bidder, 2 bids, 1 deal of 1,000,000 fen
    expect(res.body.base).toEqual({ listings: 1, bidders: 1, bids: 2, deals: 1, valueFen: '1000000' });
    const byDay = Object.fromEntries(res.body.series.map((p: { date: string }) => [p.date, p]));
    expect(res.body.series).toHaveLength(31);
    expect(byDay['2026-10-31'].index).toBe('100.00');
    // 10-11 … 11-09: listings 2 (×2), bidders 1 + 3 (×4), bids 2 (×1), deals 1 (×1), value (×1):
    // (15·200 + 15·400 + 20·100 + 25·100 + 25·100) ÷ 100 = 160.00
    expect(byDay['2026-11-09']).toEqual({
      date: '2026-11-09',
      index: '160.00',
      components: { listings: 2, bidders: 4, bids: 2, deals: 1, valueFen: '1000000' },
    });
    // 11-01 … 11-30: listings 3, bidders 3, bids 4, deals 2, value 3,700,000:
    // (15·300 + 15·300 + 20·200 + 25·200 + 25·370) ÷ 100 = 272.50
    expect(byDay['2026-11-30'].index).toBe('272.50');
    // by field and region: life_health had nothing in the base window, so no index
    const lifeHealth = await api.http.get('/reports/activity-index?from=2026-11-30&to=2026-11-30&base=2026-10-31&field=life_health');
    expect(lifeHealth.body.series).toEqual([
      { date: '2026-11-30', index: null, components: { listings: 1, bidders: 1, bids: 1, deals: 1, valueFen: '2200000' } },
    ]);
    const hangzhou = await api.http.get('/reports/activity-index?from=2026-11-30&to=2026-11-30&base=2026-10-31&region=330100');
    // Hangzhou (330106 holder): listings 2, bidders 2, bids 3, deals 1, value 1,500,000 against the same base:
    // (15·200 + 15·200 + 20·150 + 25·100 + 25·150) ÷ 100 = 152.50
    expect(hangzhou.body.series[0].index).toBe('152.50');
  });

  it('refreshes incrementally: a change on one day re-aggregates only that day', async () => {
    const refresh = api.app.get(FactsRefreshService);
    expect((await refresh.refresh()).days).toEqual([]);
    await listing(a1, u1, '2026-11-21');
    expect((await refresh.refresh()).days).toEqual(['2026-11-21']);
    const regenerated = await api.http.post('/reports/periodic/generate').set(as('platform_admin')).send({ kind: 'monthly', period: '2026-11' });
    expect(regenerated.body.overall.listings.value).toBe('4');
    expect(regenerated.body.sha256).not.toBe(report.sha256);
    expect((await refresh.refresh()).days).toEqual([]);
  });

  it('does not take committed rows again while a transaction in another database holds the snapshot xmin back', async () => {
    // transaction ids and snapshots are the cluster's: a transaction left open in another database
    // (another test file, another application) keeps every snapshot's xmin below the rows written meanwhile
    const elsewhere = new Client({ connectionString: databaseUrl('postgres') });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()');
      const refresh = api.app.get(FactsRefreshService);
      await refresh.refresh();
      await listing(a1, u1, '2026-11-23');
      expect((await refresh.refresh()).days).toEqual(['2026-11-23']);
      expect((await refresh.refresh()).days).toEqual([]);
    } finally {
      await elsewhere.query('ROLLBACK');
      await elsewhere.end();
    }
  });

  it('finds the rows written since a watermark also after the 32-bit transaction counter wrapped (ids of the next epoch)', async () => {
    const next = async () => BigInt((await ds.query(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x`))[0].x);
    const epoch = 4_294_967_296n;
    const before = await next();
    await listing(a1, u1, '2026-11-22');
    const after = await next();
    // the same rows, as if the counter had wrapped once: their raw 32-bit xmin is unchanged, the 64-bit ids are one epoch on
    const seenUpTo = (xid: bigint) => `${xid}:${xid}:`; // a snapshot that saw every transaction before xid
    expect(await touchedDays(ds, seenUpTo(before + epoch), (after + epoch).toString())).toEqual(['2026-11-22']);
    expect(await touchedDays(ds, seenUpTo(after + epoch), (after + epoch).toString())).toEqual([]);
  });
});
