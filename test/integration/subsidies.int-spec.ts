import { Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { CLOCK, FixedClock } from '../../libs/core/src';
import { DatabaseModule } from '../../libs/database/src';
import { PlatformConfigModule, QueueProducersModule, RedisModule, type Principal } from '../../libs/platform/src';
import {
  ResearchFundingsService,
  SettlementBatchesService,
  SubsidiesModule,
  SubsidyApplicationsService,
  SubsidyCandidatesService,
  SubsidyPoliciesService,
  SubsidyReportsService,
} from '../../libs/subsidies/src';
import { testConfig } from '../support/config';
import { insertHolder } from '../support/registry-factory';
import {
  ATTACHMENT,
  authorityAdmin,
  insertAuthority,
  insertContractPayment,
  insertRegisteredContract,
  insertSubsidyEnterprise,
  insertUserWithRole,
  PAYEE,
  policyDocument,
} from '../support/subsidy-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('subsidies: policies, candidates, applications, review, budget, settlement', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let policies: SubsidyPoliciesService;
  let candidates: SubsidyCandidatesService;
  let applications: SubsidyApplicationsService;
  let batches: SettlementBatchesService;
  let fundings: ResearchFundingsService;
  let reports: SubsidyReportsService;
  const clock = new FixedClock(new Date('2027-03-02T02:00:00Z'));

  let keqiao: string;
  let shaoxing: string;
  let province: string;
  let reviewer: Principal;
  let approver: Principal;
  let cityAdmin: Principal;
  let provinceAdmin: Principal;

  /** An enterprise in Keqiao with a registered licence paid in two years. */
  const paidContract = async (enterprise?: Principal, payments: [bigint, string][] = [[100_000_000n, '2026-04-01']]) => {
    const buyer = enterprise ?? (await insertSubsidyEnterprise(ds));
    const contractId = await insertRegisteredContract(ds, { buyerId: buyer.organizationId, priceFen: payments.reduce((s, [a]) => s + a, 0n) });
    for (const [amount, on] of payments) await insertContractPayment(ds, contractId, amount, on);
    return { buyer, contractId };
  };
  const apply = (buyer: Principal, policyId: string, subjectId: string, year?: number) =>
    applications.apply(buyer, { policyId, subjectType: 'contract', subjectId, year, attachments: [ATTACHMENT], payee: PAYEE });
  const reviewed = async (buyer: Principal, policyId: string, subjectId: string, year?: number) => {
    const a = await apply(buyer, policyId, subjectId, year);
    await applications.review(reviewer, a.id, { decision: 'approve', reason: '材料齐全' });
    return a;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url);
    @Module({ imports: [PlatformConfigModule.forRoot(config), RedisModule, DatabaseModule.forRoot(config), QueueProducersModule, SubsidiesModule] })
    class TestModule {}
    const module = await Test.createTestingModule({ imports: [TestModule] })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    app = await module.init();
    ds = app.get(DataSource);
    policies = app.get(SubsidyPoliciesService);
    candidates = app.get(SubsidyCandidatesService);
    applications = app.get(SubsidyApplicationsService);
    batches = app.get(SettlementBatchesService);
    fundings = app.get(ResearchFundingsService);
    reports = app.get(SubsidyReportsService);
    keqiao = await insertAuthority(ds, '330603', 'county');
    shaoxing = await insertAuthority(ds, '330600', 'city');
    province = await insertAuthority(ds, '330000', 'province');
    reviewer = await authorityAdmin(ds, keqiao);
    approver = await authorityAdmin(ds, keqiao);
    cityAdmin = await authorityAdmin(ds, shaoxing);
    provinceAdmin = await authorityAdmin(ds, province);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  describe('policies as data', () => {
    it('creates a policy with its authority, level and region, and versions every change', async () => {
      const created = await policies.create(reviewer, policyDocument({ name: '柯桥区技术交易补助' }));
      expect(created).toMatchObject({
        authority: { id: keqiao, level: 'county', regionCode: '330603' },
        version: 1,
        status: 'active',
        budget: { totalFen: '1000000000', remainingFen: '1000000000' },
      });
      const changed = await policies.update(approver, created.id, {
        ...policyDocument({ name: '柯桥区技术交易补助（修订）', documentNumber: created.documentNumber, rate: { kind: 'single', rate: '0.08' } }),
        changeReason: '比例调整',
      });
      expect(changed).toMatchObject({ version: 2, name: '柯桥区技术交易补助（修订）', document: { rate: { kind: 'single', rate: '0.08' } } });
      const versions = (await policies.versions(created.id, { limit: 20, offset: 0 })).items.reverse();
      expect(versions.map((v) => [v.version, v.document.rate])).toEqual([
        [1, { kind: 'single', rate: '0.1' }],
        [2, { kind: 'single', rate: '0.08' }],
      ]);
      await expect(policies.update(approver, created.id, { ...changed.document })).rejects.toMatchObject({ code: 'POLICY_UNCHANGED' });
    });

    it("keeps an authority's administrators to its own policies", async () => {
      const county = await policies.create(reviewer, policyDocument());
      await expect(policies.update(cityAdmin, county.id, policyDocument({ documentNumber: county.documentNumber }))).rejects.toMatchObject({
        code: 'ORGANIZATION_BOUNDARY',
        kind: 'forbidden',
      });
      await expect(policies.withdraw(cityAdmin, county.id, '越权')).rejects.toMatchObject({ code: 'ORGANIZATION_BOUNDARY' });
      const enterprise = await insertSubsidyEnterprise(ds);
      await expect(policies.create(enterprise, policyDocument())).rejects.toMatchObject({ code: 'NOT_AN_AUTHORITY' });
    });

    it('refuses a bad document naming every field, and a P-DON policy below the province', async () => {
      const bad = policyDocument({ effectiveTo: '2025-01-01', rate: { kind: 'progressive', tiers: [{ fromFen: '100', rate: '0.1' }] }, budgetFen: '0' });
      const err = await policies.create(reviewer, bad).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((err as { details: { field: string }[] }).details.map((d) => d.field).sort()).toEqual(['budgetFen', 'effectiveTo', 'rate.tiers[0].fromFen']);
      await expect(policies.create(reviewer, policyDocument({ kind: 'research_funding', eligibility: {}, rate: undefined }))).rejects.toMatchObject({
        details: [expect.objectContaining({ field: 'kind', code: 'provinceOnly' })],
      });
      await expect(
        policies
          .create(reviewer, policyDocument({ documentNumber: '重复〔2026〕1号' }))
          .then(() => policies.create(approver, policyDocument({ documentNumber: '重复〔2026〕1号' }))),
      ).rejects.toMatchObject({
        code: 'POLICY_DOCUMENT_NUMBER_TAKEN',
      });
    });

    it('exports and imports policies as JSON: created, then unchanged, then versioned', async () => {
      const exported = await policies.export(reviewer);
      expect(exported.format).toBe('zjp.subsidy-policies/1');
      expect(exported.policies.length).toBeGreaterThan(0);
      const sample = exported.policies[0];
      const first = await policies.import(cityAdmin, { policies: [sample] });
      expect(first.results).toEqual([expect.objectContaining({ outcome: 'created' })]);
      const again = await policies.import(cityAdmin, JSON.parse(JSON.stringify({ ...exported, policies: [sample] })));
      expect(again.results[0]).toMatchObject({ outcome: 'unchanged', id: first.results[0].id });
      const edited = await policies.import(cityAdmin, { policies: [{ ...sample, budgetFen: '2000000000' }] });
      expect(edited.results[0]).toMatchObject({ outcome: 'versioned' });
      expect((await policies.get(first.results[0].id)).authority.id).toBe(shaoxing);
      const broken = await policies
        .import(cityAdmin, { policies: [sample, { ...sample, documentNumber: 'X', rate: { kind: 'single', rate: '2' } }] })
        .catch((e: unknown) => e);
      expect(broken).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'policies[1].rate.rate', code: 'rateAboveOne' })] });
    });
  });

  describe('candidates', () => {
    it('computes each year of an instalment contract under every policy whose region covers the buyer', async () => {
      const county = await policies.create(reviewer, policyDocument({ rate: { kind: 'single', rate: '0.1' } }));
      const city = await policies.create(cityAdmin, policyDocument({ rate: { kind: 'single', rate: '0.05' } }));
      const { buyer, contractId } = await paidContract(undefined, [
        [60_000_000n, '2026-11-20'],
        [40_000_000n, '2027-01-10'],
      ]);
      await candidates.computeSubject('contract', contractId);
      const mine = (await candidates.list(buyer, { subjectId: contractId })).items;
      const of = (policyId: string, year: number) => mine.find((c) => c.policy.id === policyId && c.year === year);
      expect(of(county.id, 2026)).toMatchObject({ eligible: true, amountFen: '6000000', stacking: 'applies' });
      expect(of(county.id, 2027)).toMatchObject({ eligible: true, amountFen: '4000000' });
      expect(of(city.id, 2026)).toMatchObject({ amountFen: '3000000' });
      expect(of(county.id, 2026)?.explanation.base.items.map((i) => i.counted)).toEqual([true, false]);

      // an enterprise in another county of Shaoxing: the city's policy, not Keqiao's
      const elsewhere = await insertSubsidyEnterprise(ds, '330602');
      const other = await paidContract(elsewhere);
      await candidates.computeSubject('contract', other.contractId);
      const theirs = (await candidates.list(elsewhere, {})).items;
      expect(theirs.map((c) => c.policy.id)).toContain(city.id);
      expect(theirs.map((c) => c.policy.id)).not.toContain(county.id);
      // another enterprise never sees them; each authority sees those under its own policies
      expect((await candidates.list(elsewhere, { subjectId: contractId })).items).toEqual([]);
      const seenByCity = (await candidates.list(cityAdmin, { subjectId: contractId })).items;
      expect(seenByCity.map((c) => c.policy.id)).toContain(city.id);
      expect(seenByCity.map((c) => c.policy.id)).not.toContain(county.id);
    });

    it('sweeps only subjects whose payments or registration changed since', async () => {
      await policies.create(reviewer, policyDocument());
      const { contractId, buyer } = await paidContract();
      await candidates.sweep();
      expect(await candidates.sweep()).toEqual({ subjects: 0 });
      await insertContractPayment(ds, contractId, 10_000_000n, '2026-05-01');
      expect((await candidates.sweep()).subjects).toBe(1);
      const found = (await candidates.list(buyer, { subjectId: contractId, year: 2026 })).items.filter((c) => c.eligible);
      expect(found.every((c) => c.explanation.base.items.length === 2)).toBe(true);
    });

    it("recomputes a subject when a party's flags or certificates change, not otherwise", async () => {
      const smeOnly = await policies.create(reviewer, policyDocument({ eligibility: { ...policyDocument().eligibility, buyerMustBeSme: true } }));
      const highTechOnly = await policies.create(reviewer, policyDocument({ eligibility: { ...policyDocument().eligibility, buyerMustBeHighTech: true } }));
      const { contractId, buyer } = await paidContract();
      await candidates.sweep();
      const state = async () => {
        const mine = (await candidates.list(buyer, { subjectId: contractId, year: 2026 })).items;
        const of = (id: string) => mine.find((c) => c.policy.id === id)!;
        return {
          sme: [of(smeOnly.id).eligible, of(smeOnly.id).failedCondition],
          highTech: [of(highTechOnly.id).eligible, of(highTechOnly.id).failedCondition],
        };
      };
      expect(await state()).toEqual({ sme: [true, null], highTech: [false, 'buyerHighTech'] });
      await ds.query(`UPDATE organizations SET sme = false WHERE id = $1`, [buyer.organizationId]);
      expect((await candidates.sweep()).subjects).toBe(1);
      expect(await state()).toEqual({ sme: [false, 'buyerSme'], highTech: [false, 'buyerHighTech'] });
      // a 高新技术企业 certificate in force when the contract took effect
      await ds.query(
        `INSERT INTO high_tech_certificates (id, organization_id, certificate_number, issued_on, expires_on, recorded_by, recorded_at)
         VALUES (gen_random_uuid(), $1, $2, '2025-01-01', '2027-12-31', $3, now())`,
        [buyer.organizationId, `GR2025${Math.random().toString().slice(2, 10)}`, buyer.userId],
      );
      expect((await candidates.sweep()).subjects).toBe(1);
      expect(await state()).toEqual({ sme: [false, 'buyerSme'], highTech: [true, null] });
      // another organisation's change recomputes nothing of this one
      await ds.query(`UPDATE organizations SET sme = NOT sme WHERE id = $1`, [(await insertSubsidyEnterprise(ds)).organizationId]);
      expect((await candidates.sweep()).subjects).toBe(0);
    });
  });

  describe('applications and review', () => {
    it('refuses a duplicate application, by the unique index even when the two race', async () => {
      const policy = await policies.create(reviewer, policyDocument());
      const { buyer, contractId } = await paidContract();
      const results = await Promise.allSettled([apply(buyer, policy.id, contractId), apply(buyer, policy.id, contractId), apply(buyer, policy.id, contractId)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([
        'DUPLICATE_APPLICATION',
        'DUPLICATE_APPLICATION',
      ]);
      await expect(apply(buyer, policy.id, contractId)).rejects.toMatchObject({ code: 'DUPLICATE_APPLICATION', kind: 'conflict' });
      // a rejected application no longer blocks a new one
      const [live] = (await applications.list(buyer, { policyId: policy.id, limit: 20, offset: 0 })).items;
      await applications.review(reviewer, live.id, { decision: 'reject', reason: '缺少发票' });
      expect((await apply(buyer, policy.id, contractId)).status).toBe('submitted');
    });

    it("refuses another enterprise's contract and an ineligible contract with the failing condition", async () => {
      const policy = await policies.create(reviewer, policyDocument({ eligibility: { contractTypes: ['transfer'] } }));
      const { buyer, contractId } = await paidContract();
      await expect(apply(await insertSubsidyEnterprise(ds), policy.id, contractId)).rejects.toMatchObject({ code: 'ORGANIZATION_BOUNDARY' });
      await expect(apply(buyer, policy.id, contractId)).rejects.toMatchObject({ code: 'NOT_ELIGIBLE', details: { failedCondition: 'contractType' } });
      await expect(apply(buyer, policy.id, contractId, 2030)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('keeps four eyes: the reviewer cannot approve, another administrator can; adjustments stay within the computed amount', async () => {
      const policy = await policies.create(reviewer, policyDocument());
      const { buyer, contractId } = await paidContract();
      const a = await apply(buyer, policy.id, contractId);
      expect(a).toMatchObject({ status: 'submitted', computedFen: '10000000' });
      await expect(applications.approve(approver, a.id, '跳过审核')).rejects.toMatchObject({ code: 'APPLICATION_NOT_REVIEWED' });
      await expect(applications.review(reviewer, a.id, { decision: 'adjust', amountFen: '10000001', reason: '多给' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await applications.review(reviewer, a.id, { decision: 'adjust', amountFen: '9000000', reason: '一笔发票不符' });
      await expect(applications.approve(reviewer, a.id, '自己批')).rejects.toMatchObject({ code: 'FOUR_EYES', kind: 'forbidden' });
      await expect(applications.approve(cityAdmin, a.id, '越权')).rejects.toMatchObject({ code: 'ORGANIZATION_BOUNDARY' });
      const approved = await applications.approve(approver, a.id, '同意');
      expect(approved).toMatchObject({
        status: 'approved',
        approvedFen: '9000000',
        recommendedFen: '9000000',
        review: { decision: 'adjust', by: reviewer.userId },
        decision: { by: approver.userId },
      });
      expect((await policies.get(policy.id)).budget).toMatchObject({ reservedFen: '9000000', remainingFen: '991000000' });
      // the database refuses the same person in both roles too
      await expect(ds.query(`UPDATE subsidy_applications SET decided_by = reviewed_by WHERE id = $1`, [a.id])).rejects.toThrow(/four_eyes/);
      const audit = await ds.query(`SELECT action, reason FROM audit_log WHERE subject_id = $1 ORDER BY id`, [a.id]);
      expect(audit.map((r: { action: string }) => r.action)).toEqual([
        'subsidy_application.submitted',
        'subsidy_application.reviewed',
        'subsidy_application.approved',
      ]);
    });

    it('never lets concurrent approvals exceed the budget', async () => {
      // budget 25万 (2,500,000 fen… in fen: 25,000,000); eight claims of 10万 each: two fit, half of a third does not
      const policy = await policies.create(reviewer, policyDocument({ budgetFen: '25000000' }));
      const reviewedIds: string[] = [];
      for (let i = 0; i < 8; i++) {
        const { buyer, contractId } = await paidContract();
        reviewedIds.push((await reviewed(buyer, policy.id, contractId)).id);
      }
      const approvers = await Promise.all([1, 2, 3, 4].map(() => authorityAdmin(ds, keqiao)));
      const outcomes = await Promise.allSettled(reviewedIds.map((id, i) => applications.approve(approvers[i % 4], id, '同意')));
      const approved = outcomes.filter((o) => o.status === 'fulfilled');
      expect(approved).toHaveLength(2);
      expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code)).toEqual(Array(6).fill('BUDGET_EXHAUSTED'));
      const [row] = await ds.query(`SELECT budget_fen::text AS budget, reserved_fen::text AS reserved FROM subsidy_policies WHERE id = $1`, [policy.id]);
      expect(row).toEqual({ budget: '25000000', reserved: '20000000' });
      const [sum] = await ds.query(`SELECT sum(approved_fen)::text AS total FROM subsidy_applications WHERE policy_id = $1 AND status = 'approved'`, [
        policy.id,
      ]);
      expect(sum.total).toBe('20000000');
      // the remaining 5万 is offered by the engine; an adjusted review for it succeeds
      const refused = reviewedIds.find((_, i) => outcomes[i].status === 'rejected')!;
      await expect(applications.approve(approvers[0], refused, '再试')).rejects.toMatchObject({
        code: 'BUDGET_EXHAUSTED',
        details: { availableFen: '5000000' },
      });
      // revoking an approval releases its budget
      const revoked = await applications.reject(approvers[1], (approved[0] as PromiseFulfilledResult<{ id: string }>).value.id, '发现重复申报');
      expect(revoked).toMatchObject({ status: 'rejected', revocation: { reason: '发现重复申报' } });
      expect((await policies.get(policy.id)).budget.reservedFen).toBe('10000000');
    });

    it('grants an exclusive policy alone: a second policy on the same contract is refused (stacking off), combinable ones stack', async () => {
      const county = await policies.create(reviewer, policyDocument({ stacking: 'exclusive' }));
      const city = await policies.create(cityAdmin, policyDocument({ stacking: 'combinable', rate: { kind: 'single', rate: '0.05' } }));
      const cityReviewer = await authorityAdmin(ds, shaoxing);
      const { buyer, contractId } = await paidContract();
      const a = await reviewed(buyer, county.id, contractId);
      await applications.approve(approver, a.id, '同意');
      const b = await apply(buyer, city.id, contractId);
      await applications.review(cityReviewer, b.id, { decision: 'approve', reason: '材料齐全' });
      await expect(applications.approve(cityAdmin, b.id, '同意')).rejects.toMatchObject({
        code: 'STACKING_NOT_ALLOWED',
        details: { conflictingPolicyId: county.id },
      });

      const city2 = await policies.create(cityAdmin, policyDocument({ stacking: 'combinable', rate: { kind: 'single', rate: '0.02' } }));
      const county2 = await policies.create(reviewer, policyDocument({ stacking: 'combinable' }));
      const other = await paidContract();
      const c = await reviewed(other.buyer, county2.id, other.contractId);
      await applications.approve(approver, c.id, '同意');
      const d = await apply(other.buyer, city2.id, other.contractId);
      await applications.review(cityReviewer, d.id, { decision: 'approve', reason: '材料齐全' });
      expect((await applications.approve(cityAdmin, d.id, '同意')).status).toBe('approved');
    });

    it('applies the per-enterprise yearly cap across contracts at approval', async () => {
      const policy = await policies.create(reviewer, policyDocument({ caps: { perEnterprisePerYearFen: '15000000' } }));
      const buyer = await insertSubsidyEnterprise(ds);
      const first = await paidContract(buyer);
      const second = await paidContract(buyer);
      const a = await reviewed(buyer, policy.id, first.contractId);
      const b = await reviewed(buyer, policy.id, second.contractId);
      expect(b.computedFen).toBe('10000000');
      await applications.approve(approver, a.id, '同意');
      await expect(applications.approve(approver, b.id, '同意')).rejects.toMatchObject({
        code: 'AMOUNT_EXCEEDS_ENTITLEMENT',
        details: { availableFen: '5000000' },
      });
    });
    it("caps each band on its own: the band's yearly cap counts the enterprise's earlier claims from that band only", async () => {
      // 500万元以下按10%、每年最高50万元；500万元以上按25%、最高500万元 (the whole value at its band's rate).
      const wan = 1_000_000n; // 1万元 in fen
      const policy = await policies.create(
        reviewer,
        policyDocument({
          budgetFen: String(100_000n * wan),
          rate: {
            kind: 'banded',
            tiers: [
              { fromFen: '0', rate: '0.1', caps: { perEnterprisePerYearFen: String(50n * wan) } },
              { fromFen: String(500n * wan), rate: '0.25', caps: { perEnterprisePerYearFen: String(500n * wan) } },
            ],
          },
        }),
      );
      expect(policy.document.rate?.tiers?.[0].caps).toEqual({ perContractFen: null, perEnterprisePerYearFen: String(50n * wan) });
      const buyer = await insertSubsidyEnterprise(ds);
      const small1 = await paidContract(buyer, [[400n * wan, '2026-04-01']]);
      const small2 = await paidContract(buyer, [[400n * wan, '2026-05-01']]);
      const large = await paidContract(buyer, [[1_000n * wan, '2026-06-01']]);
      const a = await reviewed(buyer, policy.id, small1.contractId);
      expect(a.computedFen).toBe(String(40n * wan));
      await applications.approve(approver, a.id, '同意');
      const b = await reviewed(buyer, policy.id, small2.contractId);
      expect(b.computedFen).toBe(String(10n * wan)); // 50万 − 40万 left in the lower band this year
      expect(b.explanation.caps).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'bandPerEnterprisePerYear', band: '0', usedFen: String(40n * wan), bit: true })]),
      );
      const c = await reviewed(buyer, policy.id, large.contractId);
      expect(c.computedFen).toBe(String(250n * wan)); // the upper band: 25% of 1000万, its own cap untouched
    });
  });

  describe('settlement', () => {
    it('batches approved applications, exports CSV and XLSX, marks the batch paid once and writes the ledger', async () => {
      const policy = await policies.create(reviewer, policyDocument({ name: '柯桥区技术交易补助', rate: { kind: 'single', rate: '0.1' } }));
      const ids: string[] = [];
      const buyers: Principal[] = [];
      for (const amount of [100_000_000n, 12_345_678n]) {
        const { buyer, contractId } = await paidContract(await insertSubsidyEnterprise(ds, '330603', { creditCode: null as unknown as string }), [
          [amount, '2026-06-01'],
        ]);
        buyers.push(buyer);
        const a = await reviewed(buyer, policy.id, contractId);
        ids.push((await applications.approve(approver, a.id, '同意')).id);
      }
      await expect(batches.create(reviewer, [ids[0], '01890000-0000-7000-8000-000000000000'])).rejects.toMatchObject({ code: 'APPLICATION_NOT_BATCHABLE' });
      const batch = await batches.create(reviewer, ids, '第一批');
      expect(batch).toMatchObject({ status: 'open', applications: 2, totalFen: '11234568' });
      await expect(batches.create(reviewer, [ids[0]])).rejects.toMatchObject({ code: 'APPLICATION_NOT_BATCHABLE' });
      await expect(batches.markPaid(reviewer, batch.id, 'REF-1', '2027-03-01')).rejects.toMatchObject({ code: 'BATCH_NOT_EXPORTED' });
      await expect(batches.export(cityAdmin, batch.id, 'csv')).rejects.toMatchObject({ code: 'BATCH_NOT_FOUND' });

      const csv = await batches.export(reviewer, batch.id, 'csv');
      const text = csv.body.toString('utf8');
      expect(text.startsWith('\uFEFF序号,批次号,申请编号,企业名称')).toBe(true);
      const lines = text.trim().split('\r\n');
      expect(lines).toHaveLength(4);
      expect(lines[3]).toContain('合计');
      expect(lines[3]).toContain('112345.68');
      expect(text).toContain('1211012309200123456');
      expect(text).toContain('柯桥区');

      const xlsx = await batches.export(reviewer, batch.id, 'xlsx');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('补助结算')!;
      expect(sheet.getRow(1).getCell(16).value).toBe('补助金额（元）');
      const amounts = [2, 3].map((r) => sheet.getRow(r).getCell(17).value).sort();
      expect(amounts).toEqual(['10000000', '1234568']);
      expect(sheet.getRow(4).getCell(16).value).toBe(112345.68);
      expect(sheet.getRow(2).getCell(10).value).toBe('1211012309200123456');

      const paid = await batches.markPaid(reviewer, batch.id, 'ICBC-20270301-0001', '2027-03-01');
      expect(paid).toMatchObject({ status: 'paid', paymentReference: 'ICBC-20270301-0001', paidOn: '2027-03-01' });
      expect(await batches.markPaid(reviewer, batch.id, 'ICBC-20270301-0001', '2027-03-01')).toMatchObject({ status: 'paid' });
      await expect(batches.markPaid(reviewer, batch.id, 'OTHER-REF', '2027-03-01')).rejects.toMatchObject({ code: 'BATCH_ALREADY_PAID' });
      expect((await policies.get(policy.id)).budget).toMatchObject({ reservedFen: '0', paidFen: '11234568' });
      const ledger = await ds.query(
        `SELECT account, sum(amount_fen)::text AS total FROM ledger_entries WHERE subject_type = 'subsidy_application' GROUP BY account ORDER BY account`,
      );
      expect(ledger).toEqual(
        expect.arrayContaining([
          { account: `org:${keqiao}:subsidies_paid`, total: '-11234568' },
          { account: `org:${buyers[0].organizationId}:subsidies_received`, total: '10000000' },
          { account: `org:${buyers[1].organizationId}:subsidies_received`, total: '1234568' },
        ]),
      );
      expect((await applications.get(buyers[1], ids[1])).status).toBe('paid');
      // paid once: a new application for the same contract, policy and year is refused
      const [{ subject_id }] = await ds.query(`SELECT subject_id FROM subsidy_applications WHERE id = $1`, [ids[0]]);
      await expect(apply(buyers[0], policy.id, subject_id)).rejects.toMatchObject({ code: 'DUPLICATE_APPLICATION' });
    });
  });

  describe('research funding (P-DON)', () => {
    it('pays 10% of documented, confirmed funding of basic research at a high-level platform', async () => {
      const pDon = await policies.create(
        provinceAdmin,
        policyDocument({ kind: 'research_funding', name: '企业投入基础研究补助', eligibility: {}, rate: undefined }),
      );
      expect(pDon.document.rate).toEqual({ kind: 'single', rate: '0.1' });
      const platform = await insertHolder(ds, `之江实验室-${Date.now()}`);
      const platformAdmin: Principal = {
        userId: await insertUserWithRole(ds, platform, 'holder_admin'),
        organizationId: platform,
        organizationType: 'holder',
        roles: ['holder_admin'],
        sessionId: 's',
      };
      const enterprise = await insertSubsidyEnterprise(ds, '330106');
      const funding = await fundings.declare(enterprise, {
        platformId: platform,
        mode: 'joint_fund',
        purpose: '存算一体基础理论',
        amountFen: '123456789',
        receivedOn: '2026-09-01',
        documents: [ATTACHMENT],
      });
      await expect(fundings.decide(enterprise, funding.id, true, '自己确认')).rejects.toMatchObject({ code: 'ORGANIZATION_BOUNDARY' });
      await fundings.decide(platformAdmin, funding.id, true, '已到账');
      await candidates.computeSubject('research_funding', funding.id);
      const [candidate] = (await candidates.list(enterprise, { subjectId: funding.id })).items;
      expect(candidate).toMatchObject({ eligible: true, amountFen: '12345679', year: 2026, policy: { id: pDon.id } });
      expect(candidate.explanation.rounding).toEqual({ mode: 'half_up', exactFen: '12345678.9', roundedFen: '12345679' });
      const a = await applications.apply(enterprise, {
        policyId: pDon.id,
        subjectType: 'research_funding',
        subjectId: funding.id,
        attachments: [],
        payee: PAYEE,
      });
      expect(a).toMatchObject({ computedFen: '12345679', year: 2026 });
    });
  });

  describe('reports', () => {
    it("sums granted subsidies by authority, region, field and period, and shows budget use within the caller's region", async () => {
      const byAuthority = await reports.summary(cityAdmin, { groupBy: 'authority' });
      const keqiaoRow = byAuthority.rows.find((r) => r.key === keqiao);
      expect(keqiaoRow).toBeDefined();
      const [{ total }] = await ds.query(
        `SELECT sum(approved_fen)::text AS total FROM subsidy_applications WHERE authority_id = $1 AND status IN ('approved', 'batched', 'paid')`,
        [keqiao],
      );
      expect(keqiaoRow!.approvedFen).toBe(total);
      expect((await reports.summary(reviewer, { groupBy: 'authority' })).rows.map((r) => r.key)).toEqual([keqiao]);
      const byRegion = await reports.summary(provinceAdmin, { groupBy: 'region' });
      expect(byRegion.rows.find((r) => r.key === '330603')?.label).toBe('柯桥区');
      expect((await reports.summary(provinceAdmin, { groupBy: 'field' })).rows.map((r) => r.key)).toContain('new_materials');
      expect((await reports.summary(provinceAdmin, { groupBy: 'period', period: 'quarter' })).rows.map((r) => r.key)).toEqual(['2027-Q1']);
      const budget = (await reports.budget(reviewer, { limit: 100, offset: 0 })).items;
      expect(budget.every((b) => b.authority.regionCode === '330603')).toBe(true);
      const withUse = budget.find((b) => b.paidFen !== '0')!;
      expect(withUse.usedPercent).toMatch(/^\d+\.\d{2}$/);
    });
  });
});
