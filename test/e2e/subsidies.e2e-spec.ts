import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { shanghaiDate } from '../../libs/core/src';
import { expectPagedList } from '../support/page-checks';
import { type OpenApiDocument, responseMismatches } from '../support/response-schema';
import { createOrganization, createUser, login, RoleUsers, startApi, TestApi, usersOfEveryRole } from '../support/api';
import { insertAchievement } from '../support/registry-factory';
import { ATTACHMENT, PAYEE } from '../support/subsidy-factory';

const binary = (res: Response & { setEncoding?: unknown }, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  (res as unknown as NodeJS.ReadableStream).on('data', (c: Buffer) => chunks.push(c));
  (res as unknown as NodeJS.ReadableStream).on('end', () => done(null, Buffer.concat(chunks)));
};

/**
 * P-SUB over HTTP with a real worker: an authority defines a policy → a contract is signed,
 * registered (认定登记) and paid → the worker computes the candidate → the enterprise applies →
 * one administrator reviews, a second approves → a settlement batch → export → paid.
 */
describe('subsidies over HTTP: policy → contract → candidate → application → four-eyes → batch → export → paid', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let users: RoleUsers;
  let keqiao: string;
  let reviewerToken: string;
  let approverToken: string;
  const today = shanghaiDate(new Date()).toString();
  const year = Number(today.slice(0, 4));
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const as = (role: keyof RoleUsers) => bearer(users[role].token);

  const policyBody = (overrides: Record<string, unknown> = {}) => ({
    kind: 'contract',
    name: '柯桥区技术交易补助',
    documentNumber: `柯科〔${year}〕12号`,
    effectiveFrom: `${year}-01-01`,
    effectiveTo: `${year + 3}-12-31`,
    eligibility: {
      sellerCategory: 'high_level_platform',
      contractTypes: ['transfer', 'license'],
      registration: { withinDaysOfSigning: 30 },
      buyerMustBeSme: true,
    },
    base: 'actual_paid',
    rate: {
      kind: 'progressive',
      tiers: [
        { fromFen: '0', rate: '0.1' },
        { fromFen: '50000000', rate: '5%' },
      ],
    },
    caps: { perContractFen: '20000000', perEnterprisePerYearFen: '50000000' },
    budgetFen: '500000000',
    stacking: 'exclusive',
    ...overrides,
  });

  beforeAll(async () => {
    api = await startApi();
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(api.config, { schedule: false }), { logger: false, abortOnError: false });
    users = await usersOfEveryRole(api); // its enterprise is an SME in 330603 (柯桥区); its holder a high-level platform
    keqiao = await createOrganization(api, { type: 'authority', name: '柯桥区科学技术局（测试）', regionCode: '330603', authorityLevel: 'county' });
    reviewerToken = (await login(api, await createUser(api, keqiao, ['authority_admin']))).accessToken;
    approverToken = (await login(api, await createUser(api, keqiao, ['authority_admin']))).accessToken;
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('refuses a malformed policy naming the fields, and policies from anyone but an authority administrator', async () => {
    const bad = await api.http
      .post('/subsidy-policies')
      .set(bearer(reviewerToken))
      .send(policyBody({ rate: { kind: 'single', rate: 0.1 }, budgetFen: 5e9, extra: true }));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['budgetFen', 'extra', 'rate.rate']);
    const tiers = await api.http
      .post('/subsidy-policies')
      .set(bearer(reviewerToken))
      .send(policyBody({ rate: { kind: 'banded', tiers: [{ fromFen: '10', rate: '0.1' }] } }));
    expect(tiers.status).toBe(400);
    expect(tiers.body.details).toEqual([expect.objectContaining({ field: 'rate.tiers[0].fromFen', code: 'firstTierFromZero' })]);
    for (const role of ['enterprise_admin', 'holder_admin', 'platform_admin'] as const) {
      const res = await api.http.post('/subsidy-policies').set(as(role)).send(policyBody());
      expect(res.status).toBe(403);
    }
    expect((await api.http.get('/subsidy-policies')).status).toBe(401);
  });

  it('runs the whole flow', async () => {
    // 1. the county defines its policy through the API
    const created = await api.http.post('/subsidy-policies').set(bearer(reviewerToken)).send(policyBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ authority: { id: keqiao, level: 'county', regionCode: '330603' }, version: 1, budget: { remainingFen: '500000000' } });
    const policyId = created.body.id as string;
    const exported = await api.http.get(`/subsidy-policies/${policyId}/export`).set(bearer(reviewerToken));
    expect(exported.body).toMatchObject({
      format: 'zjp.subsidy-policies/1',
      policies: [expect.objectContaining({ documentNumber: `柯科〔${year}〕12号`, stacking: 'exclusive' })],
    });
    const inForce = await api.http.get(`/subsidy-policies?inForceOn=${today}&limit=100`).set(as('enterprise_member'));
    expect(inForce.body).toMatchObject({ limit: 100, offset: 0, total: expect.any(Number) });
    expect(inForce.body.items.map((p: { id: string }) => p.id)).toContain(policyId);

    // 2. a licence between the platform (holder) and the enterprise: drafted, signed, registered, paid
    const achievementId = await insertAchievement(api.app.get(DataSource), users.holder_admin.organizationId);
    const draft = await api.http
      .post('/contracts')
      .set(as('holder_admin'))
      .send({
        type: 'license',
        achievementId,
        buyerId: users.enterprise_admin.organizationId,
        terms: {
          license: {
            licenseType: 'exclusive',
            startsOn: today,
            endsOn: `${year + 5}-12-31`,
            territory: '中国大陆',
            fieldOfUse: '纺织品检测',
            sublicensing: false,
          },
          fees: [{ kind: 'lump_sum', amountFen: '120000000', dueDays: 30 }],
        },
      });
    expect(draft.status).toBe(201);
    const contractId = draft.body.id as string;
    expect((await api.http.post(`/contracts/${contractId}/submission`).set(as('holder_admin')).send({ version: 1 })).status).toBe(200);
    expect((await api.http.post(`/contracts/${contractId}/signatures`).set(as('holder_admin')).send({ version: 1 })).status).toBe(200);
    expect((await api.http.post(`/contracts/${contractId}/signatures`).set(as('enterprise_admin')).send({ version: 1 })).status).toBe(200);
    const registered = await api.http
      .post(`/contracts/${contractId}/registration`)
      .set(as('platform_admin'))
      .send({ number: `${year}330603${String(Date.now()).slice(-6)}`, registeredOn: today, registry: '绍兴市技术合同登记处' });
    expect(registered.status).toBe(200);
    const paid = await api.http
      .post(`/contracts/${contractId}/bank-transfers`)
      .set(as('platform_admin'))
      .send({ amountFen: '120000000', bankReference: `ICBC-${Date.now()}`, receivedOn: today });
    expect(paid.status).toBe(201);

    // 3. the payment triggers the worker: the enterprise sees its candidate with the explanation
    let candidate:
      (Record<string, unknown> & { amountFen: string; explanation: { caps: { name: string; bit: boolean }[]; rate: { steps: unknown[] } } }) | undefined;
    for (let i = 0; i < 100 && !candidate; i++) {
      const res = await api.http.get(`/subsidy-candidates?subjectId=${contractId}`).set(as('enterprise_member'));
      expect(res.status).toBe(200);
      candidate = res.body.items.find((c: { policy: { id: string }; eligible: boolean }) => c.policy.id === policyId && c.eligible);
      if (!candidate) await new Promise((r) => setTimeout(r, 100));
    }
    // 50万 × 10% + 70万 × 5% = 8.5万, capped at 20万? no: 85,000 yuan < 200,000 yuan cap
    expect(candidate).toMatchObject({ year, amountFen: '8500000', stacking: 'applies', applicationId: null });
    expect(candidate!.explanation.rate.steps).toHaveLength(2);
    expect(candidate!.explanation.caps.every((c) => !c.bit)).toBe(true);
    expect((await api.http.get(`/subsidy-candidates?subjectId=${contractId}`).set(as('holder_admin'))).status).toBe(403);

    // 4. the enterprise applies (once)
    const applyBody = {
      policyId,
      subjectType: 'contract',
      subjectId: contractId,
      year,
      statement: '合同款已全额支付',
      attachments: [ATTACHMENT],
      payee: PAYEE,
    };
    const byMember = await api.http.post('/subsidy-applications').set(as('enterprise_member')).send(applyBody);
    expect(byMember.status).toBe(403);
    const badPayee = await api.http
      .post('/subsidy-applications')
      .set(as('enterprise_admin'))
      .send({ ...applyBody, payee: { ...PAYEE, accountNumber: '12-34' } });
    expect(badPayee.status).toBe(400);
    expect(badPayee.body.details).toEqual([expect.objectContaining({ field: 'payee.accountNumber' })]);
    const applied = await api.http.post('/subsidy-applications').set(as('enterprise_admin')).send(applyBody);
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ status: 'submitted', computedFen: '8500000', subjectLabel: registered.body.registrationNumber ?? expect.any(String) });
    const again = await api.http.post('/subsidy-applications').set(as('enterprise_admin')).send(applyBody);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DUPLICATE_APPLICATION');
    const applicationId = applied.body.id as string;

    // 5. review by one administrator (adjusted), approval by another (four-eyes)
    const foreign = await api.http
      .post(`/subsidy-applications/${applicationId}/review`)
      .set(as('authority_admin'))
      .send({ decision: 'approve', reason: '越权' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('ORGANIZATION_BOUNDARY');
    const reviewed = await api.http
      .post(`/subsidy-applications/${applicationId}/review`)
      .set(bearer(reviewerToken))
      .send({ decision: 'adjust', amountFen: '8000000', reason: '一张发票金额不符，按核定金额' });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ status: 'reviewed', recommendedFen: '8000000' });
    const self = await api.http.post(`/subsidy-applications/${applicationId}/approve`).set(bearer(reviewerToken)).send({ reason: '同意' });
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('FOUR_EYES');
    const approved = await api.http.post(`/subsidy-applications/${applicationId}/approve`).set(bearer(approverToken)).send({ reason: '复核同意' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvedFen: '8000000' });
    const twice = await api.http.post(`/subsidy-applications/${applicationId}/approve`).set(bearer(approverToken)).send({ reason: '再批' });
    expect(twice.status).toBe(409);
    // the enterprise's inbox: the contract to sign, its payment, and the decision (once, for its members too)
    const inbox = (await api.http.get('/notifications').set(as('enterprise_member'))).body.items as { kind: string; data: Record<string, unknown> }[];
    expect(inbox.filter((n) => n.kind === 'subsidy_decision')).toEqual([
      expect.objectContaining({ title: '补贴申请已批准', data: { applicationId, decision: 'approved', approvedFen: '8000000' } }),
    ]);
    expect(inbox.map((n) => n.kind)).toEqual(expect.arrayContaining(['contract_ready_to_sign', 'payment_received']));
    expect(inbox.find((n) => n.kind === 'payment_received')?.data).toMatchObject({ contractId, amountFen: '120000000' });
    expect((await api.http.get('/notifications').set(bearer(approverToken))).body).toMatchObject({ items: [], total: 0 });
    expect((await api.http.get(`/subsidy-policies/${policyId}`).set(as('enterprise_member'))).body.budget).toMatchObject({
      reservedFen: '8000000',
      remainingFen: '492000000',
    });

    // 6. settlement: batch, export (CSV and XLSX), paid
    const batch = await api.http
      .post('/subsidy-batches')
      .set(bearer(reviewerToken))
      .send({ applicationIds: [applicationId], note: `${year}年第一批` });
    expect(batch.status).toBe(201);
    expect(batch.body).toMatchObject({ status: 'open', applications: 1, totalFen: '8000000' });
    const csv = await api.http.get(`/subsidy-batches/${batch.body.id}/export?format=csv`).set(bearer(reviewerToken));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('.csv');
    expect(csv.text).toContain('补助金额（元）');
    expect(csv.text).toContain('80000.00');
    const xlsx = await api.http.get(`/subsidy-batches/${batch.body.id}/export?format=xlsx`).set(bearer(approverToken)).buffer(true).parse(binary);
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ArrayBuffer);
    const row = workbook.getWorksheet('补助结算')!.getRow(2);
    expect(row.getCell(4).value).toBe(applied.body.enterprise.name);
    expect(row.getCell(16).value).toBe(80000);
    expect(row.getCell(10).value).toBe(PAYEE.accountNumber);
    const markPaid = await api.http
      .post(`/subsidy-batches/${batch.body.id}/paid`)
      .set(bearer(approverToken))
      .send({ paymentReference: 'GK-KQ-0001', paidOn: today });
    expect(markPaid.status).toBe(200);
    expect(markPaid.body).toMatchObject({ status: 'paid', paymentReference: 'GK-KQ-0001' });
    const mine = await api.http.get(`/subsidy-applications/${applicationId}`).set(as('enterprise_member'));
    expect(mine.body).toMatchObject({ status: 'paid', approvedFen: '8000000' });
    expect((await api.http.get(`/subsidy-applications/${applicationId}`).set(as('holder_admin'))).status).toBe(403);
    const balances = await api.http.get(`/subsidy-reports/budget`).set(bearer(reviewerToken));
    expect(balances.body).toEqual({
      items: [expect.objectContaining({ policyId, paidFen: '8000000', reservedFen: '0', usedPercent: '1.60' })],
      total: 1,
      limit: 20,
      offset: 0,
    });
    const ledger = await api.app
      .get(DataSource)
      .query(`SELECT account, amount_fen::text AS amount FROM ledger_entries WHERE subject_id = $1 ORDER BY amount_fen`, [applicationId]);
    expect(ledger).toEqual([
      { account: `org:${keqiao}:subsidies_paid`, amount: '-8000000' },
      { account: `org:${users.enterprise_admin.organizationId}:subsidies_received`, amount: '8000000' },
    ]);
  });

  it('answers the contract, subsidy, free-licence and notification reads exactly as the OpenAPI document describes them', async () => {
    const doc = (await api.http.get('/api/docs/openapi.json')).body as OpenApiDocument;
    const contracts = await api.http.get('/contracts').set(as('enterprise_admin'));
    const contractId = (contracts.body.items as { id: string }[])[0]?.id;
    expect(contractId).toBeDefined();
    const applications = await api.http.get('/subsidy-applications').set(as('enterprise_admin'));
    const applicationId = (applications.body.items as { id: string }[])[0]?.id;
    expect(applicationId).toBeDefined();
    const answers: [string, { status: number; body: unknown }][] = [
      ['/contracts', contracts],
      ['/contracts/{id}', await api.http.get(`/contracts/${contractId}`).set(as('enterprise_admin'))],
      ['/subsidy-candidates', await api.http.get('/subsidy-candidates').set(as('enterprise_admin'))],
      ['/subsidy-applications', applications],
      ['/subsidy-applications/{id}', await api.http.get(`/subsidy-applications/${applicationId}`).set(as('enterprise_admin'))],
      ['/free-license-applications', await api.http.get('/free-license-applications').set(as('enterprise_admin'))],
      ['/notifications', await api.http.get('/notifications').set(as('enterprise_admin'))],
    ];
    for (const [path, res] of answers) {
      expect(res.status).toBe(200);
      expect({ path, problems: responseMismatches(doc, 'get', path, res.body) }).toEqual({ path, problems: [] });
    }
  });

  it('pages the contract, subsidy, free-licence and notification lists: { items, total, limit, offset }', async () => {
    // a second contract and application, so that every list here has two items at least
    const achievementId = await insertAchievement(api.app.get(DataSource), users.holder_admin.organizationId);
    const draft = await api.http
      .post('/contracts')
      .set(as('holder_admin'))
      .send({
        type: 'license',
        achievementId,
        buyerId: users.enterprise_admin.organizationId,
        terms: {
          license: { licenseType: 'ordinary', startsOn: today, endsOn: `${year + 3}-12-31`, territory: '中国大陆', fieldOfUse: '检测', sublicensing: false },
          fees: [{ kind: 'lump_sum', amountFen: '1000000', dueDays: 30 }],
        },
      });
    expect(draft.status).toBe(201);
    const admin = (q: Record<string, string | number>, path: string) => api.http.get(path).query(q).set(as('platform_admin'));
    await expectPagedList((q) => api.http.get('/contracts').query(q).set(as('holder_admin')), 2);
    await expectPagedList((q) => admin(q, '/contracts'), 2);
    await expectPagedList((q) => admin(q, '/subsidy-candidates'), 1);
    await expectPagedList((q) => admin(q, '/subsidy-applications'), 1);
    await expectPagedList((q) => api.http.get('/notifications').query(q).set(as('enterprise_admin')), 0);
    await expectPagedList((q) => admin(q, '/free-license-applications'), 0);
  });

  it('takes a cap on each band of a tiered rate in the policy JSON, gives it back, and names a bad one', async () => {
    const tiers = [
      { fromFen: '0', rate: '0.1', caps: { perEnterprisePerYearFen: '50000000' } },
      { fromFen: '500000000', rate: '0.25', caps: { perContractFen: '500000000' } },
    ];
    const created = await api.http
      .post('/subsidy-policies')
      .set(bearer(reviewerToken))
      .send(policyBody({ name: '分档封顶补助', documentNumber: `柯科〔${year}〕99号`, rate: { kind: 'banded', tiers } }));
    expect(created.status).toBe(201);
    const read = await api.http.get(`/subsidy-policies/${created.body.id}`).set(bearer(reviewerToken));
    expect(read.body.document.rate.tiers).toEqual([
      { fromFen: '0', rate: '0.1', caps: { perContractFen: null, perEnterprisePerYearFen: '50000000' } },
      { fromFen: '500000000', rate: '0.25', caps: { perContractFen: '500000000', perEnterprisePerYearFen: null } },
    ]);
    const bad = await api.http
      .post('/subsidy-policies')
      .set(bearer(reviewerToken))
      .send(policyBody({ rate: { kind: 'banded', tiers: [tiers[0], { ...tiers[1], caps: { perContractFen: '0', perYear: '1' } }] } }));
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['rate.tiers[1].caps.perYear']);
    const zero = await api.http
      .post('/subsidy-policies')
      .set(bearer(reviewerToken))
      .send(policyBody({ rate: { kind: 'banded', tiers: [tiers[0], { ...tiers[1], caps: { perContractFen: '0' } }] } }));
    expect([zero.status, zero.body.details]).toEqual([400, [expect.objectContaining({ field: 'rate.tiers[1].caps.perContractFen', code: 'positive' })]]);
    await api.http.post(`/subsidy-policies/${created.body.id}/withdraw`).set(bearer(reviewerToken)).send({ reason: '测试结束' });
  });
});
