import { DataSource } from 'typeorm';
import { CLOCK, type TravelClock } from '../../libs/core/src';
import { createOrganization, createUser, login, RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';
import { insertContractPayment, insertRegisteredContract, insertSubsidyEnterprise } from '../support/subsidy-factory';

/**
 * The subsidy budget outlook over HTTP, on a seeded authority: one policy (10% of what is actually
 * paid, at most 120,000 元 a contract, budget 300,000 元), applications approved and under
 * review, and contracts in force whose instalments fall due later in the year. Today is
 * 2026-09-15 (Asia/Shanghai); every monthly figure below is worked out by hand in the comments.
 */
describe('the subsidy budget outlook', () => {
  let api: TestApi;
  let db: DataSource;
  let users: RoleUsers;
  let kq: string;
  let ningbo: string;
  let keqiao: string;
  let policyId: string;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  const policy = (overrides: Record<string, unknown> = {}) => ({
    kind: 'contract',
    name: '柯桥区技术交易补助（预算展望）',
    documentNumber: '柯科〔2026〕88号',
    effectiveFrom: '2026-01-01',
    effectiveTo: '2026-12-31',
    eligibility: { contractTypes: ['transfer', 'license'], registration: { required: true } },
    base: 'actual_paid',
    rate: { kind: 'single', rate: '10%' },
    caps: { perContractFen: '12000000' },
    budgetFen: '30000000',
    stacking: 'exclusive',
    ...overrides,
  });

  async function insertApplication(contractId: string, enterpriseId: string, status: 'approved' | 'submitted', fen: bigint): Promise<void> {
    const [decider] = (await db.query(`SELECT id FROM users WHERE organization_id = $1 LIMIT 1`, [keqiao])) as { id: string }[];
    await db.query(
      `INSERT INTO subsidy_applications (policy_id, authority_id, subject_type, subject_id, enterprise_id, year, enterprise_region_code, status, policy_version,
                                         computed_fen, explanation, payee, approved_fen, decided_by, decided_at)
       VALUES ($1, $2, 'contract', $3, $4, 2026, '330603', $5, 1, $6, '{}', '{"accountName":"x"}', $7, $8, CASE WHEN $8::uuid IS NULL THEN NULL ELSE now() END)`,
      [
        policyId,
        keqiao,
        contractId,
        enterpriseId,
        status,
        fen.toString(),
        status === 'approved' ? fen.toString() : null,
        status === 'approved' ? decider.id : null,
      ],
    );
  }

  beforeAll(async () => {
    api = await startApi();
    db = api.app.get(DataSource);
    users = await usersOfEveryRole(api);
    keqiao = await createOrganization(api, { type: 'authority', name: '柯桥区科学技术局（展望）', regionCode: '330603', authorityLevel: 'county' });
    kq = (await login(api, await createUser(api, keqiao, ['authority_admin']))).accessToken;
    const nb = await createOrganization(api, { type: 'authority', name: '宁波市科学技术局（展望）', regionCode: '330200', authorityLevel: 'city' });
    ningbo = (await login(api, await createUser(api, nb, ['authority_admin']))).accessToken;
    // Tokens are signed at the real time; the platform then lives on 2026-09-15, 10:00 in Shanghai.
    api.app.get<TravelClock>(CLOCK).travelTo('2026-09-15T02:00:00Z');

    const created = await api.http.post('/subsidy-policies').set(bearer(kq)).send(policy());
    expect(created.status).toBe(201);
    policyId = created.body.id as string;

    const [e1, e2, e3, e4] = await Promise.all([1, 2, 3, 4].map(() => insertSubsidyEnterprise(db, '330603')));
    const outside = await insertSubsidyEnterprise(db, '330106');
    const instalments = (...items: [string, string][]) => [{ kind: 'instalments', instalments: items.map(([amountFen, dueOn]) => ({ amountFen, dueOn })) }];
    // A: 500,000 元 paid in March (50,000 元 approved), 500,000 元 due 2026-10-20, 1,000,000 元 due 2026-12-10.
    const a = await insertRegisteredContract(db, {
      buyerId: e1.organizationId,
      fees: instalments(['50000000', '2026-03-31'], ['50000000', '2026-10-20'], ['100000000', '2026-12-10']),
    });
    await insertContractPayment(db, a, 50_000_000n, '2026-03-30');
    await insertApplication(a, e1.organizationId, 'approved', 5_000_000n);
    // B: a transfer, 800,000 元 due 2026-08-01, not paid: overdue, so expected this month.
    await insertRegisteredContract(db, {
      buyerId: e2.organizationId,
      type: 'transfer',
      fees: [{ kind: 'lump_sum', amountFen: '80000000', dueOn: '2026-08-01' }],
    });
    // C: 400,000 元 paid in June (40,000 元 applied for, under review), 600,000 元 due 2026-11-15.
    const c = await insertRegisteredContract(db, { buyerId: e3.organizationId, fees: instalments(['40000000', '2026-06-01'], ['60000000', '2026-11-15']) });
    await insertContractPayment(db, c, 40_000_000n, '2026-06-01');
    await insertApplication(c, e3.organizationId, 'submitted', 4_000_000n);
    // D: 300,000 元 paid in May, nothing applied for yet: 30,000 元 claimable now.
    const d = await insertRegisteredContract(db, {
      buyerId: e4.organizationId,
      type: 'transfer',
      fees: [{ kind: 'lump_sum', amountFen: '30000000', dueOn: '2026-05-01' }],
    });
    await insertContractPayment(db, d, 30_000_000n, '2026-05-02');
    // Not counted: a buyer outside Keqiao, a completed contract, an unregistered one (the policy requires registration).
    await insertRegisteredContract(db, { buyerId: outside.organizationId, fees: instalments(['90000000', '2026-10-01']) });
    await insertRegisteredContract(db, { buyerId: e4.organizationId, status: 'completed', fees: instalments(['90000000', '2026-10-01']) });
    await insertRegisteredContract(db, { buyerId: e4.organizationId, registeredOn: null, fees: instalments(['90000000', '2026-10-01']) });
  });
  afterAll(async () => {
    await api.close();
  });

  it('places committed, pending and expected by month, cumulates them against the budget and names the month it runs out', async () => {
    const res = await api.http.get(`/subsidy-policies/${policyId}/outlook`).set(bearer(kq));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      policy: { id: policyId, documentNumber: '柯科〔2026〕88号', status: 'active' },
      year: 2026,
      today: '2026-09-15',
      budgetFen: '30000000',
      committedFen: '5000000', // A's approval
      committedCount: 1,
      pendingFen: '4000000', // C's application under review
      pendingCount: 1,
      expectedEarnedFen: '3000000', // D: 10% of 300,000 元, nobody applied
      // September: B 80,000 元 (10% of the overdue 800,000 元) + D 30,000 元; October: A's second instalment, 50,000 元;
      // November: C's second instalment, 60,000 元; December: A's third would add 100,000 元 but the contract's cap
      // of 120,000 元 leaves 20,000 元 (50,000 + 50,000 already).
      expectedFen: '24000000',
      projectedFen: '33000000',
      remainingFen: '25000000',
      projectedRemainingFen: '-3000000',
      exhaustion: { status: 'within_year', month: '2026-11' },
    });
    expect(res.body.months).toEqual([
      { month: '2026-09', committedFen: '5000000', pendingFen: '4000000', expectedFen: '11000000', cumulativeFen: '20000000', remainingFen: '10000000' },
      { month: '2026-10', committedFen: '0', pendingFen: '0', expectedFen: '5000000', cumulativeFen: '25000000', remainingFen: '5000000' },
      { month: '2026-11', committedFen: '0', pendingFen: '0', expectedFen: '6000000', cumulativeFen: '31000000', remainingFen: '-1000000' },
      { month: '2026-12', committedFen: '0', pendingFen: '0', expectedFen: '2000000', cumulativeFen: '33000000', remainingFen: '-3000000' },
    ]);

    const all = await api.http.get('/subsidy-outlook').set(bearer(kq));
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.items[0]).toEqual(res.body);
    // The operator reads it too.
    expect((await api.http.get(`/subsidy-policies/${policyId}/outlook`).set(bearer(users.platform_admin.token))).body.projectedFen).toBe('33000000');
  });

  it("shows the draft's effect in the editor's preview: 20% and a budget of 500,000 元 last the year", async () => {
    const res = await api.http
      .post('/subsidy-policies/preview')
      .set(bearer(kq))
      .send({ policy: policy({ rate: { kind: 'single', rate: '20%' }, budgetFen: '50000000' }), valueFen: '100000000', policyId });
    expect(res.status).toBe(200);
    // September: B 160,000 元 capped at 120,000 元 + D 60,000 元; October: A 100,000 → 200,000 元, capped: +20,000 元;
    // November: C 80,000 → 200,000 元, capped at 120,000 元: +40,000 元; December: A is at its cap.
    expect(res.body.outlook).toMatchObject({
      policy: { id: policyId, status: 'draft' },
      budgetFen: '50000000',
      committedFen: '5000000',
      pendingFen: '4000000',
      projectedFen: '33000000',
      exhaustion: { status: 'not_within_year', month: null },
    });
    expect(res.body.outlook.months.map((m: { expectedFen: string }) => m.expectedFen)).toEqual(['18000000', '2000000', '4000000', '0']);
    // A new draft (no policy id): nothing committed or pending, every contract's earned subsidy claimable.
    const fresh = await api.http
      .post('/subsidy-policies/preview')
      .set(bearer(kq))
      .send({ policy: policy({ documentNumber: '柯科〔2026〕89号' }), valueFen: '1' });
    expect(fresh.body.outlook).toMatchObject({ policy: { id: null }, committedFen: '0', pendingFen: '0', expectedEarnedFen: '12000000' });
  });

  it("publishes each contract's schedule as the contracts context derives it: dates, days after signing, reached milestones, reported royalties", async () => {
    // Outside Keqiao, so the outlook above is unchanged.
    const buyer = await insertSubsidyEnterprise(db, '330106');
    const id = await insertRegisteredContract(db, {
      buyerId: buyer.organizationId,
      signedOn: '2026-04-01',
      fees: [
        { kind: 'lump_sum', amountFen: '1000', dueDays: 10 },
        {
          kind: 'instalments',
          instalments: [
            { amountFen: '2000', dueOn: '2026-06-30' },
            { amountFen: '3000', dueDays: 90 },
          ],
        },
        {
          kind: 'milestones',
          milestones: [
            { key: 'pilot', description: '中试', amountFen: '4000', dueDays: 15 },
            { key: 'mass', description: '量产', amountFen: '5000', dueDays: 15 },
          ],
        },
        { kind: 'royalty', rate: '0.05', period: 'quarter', dueDays: 30 },
      ],
    });
    await db.query(`INSERT INTO contract_milestones (contract_id, milestone_key, reached_on, recorded_at) VALUES ($1, 'pilot', '2026-07-10', now())`, [id]);
    await db.query(
      `INSERT INTO contract_royalty_reports (contract_id, period_index, period_starts_on, period_ends_on, sales_fen, royalty_fen, reported_at)
       VALUES ($1, 1, '2026-04-01', '2026-06-30', 100000, 5000, now())`,
      [id],
    );
    const rows = (await db.query(
      `SELECT obligation_key AS key, kind, amount_fen::text AS amount, to_char(due_on, 'YYYY-MM-DD') AS due FROM contract_schedule_directory WHERE contract_id = $1 ORDER BY obligation_key`,
      [id],
    )) as { key: string; kind: string; amount: string; due: string | null }[];
    expect(rows).toEqual([
      { key: 'instalment:1', kind: 'instalment', amount: '2000', due: '2026-06-30' },
      { key: 'instalment:2', kind: 'instalment', amount: '3000', due: '2026-06-30' }, // 90 days after 2026-04-01
      { key: 'lump_sum', kind: 'lump_sum', amount: '1000', due: '2026-04-11' },
      { key: 'milestone:mass', kind: 'milestone', amount: '5000', due: null }, // not reached
      { key: 'milestone:pilot', kind: 'milestone', amount: '4000', due: '2026-07-25' },
      { key: 'royalty:1', kind: 'royalty', amount: '5000', due: '2026-07-30' }, // the period's end + 30 days
    ]);
  });

  it("counts an enterprise's other expected subsidies towards the policy's per-enterprise yearly cap", async () => {
    const draft = {
      policy: policy({ documentNumber: '柯科〔2026〕90号', caps: { perContractFen: '12000000', perEnterprisePerYearFen: '6000000' } }),
      valueFen: '1',
    };
    const before = (await api.http.post('/subsidy-policies/preview').set(bearer(kq)).send(draft)).body.outlook as { expectedFen: string };
    // One new enterprise, two contracts: X earned 30,000 元 and expects 50,000 元 in October, Y earned 20,000 元 and expects
    // 20,000 元 in November: 120,000 元 on their own, but at most 60,000 元 for the enterprise in the year.
    const e5 = await insertSubsidyEnterprise(db, '330603');
    const x = await insertRegisteredContract(db, {
      buyerId: e5.organizationId,
      fees: [
        {
          kind: 'instalments',
          instalments: [
            { amountFen: '30000000', dueOn: '2026-05-01' },
            { amountFen: '50000000', dueOn: '2026-10-10' },
          ],
        },
      ],
    });
    await insertContractPayment(db, x, 30_000_000n, '2026-05-01');
    const y = await insertRegisteredContract(db, {
      buyerId: e5.organizationId,
      fees: [
        {
          kind: 'instalments',
          instalments: [
            { amountFen: '20000000', dueOn: '2026-05-01' },
            { amountFen: '20000000', dueOn: '2026-11-10' },
          ],
        },
      ],
    });
    await insertContractPayment(db, y, 20_000_000n, '2026-05-01');
    const after = (await api.http.post('/subsidy-policies/preview').set(bearer(kq)).send(draft)).body.outlook as { expectedFen: string };
    expect(BigInt(after.expectedFen) - BigInt(before.expectedFen)).toBe(6_000_000n);
  });

  it('refuses other roles, other authorities, unknown and malformed ids', async () => {
    const url = `/subsidy-policies/${policyId}/outlook`;
    for (const role of ['enterprise_admin', 'holder_admin', 'broker'] as const) {
      const res = await api.http.get(url).set(bearer(users[role].token));
      expect([role, res.status, res.body.code]).toEqual([role, 403, 'FORBIDDEN_ROLE']);
    }
    expect((await api.http.get('/subsidy-outlook').set(bearer(users.enterprise_admin.token))).status).toBe(403);
    const other = await api.http.get(url).set(bearer(ningbo));
    expect([other.status, other.body.code]).toEqual([404, 'POLICY_NOT_FOUND']);
    expect((await api.http.get('/subsidy-outlook').set(bearer(ningbo))).body).toEqual({ items: [] });
    const unknown = await api.http.get('/subsidy-policies/0190a1b2-0000-7000-8000-000000000000/outlook').set(bearer(kq));
    expect([unknown.status, unknown.body.code]).toEqual([404, 'POLICY_NOT_FOUND']);
    const bad = await api.http.get('/subsidy-policies/not-an-id/outlook').set(bearer(kq));
    expect(bad.status).toBe(400);
    expect((await api.http.get(url)).status).toBe(401);
    // Another authority may not preview against this policy's applications.
    const preview = await api.http.post('/subsidy-policies/preview').set(bearer(ningbo)).send({ policy: policy(), valueFen: '1', policyId });
    expect(preview.status).toBe(404);
  });
});
