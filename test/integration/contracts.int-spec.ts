import { getQueueToken } from '@nestjs/bullmq';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ContractsProcessor } from '../../apps/worker/src/processors/contracts.processor';
import { ContractsModule, ContractsService, type ContractTerms } from '../../libs/contracts/src';
import { CLOCK, FixedClock } from '../../libs/core/src';
import { DatabaseModule } from '../../libs/database/src';
import { PlatformConfigModule, QUEUES, RedisModule, WorkerQueuesModule } from '../../libs/platform/src';
import { CONTRACT_JOBS } from '../../libs/contracts/src';
import { RealtimeModule } from '../../libs/realtime/src';
import { testConfig } from '../support/config';
import { insertDeal, partiesOf, principal } from '../support/contract-factory';
import { insertEnterprise } from '../support/market-factory';
import { insertAchievement, insertHolder } from '../support/registry-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('contracts: deal → draft, terms, signatures, registration, termination', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let contracts: ContractsService;
  let queue: Queue;
  const clock = new FixedClock(new Date('2026-03-02T02:00:00Z')); // 10:00 in Shanghai

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url);
    // As the worker composes it: every queue, visible to every module, and the contracts processor (a real BullMQ worker).
    @Module({
      imports: [PlatformConfigModule.forRoot(config), RedisModule, DatabaseModule.forRoot(config), WorkerQueuesModule, RealtimeModule, ContractsModule],
      providers: [ContractsProcessor],
    })
    class TestModule {}
    const module = await Test.createTestingModule({ imports: [TestModule] })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    app = await module.init();
    ds = app.get(DataSource);
    contracts = app.get(ContractsService);
    queue = app.get<Queue>(getQueueToken(QUEUES.contracts));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  beforeEach(() => clock.set(new Date('2026-03-02T02:00:00Z')));

  const contractsOfDeal = async (dealId: string) =>
    (await ds.query(`SELECT id, type, status FROM contracts WHERE deal_id = $1`, [dealId])) as { id: string; type: string; status: string }[];
  const until = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  /** A contract from a fixed-price licence deal, submitted, with the parties. */
  const submitted = async () => {
    const f = await insertDeal(ds, { source: 'fixed_price', dealType: 'license', licenseType: 'exclusive' });
    const p = await partiesOf(ds, f);
    const { contractId } = (await contracts.createFromDeal(f.dealId))!;
    await contracts.submit(p.seller, contractId, { version: 1 });
    return { f, p, id: contractId };
  };
  const signed = async () => {
    const s = await submitted();
    await contracts.sign(s.p.seller, s.id, { version: 1 });
    await contracts.sign(s.p.buyer, s.id, { version: 1 });
    return s;
  };

  it('drafts the contract of a deal once: the job (sent twice), concurrent calls and the sweep find the same contract', async () => {
    const f = await insertDeal(ds, { source: 'auction', dealType: 'license', licenseType: 'exclusive', priceFen: 1_060_000n, depositFen: 100_000n });
    for (let i = 0; i < 2; i++) await queue.add(CONTRACT_JOBS.fromDeal, { dealId: f.dealId }, { jobId: `contract-from-deal-${f.dealId}` });
    const [first] = await until(
      async () => ((await contractsOfDeal(f.dealId)).length ? contractsOfDeal(f.dealId) : undefined),
      'the worker to draft the contract',
    );
    const again = await Promise.all(Array.from({ length: 5 }, () => contracts.createFromDeal(f.dealId)));
    expect(again.map((r) => [r!.contractId, r!.created])).toEqual(Array.from({ length: 5 }, () => [first.id, false]));
    // a redelivered event with another job id is ignored too
    await queue.add(CONTRACT_JOBS.fromDeal, { dealId: f.dealId }, { jobId: `redelivered-${f.dealId}` });
    await contracts.sweep();
    expect(await contractsOfDeal(f.dealId)).toEqual([{ id: first.id, type: 'license', status: 'draft' }]);
    const view = await contracts.get((await partiesOf(ds, f)).buyer, first.id);
    expect(view).toMatchObject({
      source: 'auction',
      priceFen: '1060000',
      depositFen: '100000',
      version: 1,
      terms: { license: { licenseType: 'exclusive' }, fees: [{ kind: 'lump_sum', amountFen: '1060000', dueDays: 30 }] },
    });
    expect(view.money).toMatchObject({ totalFeesFen: '1060000', actualValueFen: '0', outstandingFen: '1060000', settled: false });
    const versions = await ds.query(`SELECT version FROM contract_versions WHERE contract_id = $1`, [first.id]);
    expect(versions).toEqual([{ version: 1 }]);
  });

  it('the sweep drafts a contract whose job was lost, and none for a defaulted deal', async () => {
    const lost = await insertDeal(ds, { source: 'negotiated', dealType: 'transfer' });
    const defaulted = await insertDeal(ds, { source: 'fixed_price' });
    await ds.query(`UPDATE deals SET status = 'defaulted' WHERE id = $1`, [defaulted.dealId]);
    const counts = await contracts.sweep();
    expect(counts.fromDeals).toBeGreaterThanOrEqual(1);
    expect(await contractsOfDeal(lost.dealId)).toEqual([expect.objectContaining({ type: 'transfer', status: 'draft' })]);
    expect(await contracts.createFromDeal(defaulted.dealId)).toBeNull();
    expect(await contractsOfDeal(defaulted.dealId)).toEqual([]);
  });

  it('drafts a use-first contract for an SME buying from the use-first list (P-2Y), an ordinary licence for a large enterprise', async () => {
    const sme = await insertDeal(ds, { source: 'fixed_price', dealType: 'license', licenseType: 'ordinary', forced: true });
    const large = await insertDeal(ds, { source: 'fixed_price', dealType: 'license', licenseType: 'ordinary', forced: true, buyerSme: false });
    expect((await contracts.createFromDeal(sme.dealId))!.created).toBe(true);
    await contracts.createFromDeal(large.dealId);
    expect((await contractsOfDeal(sme.dealId))[0].type).toBe('use_first');
    expect((await contractsOfDeal(large.dealId))[0].type).toBe('license');
  });

  it('versions the terms until both sign: optimistic concurrency, validation with field paths, amendment back to draft', async () => {
    const f = await insertDeal(ds, { source: 'negotiated', dealType: 'license' });
    const p = await partiesOf(ds, f);
    const { contractId: id } = (await contracts.createFromDeal(f.dealId))!;
    const terms = (await contracts.get(p.seller, id)).terms;
    const withRoyalty: ContractTerms = { ...terms, fees: [...terms.fees, { kind: 'royalty', rate: '0.03', period: 'quarter', dueDays: 30 }] };
    await expect(contracts.amend(p.buyer, id, { expectedVersion: 2, terms: withRoyalty })).rejects.toMatchObject({ code: 'CONTRACT_VERSION_CONFLICT' });
    await expect(
      contracts.amend(p.buyer, id, {
        expectedVersion: 1,
        terms: { ...withRoyalty, fees: [{ kind: 'royalty', rate: '2', period: 'quarter', dueDays: 30 }], color: 'red' },
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'terms.color', code: 'unknownField', message: expect.any(String) }],
    });
    await expect(
      contracts.amend(p.buyer, id, { expectedVersion: 1, terms: { ...withRoyalty, fees: [{ kind: 'royalty', rate: '2', period: 'quarter', dueDays: 30 }] } }),
    ).rejects.toMatchObject({
      details: [expect.objectContaining({ field: 'terms.fees[0].rate', code: 'range' })],
    });
    await expect(contracts.amend(p.buyerMember, id, { expectedVersion: 1, terms: withRoyalty })).rejects.toMatchObject({ code: 'NOT_AUTHORISED_SIGNATORY' });
    await expect(contracts.amend(p.stranger, id, { expectedVersion: 1, terms: withRoyalty })).rejects.toMatchObject({ code: 'CONTRACT_NOT_FOUND' });
    expect(await contracts.amend(p.buyer, id, { expectedVersion: 1, terms: withRoyalty, note: '增加提成' })).toMatchObject({ version: 2, status: 'draft' });
    await contracts.submit(p.seller, id, { version: 2 });
    await contracts.sign(p.seller, id, { version: 2 });
    // an amendment after one signature returns to draft; that signature was for version 2 only
    expect(await contracts.amend(p.buyer, id, { expectedVersion: 2, terms })).toMatchObject({ version: 3, status: 'draft' });
    await expect(contracts.sign(p.buyer, id, { version: 3 })).rejects.toMatchObject({ code: 'CONTRACT_NOT_SUBMITTED' });
    await contracts.submit(p.buyer, id, { version: 3 });
    await contracts.sign(p.buyer, id, { version: 3 });
    expect((await contracts.get(p.buyer, id)).status).toBe('awaiting_signatures');
    const after = await contracts.sign(p.seller, id, { version: 3 });
    expect(after).toMatchObject({ status: 'signed', version: 3 });
    expect(
      after.signatures
        .filter((s) => s.version === 3)
        .map((s) => s.party)
        .sort(),
    ).toEqual(['buyer', 'seller']);
    expect(
      (await ds.query(`SELECT version FROM contract_versions WHERE contract_id = $1 ORDER BY version`, [id])).map((r: { version: number }) => r.version),
    ).toEqual([1, 2, 3]);
  });

  it('refuses signatures from anyone but the parties’ administrators, a signature on another version, and a second one by the same party', async () => {
    const { p, id } = await submitted();
    await expect(contracts.sign(p.sellerMember, id, { version: 1 })).rejects.toMatchObject({ code: 'NOT_AUTHORISED_SIGNATORY', kind: 'forbidden' });
    await expect(contracts.sign(p.buyerMember, id, { version: 1 })).rejects.toMatchObject({ code: 'NOT_AUTHORISED_SIGNATORY' });
    await expect(contracts.sign(p.stranger, id, { version: 1 })).rejects.toMatchObject({ code: 'CONTRACT_NOT_FOUND', kind: 'not_found' });
    await expect(contracts.sign(p.admin, id, { version: 1 })).rejects.toMatchObject({ code: 'NOT_A_PARTY', kind: 'forbidden' });
    // an enterprise_admin of the seller's side does not exist; a holder_admin of the buyer's side neither: roles are per organisation
    const fakeSigner = await principal(ds, p.buyer.organizationId, 'holder_admin', 'enterprise');
    await expect(contracts.sign(fakeSigner, id, { version: 1 })).rejects.toMatchObject({ code: 'NOT_AUTHORISED_SIGNATORY' });
    await expect(contracts.sign(p.buyer, id, { version: 2 })).rejects.toMatchObject({ code: 'CONTRACT_VERSION_CONFLICT' });
    await contracts.sign(p.buyer, id, { version: 1 });
    await expect(contracts.sign(p.buyer, id, { version: 1 })).rejects.toMatchObject({ code: 'CONTRACT_ALREADY_SIGNED_BY_PARTY', kind: 'conflict' });
    expect((await ds.query(`SELECT count(*)::int AS n FROM contract_signatures WHERE contract_id = $1`, [id]))[0].n).toBe(1);
    const audit = await ds.query(`SELECT action, actor_user_id FROM audit_log WHERE subject_id = $1 AND action LIKE 'contract.signature%'`, [id]);
    expect(audit).toEqual([{ action: 'contract.signature_added', actor_user_id: p.buyer.userId }]);
  });

  it('signing takes effect: the deal is contracted, the registry records the transformation, the signed PDF and its SHA-256 are stored, and a later change is detectable', async () => {
    const { f, p, id } = await signed();
    const c = await contracts.get(p.seller, id);
    expect(c).toMatchObject({
      status: 'signed',
      tookEffectOn: '2026-03-02',
      document: { signedSha256: expect.stringMatching(/^[0-9a-f]{64}$/), signedTermsSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect((await ds.query(`SELECT status FROM deals WHERE id = $1`, [f.dealId]))[0].status).toBe('contracted');
    expect(
      await ds.query(`SELECT kind, license_type, source, status, to_char(took_effect_on, 'YYYY-MM-DD') AS on FROM transformations WHERE contract_id = $1`, [
        id,
      ]),
    ).toEqual([{ kind: 'license', license_type: 'exclusive', source: 'contract', status: 'effective', on: '2026-03-02' }]);
    const stored = await contracts.pdf(p.buyer, id, 'signed');
    expect(stored.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(stored.sha256).toBe(c.document.signedSha256);
    expect(await contracts.verify(p.buyer, id)).toEqual({
      signed: true,
      documentSha256: stored.sha256,
      documentIntact: true,
      termsSha256: c.document.signedTermsSha256,
      termsIntact: true,
    });
    const json = await contracts.document(p.buyer, id);
    expect(json).toMatchObject({
      contractId: id,
      version: 1,
      seller: { id: f.holderId },
      buyer: { id: f.buyerId },
      signatures: [expect.objectContaining({ party: 'seller' }), expect.objectContaining({ party: 'buyer' })],
      registration: null,
    });

    // somebody edits the signed terms in the database, then the stored file: both are detected
    await ds.query(`UPDATE contracts SET terms = jsonb_set(terms, '{fees,0,amountFen}', '"1"') WHERE id = $1`, [id]);
    expect(await contracts.verify(p.buyer, id)).toMatchObject({ documentIntact: true, termsIntact: false });
    await ds.query(`UPDATE contract_documents SET pdf = pdf || '\\x00'::bytea WHERE contract_id = $1`, [id]);
    expect(await contracts.verify(p.buyer, id)).toMatchObject({ documentIntact: false, termsIntact: false });
    await expect(contracts.amend(p.seller, id, { expectedVersion: 1, terms: c.terms })).rejects.toMatchObject({
      code: 'CONTRACT_ALREADY_SIGNED',
      kind: 'conflict',
    });
  });

  it('registers a signed contract once, under a number no other contract has (技术合同认定登记)', async () => {
    const a = await signed();
    const b = await signed();
    const draft = await submitted();
    await expect(
      contracts.register(a.p.admin, draft.id, { number: '2026330106000001', registeredOn: '2026-03-02', registry: '杭州市技术合同登记处' }),
    ).rejects.toMatchObject({ code: 'CONTRACT_NOT_SIGNED', kind: 'conflict' });
    await expect(
      contracts.register(a.p.admin, a.id, { number: '2026330106000001', registeredOn: '2026-03-03', registry: '杭州市技术合同登记处' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ field: 'registeredOn', code: 'inFuture' })],
    });
    await expect(contracts.register(a.p.admin, a.id, { number: '2026330106000001', registeredOn: '2026-03-01', registry: 'x' })).rejects.toMatchObject({
      details: [expect.objectContaining({ code: 'beforeSigning' })],
    });
    const registered = await contracts.register(a.p.admin, a.id, { number: 'ZJ-2026-000001', registeredOn: '2026-03-02', registry: '杭州市技术合同登记处' });
    expect(registered).toMatchObject({
      status: 'registered',
      registration: { number: 'ZJ-2026-000001', registeredOn: '2026-03-02', registry: '杭州市技术合同登记处' },
    });
    await expect(
      contracts.register(b.p.admin, b.id, { number: 'zj-2026-000001', registeredOn: '2026-03-02', registry: '杭州市技术合同登记处' }),
    ).rejects.toMatchObject({ code: 'REGISTRATION_NUMBER_TAKEN', kind: 'conflict' });
    // the same number, twice at once: one wins
    const c = await signed();
    const results = await Promise.allSettled([
      contracts.register(b.p.admin, b.id, { number: 'ZJ-2026-000002', registeredOn: '2026-03-02', registry: 'x' }),
      contracts.register(c.p.admin, c.id, { number: 'ZJ-2026-000002', registeredOn: '2026-03-02', registry: 'x' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'REGISTRATION_NUMBER_TAKEN' });
    await expect(contracts.register(a.p.admin, a.id, { number: 'ZJ-2026-000003', registeredOn: '2026-03-02', registry: 'x' })).rejects.toMatchObject({
      code: 'CONTRACT_ALREADY_REGISTERED',
    });
    const pdf = await contracts.pdf(a.p.seller, a.id, 'current');
    expect(pdf.sha256).not.toBe(registered.document.signedSha256); // the current rendering carries the registration number
  });

  it('terminates with a reason; a buyer who does not sign defaults the deal; nothing leaves terminated', async () => {
    const f = await insertDeal(ds, { source: 'auction' });
    const p = await partiesOf(ds, f);
    const { contractId: id } = (await contracts.createFromDeal(f.dealId))!;
    await contracts.submit(p.seller, id, { version: 1 });
    await contracts.sign(p.seller, id, { version: 1 });
    const t = await contracts.terminate(p.admin, id, { kind: 'buyer_default', reason: '成交后未在规定期限内签订合同' });
    expect(t).toMatchObject({ status: 'terminated', termination: { kind: 'buyer_default', reason: '成交后未在规定期限内签订合同' } });
    expect((await ds.query(`SELECT status, default_reason FROM deals WHERE id = $1`, [f.dealId]))[0]).toEqual({
      status: 'defaulted',
      default_reason: '成交后未在规定期限内签订合同',
    });
    expect((await ds.query(`SELECT default_recorded_at IS NOT NULL AS done FROM contracts WHERE id = $1`, [id]))[0].done).toBe(true);
    await expect(contracts.sign(p.buyer, id, { version: 1 })).rejects.toMatchObject({ code: 'CONTRACT_TERMINATED', kind: 'conflict' });
    await expect(contracts.terminate(p.admin, id, { kind: 'other', reason: 'again' })).rejects.toMatchObject({ code: 'CONTRACT_TERMINATED' });
    const s = await signed();
    await expect(contracts.terminate(s.p.admin, s.id, { kind: 'buyer_default', reason: 'x' })).rejects.toMatchObject({ code: 'CONTRACT_ALREADY_SIGNED' });
  });

  it('P-3Y: an approved free-licence application becomes a free_license contract, once, free of charge; it completes when the term ends', async () => {
    const holder = await insertHolder(ds);
    const achievementId = await insertAchievement(ds, holder, { grants: [{ grantedOn: '2021-01-10' }] });
    const enterprise = await insertEnterprise(ds);
    const applicant = await principal(ds, enterprise, 'enterprise_admin', 'enterprise');
    const [app] = (await ds.query(
      `INSERT INTO free_license_applications (achievement_id, enterprise_id, statement, status, applied_by, decided_at) VALUES ($1, $2, '拟实施', 'approved', $3, $4) RETURNING id`,
      [achievementId, enterprise, applicant.userId, clock.now()],
    )) as { id: string }[];
    await contracts.sweep();
    const again = await contracts.createFromFreeLicense(app.id);
    expect(again.created).toBe(false);
    const c = await contracts.get(applicant, again.contractId);
    expect(c).toMatchObject({
      type: 'free_license',
      source: 'free_license',
      status: 'draft',
      terms: { license: { licenseType: 'ordinary', startsOn: '2026-03-02', endsOn: '2029-03-01' }, fees: [] },
      money: { totalFeesFen: '0', settled: true },
    });
    const seller = await principal(ds, holder, 'holder_admin', 'holder');
    const admin = await principal(ds, (await partiesOf(ds, { holderId: holder, buyerId: enterprise })).admin.organizationId, 'platform_admin', 'authority');
    await contracts.submit(seller, c.id, { version: 1 });
    await contracts.sign(seller, c.id, { version: 1 });
    await contracts.sign(applicant, c.id, { version: 1 });
    expect(await ds.query(`SELECT kind, license_type FROM transformations WHERE contract_id = $1`, [c.id])).toEqual([
      { kind: 'license', license_type: 'ordinary' },
    ]);
    expect(await contracts.register(admin, c.id, { number: 'FREE-2026-0001', registeredOn: '2026-03-02', registry: '省技术市场' })).toMatchObject({
      status: 'in_performance',
    });
    clock.set(new Date('2029-03-02T02:00:00Z'));
    await contracts.sweep();
    expect((await contracts.get(applicant, c.id)).status).toBe('completed');
  });

  it('use-first: only with an SME, fees deferred during the trial, due from conversion; a trial that ends unconverted ends the licence', async () => {
    const holder = await insertHolder(ds);
    const achievementId = await insertAchievement(ds, holder, { grants: [{ grantedOn: '2022-01-10' }] });
    const seller = await principal(ds, holder, 'holder_admin', 'holder');
    const large = await insertEnterprise(ds);
    await ds.query(`UPDATE organizations SET sme = false WHERE id = $1`, [large]);
    const sme = await insertEnterprise(ds);
    const buyer = await principal(ds, sme, 'enterprise_admin', 'enterprise');
    const terms: ContractTerms = {
      license: { licenseType: 'ordinary', startsOn: '2026-03-02', endsOn: '2031-03-01', territory: '浙江省', fieldOfUse: '纺织', sublicensing: false },
      useFirst: { trialMonths: 6 },
      fees: [{ kind: 'lump_sum', amountFen: '300000', dueDays: 30 }],
    };
    await expect(contracts.draft(seller, { type: 'use_first', achievementId, buyerId: large, terms })).rejects.toMatchObject({
      code: 'USE_FIRST_REQUIRES_SME',
    });
    const draft = await contracts.draft(seller, { type: 'use_first', achievementId, buyerId: sme, terms });
    await contracts.submit(seller, draft.id, { version: 1 });
    await contracts.sign(seller, draft.id, { version: 1 });
    const c = await contracts.sign(buyer, draft.id, { version: 1 });
    expect(c).toMatchObject({
      status: 'signed',
      useFirst: { trialEndsOn: '2026-09-02', convertedOn: null },
      money: { feesDeferred: true, dueFen: '0', obligations: [{ key: 'lump_sum', dueOn: null, status: 'awaiting_trigger' }] },
    });
    clock.set(new Date('2026-06-01T02:00:00Z'));
    const converted = await contracts.decideConversion(buyer, draft.id, 'convert');
    expect(converted).toMatchObject({
      useFirst: { convertedOn: '2026-06-01' },
      money: { feesDeferred: false, obligations: [{ key: 'lump_sum', dueOn: '2026-07-01', status: 'not_yet_due' }] },
    });
    await expect(contracts.decideConversion(buyer, draft.id, 'convert')).rejects.toMatchObject({ code: 'USE_FIRST_ALREADY_CONVERTED' });

    // another one that is never converted: the sweep ends it after the trial
    const other = await contracts.draft(seller, { type: 'use_first', achievementId, buyerId: sme, terms });
    await contracts.submit(buyer, other.id, { version: 1 });
    await contracts.sign(seller, other.id, { version: 1 });
    await contracts.sign(buyer, other.id, { version: 1 });
    clock.set(new Date('2026-12-02T02:00:00Z')); // trial ends 2026-06-01 + 6 months = 2026-12-01
    await expect(contracts.decideConversion(buyer, other.id, 'convert')).rejects.toMatchObject({ code: 'USE_FIRST_TRIAL_ENDED' });
    await contracts.sweep();
    expect(await contracts.get(buyer, other.id)).toMatchObject({ status: 'terminated', termination: { kind: 'use_first_not_converted' } });
  });

  it('royalties: the licensee reports each ended period once, the royalty is computed and falls due', async () => {
    const holder = await insertHolder(ds);
    const achievementId = await insertAchievement(ds, holder, { grants: [{ grantedOn: '2022-01-10' }] });
    const seller = await principal(ds, holder, 'holder_admin', 'holder');
    const buyer = await principal(ds, await insertEnterprise(ds), 'enterprise_admin', 'enterprise');
    const terms: ContractTerms = {
      license: {
        licenseType: 'sole',
        startsOn: '2026-03-02',
        endsOn: '2027-03-01',
        territory: '中华人民共和国境内',
        fieldOfUse: '电池管理',
        sublicensing: false,
      },
      fees: [
        { kind: 'lump_sum', amountFen: '100000', dueDays: 10 },
        { kind: 'royalty', rate: '0.05', period: 'quarter', minimumFen: '1000', dueDays: 30 },
      ],
    };
    const c = await contracts.draft(seller, { type: 'license', achievementId, buyerId: buyer.organizationId, terms });
    await contracts.submit(seller, c.id, { version: 1 });
    await expect(contracts.reportRoyalty(buyer, c.id, { periodIndex: 1, salesFen: 1n })).rejects.toMatchObject({ code: 'CONTRACT_NOT_SIGNED' });
    await contracts.sign(seller, c.id, { version: 1 });
    await contracts.sign(buyer, c.id, { version: 1 });
    await expect(contracts.reportRoyalty(buyer, c.id, { periodIndex: 1, salesFen: 2_000_000n })).rejects.toMatchObject({ code: 'ROYALTY_PERIOD_NOT_ENDED' });
    await expect(contracts.reportRoyalty(seller, c.id, { periodIndex: 1, salesFen: 2_000_000n })).rejects.toMatchObject({ code: 'NOT_THE_LICENSEE' });
    await expect(contracts.reportRoyalty(buyer, c.id, { periodIndex: 9, salesFen: 2_000_000n })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    clock.set(new Date('2026-06-03T02:00:00Z'));
    const after = await contracts.reportRoyalty(buyer, c.id, { periodIndex: 1, salesFen: 2_000_333n });
    expect(after.money).toMatchObject({ totalFeesFen: String(100_000 + 100_017), royaltyReportsMissing: [] });
    expect(after.money.obligations[1]).toMatchObject({ key: 'royalty:1', amountFen: '100017', dueOn: '2026-07-01' });
    await expect(contracts.reportRoyalty(buyer, c.id, { periodIndex: 1, salesFen: 1n })).rejects.toMatchObject({ code: 'ROYALTY_PERIOD_ALREADY_REPORTED' });
    clock.set(new Date('2026-09-03T02:00:00Z'));
    expect((await contracts.get(buyer, c.id)).money.royaltyReportsMissing).toEqual([2]);
  });

  it('milestones and instalments: a milestone falls due when recorded reached, once; payments settle the earliest due first', async () => {
    const holder = await insertHolder(ds);
    const achievementId = await insertAchievement(ds, holder, { grants: [{ grantedOn: '2022-01-10' }] });
    const seller = await principal(ds, holder, 'holder_admin', 'holder');
    const buyer = await principal(ds, await insertEnterprise(ds), 'enterprise_admin', 'enterprise');
    const terms: ContractTerms = {
      transfer: { object: 'patent_right' },
      fees: [
        {
          kind: 'instalments',
          instalments: [
            { amountFen: '200000', dueDays: 10 },
            { amountFen: '200000', dueOn: '2026-12-31' },
          ],
        },
        { kind: 'milestones', milestones: [{ key: 'pilot', description: '中试完成', amountFen: '100000', dueDays: 15 }] },
      ],
    };
    const c = await contracts.draft(seller, { type: 'transfer', achievementId, buyerId: buyer.organizationId, terms });
    await contracts.submit(seller, c.id, { version: 1 });
    await contracts.sign(seller, c.id, { version: 1 });
    const signed = await contracts.sign(buyer, c.id, { version: 1 });
    expect(signed.money.obligations.map((o) => [o.key, o.dueOn, o.status])).toEqual([
      ['instalment:1', '2026-03-12', 'not_yet_due'],
      ['instalment:2', '2026-12-31', 'not_yet_due'],
      ['milestone:pilot', null, 'awaiting_trigger'],
    ]);
    await expect(contracts.recordMilestone(seller, c.id, 'pilot', { reachedOn: '2026-03-02' })).rejects.toMatchObject({ code: 'NOT_THE_PAYER' });
    await expect(contracts.recordMilestone(buyer, c.id, 'nope', { reachedOn: '2026-03-02' })).rejects.toMatchObject({ code: 'MILESTONE_NOT_FOUND' });
    await expect(contracts.recordMilestone(buyer, c.id, 'pilot', { reachedOn: '2026-03-03' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    clock.set(new Date('2026-04-01T02:00:00Z'));
    const reached = await contracts.recordMilestone(buyer, c.id, 'pilot', { reachedOn: '2026-03-20' });
    expect(reached.money.obligations.map((o) => [o.key, o.dueOn, o.status])).toEqual([
      ['instalment:1', '2026-03-12', 'overdue'],
      ['instalment:2', '2026-12-31', 'not_yet_due'],
      ['milestone:pilot', '2026-04-04', 'not_yet_due'],
    ]);
    expect(reached.money).toMatchObject({ totalFeesFen: '500000', dueFen: '200000', overdueFen: '200000' });
    await expect(contracts.recordMilestone(buyer, c.id, 'pilot', { reachedOn: '2026-03-20' })).rejects.toMatchObject({ code: 'MILESTONE_ALREADY_RECORDED' });
  });

  it('keeps contracts inside the parties: lists, reads and documents', async () => {
    const { p, id } = await submitted();
    expect((await contracts.list(p.seller, { limit: 100, offset: 0 })).items.map((c) => c.id)).toContain(id);
    expect(await contracts.list(p.buyerMember, { role: 'buyer', limit: 100, offset: 0 })).toMatchObject({ items: [{ id }], total: 1 });
    expect((await contracts.list(p.stranger, { limit: 100, offset: 0 })).items.map((c) => c.id)).not.toContain(id);
    await expect(contracts.get(p.stranger, id)).rejects.toMatchObject({ code: 'CONTRACT_NOT_FOUND' });
    await expect(contracts.document(p.stranger, id)).rejects.toMatchObject({ code: 'CONTRACT_NOT_FOUND' });
    expect((await contracts.get(p.admin, id)).id).toBe(id);
  });
});
