import { Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { CLOCK, FixedClock } from '../../libs/core/src';
import { DatabaseModule } from '../../libs/database/src';
import { PlatformConfigModule, QueueProducersModule, RedisModule, type Principal } from '../../libs/platform/src';
import { ResearchFundingsService, SubsidiesModule, SubsidyCandidatesService, SubsidyPoliciesService } from '../../libs/subsidies/src';
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
  policyDocument,
} from '../support/subsidy-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The sweep computes candidates set-wise, many subjects per transaction; computing one subject at
 * a time must give exactly the same candidates, and the fingerprints must be the digest the
 * per-contract form (correlated subqueries) gave, on a fixture with several policies, regions,
 * years, refunds, certificates with dates, prior granted applications and research fundings.
 */
describe('subsidy sweep: set-wise equals per subject', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let candidates: SubsidyCandidatesService;
  const contracts: string[] = [];
  const fundingIds: string[] = [];
  const clock = new FixedClock(new Date('2027-06-02T02:00:00Z'));

  /** Every candidate, without its id and time of computation, in a stable order. */
  const snapshot = async () =>
    (await ds.query(
      `SELECT policy_id, policy_version, subject_type, subject_id, enterprise_id, year, eligible, failed_condition, amount_fen::text, explanation
       FROM subsidy_candidates ORDER BY subject_type, subject_id, policy_id, year`,
    )) as { subject_type: string; eligible: boolean; failed_condition: string | null; amount_fen: string; explanation: { caps: { bit: boolean }[] } }[];
  const forget = async () => {
    await ds.query(`DELETE FROM subsidy_candidates`);
    await ds.query(`DELETE FROM subsidy_candidate_runs`);
  };

  const refund = async (paymentId: string, amountFen: bigint, on: string) => {
    await ds.query(
      `INSERT INTO refunds (payment_id, amount_fen, reason, status, idempotency_key, succeeded_at) VALUES ($1, $2, '部分退款', 'succeeded', gen_random_uuid()::text, ($3::date)::timestamptz)`,
      [paymentId, amountFen.toString(), on],
    );
    await ds.query(`UPDATE payments SET refunded_fen = refunded_fen + $2 WHERE id = $1`, [paymentId, amountFen.toString()]);
  };
  const certificate = async (organizationId: string, issuedOn: string, expiresOn: string) => {
    await ds.query(
      `INSERT INTO high_tech_certificates (organization_id, certificate_number, issued_on, expires_on) VALUES ($1, 'GR' || substr(md5(random()::text), 1, 12), $2, $3)`,
      [organizationId, issuedOn, expiresOn],
    );
  };
  const granted = async (policyId: string, authorityId: string, contractId: string, enterprise: Principal, year: number, fen: bigint, decidedBy: string) => {
    await ds.query(
      `INSERT INTO subsidy_applications (policy_id, authority_id, subject_type, subject_id, enterprise_id, year, enterprise_region_code, status, policy_version, computed_fen,
                                         explanation, payee, approved_fen, decided_by, decided_at)
       SELECT $1, $2, 'contract', $3, $4, $5, o.region_code, 'approved', 1, $6, '{}', '{}', $6, $7, now() FROM organizations o WHERE o.id = $4`,
      [policyId, authorityId, contractId, enterprise.organizationId, year, fen.toString(), decidedBy],
    );
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
    candidates = app.get(SubsidyCandidatesService);
    const policies = app.get(SubsidyPoliciesService);
    const fundings = app.get(ResearchFundingsService);

    const keqiao = await insertAuthority(ds, '330603', 'county');
    const shaoxing = await insertAuthority(ds, '330600', 'city');
    const hangzhou = await insertAuthority(ds, '330100', 'city');
    const province = await insertAuthority(ds, '330000', 'province');
    const [keqiaoAdmin, shaoxingAdmin, hangzhouAdmin, provinceAdmin] = await Promise.all(
      [keqiao, shaoxing, hangzhou, province].map((a) => authorityAdmin(ds, a)),
    );
    const base = policyDocument().eligibility;
    const county = await policies.create(
      keqiaoAdmin,
      policyDocument({ name: '柯桥区技术交易补助', caps: { perContractFen: '5000000', perEnterprisePerYearFen: '8000000' } }),
    );
    await policies.create(
      shaoxingAdmin,
      policyDocument({
        name: '绍兴市技术交易补助',
        effectiveFrom: '2026-06-01',
        rate: {
          kind: 'progressive',
          tiers: [
            { fromFen: '0', rate: '0.1' },
            { fromFen: '50000000', rate: '0.05' },
          ],
        },
        eligibility: { ...base, buyerMustBeSme: true, sellerCategory: 'university_or_institute' },
      }),
    );
    await policies.create(
      hangzhouAdmin,
      policyDocument({
        name: '杭州市登记额补助',
        base: 'registered_value',
        rate: {
          kind: 'banded',
          tiers: [
            { fromFen: '0', rate: '0.03' },
            { fromFen: '80000000', rate: '0.05' },
          ],
        },
      }),
    );
    const highTech = await policies.create(
      provinceAdmin,
      policyDocument({
        name: '省高新技术企业技术交易补助',
        eligibility: { ...base, buyerMustBeHighTech: true, registration: { required: true, withinDaysOfSigning: 30 } },
        caps: { perEnterprisePerYearFen: '6000000' },
      }),
    );
    await policies.create(
      provinceAdmin,
      policyDocument({ name: '省作价投资补助', base: 'equity_valuation', eligibility: { ...base, contractTypes: ['equity'] }, effectiveTo: '2026-12-31' }),
    );
    await policies.create(
      provinceAdmin,
      policyDocument({ name: '省小额预算', budgetFen: '2500000', stacking: 'exclusive', eligibility: { ...base, minContractValueFen: '30000000' } }),
    );
    await policies.create(provinceAdmin, policyDocument({ kind: 'research_funding', name: '企业投入基础研究补助', eligibility: {}, rate: undefined }));

    // Enterprises in three counties of two cities; certificates valid, expired before signing, or issued after it.
    const enterprises = [
      await insertSubsidyEnterprise(ds, '330603'),
      await insertSubsidyEnterprise(ds, '330603', { sme: false }),
      await insertSubsidyEnterprise(ds, '330602'),
      await insertSubsidyEnterprise(ds, '330106'),
      await insertSubsidyEnterprise(ds, '330106', { sme: false }),
    ];
    await certificate(enterprises[0].organizationId, '2025-01-01', '2027-12-31');
    await certificate(enterprises[1].organizationId, '2023-01-01', '2026-02-01');
    await certificate(enterprises[2].organizationId, '2026-05-01', '2029-04-30');
    await certificate(enterprises[3].organizationId, '2022-01-01', '2024-12-31');
    await certificate(enterprises[3].organizationId, '2025-01-01', '2027-12-31');
    const institute = await insertHolder(ds, `研究院-${Date.now()}`);
    await ds.query(`UPDATE organizations SET holder_category = 'institute', region_code = '330602' WHERE id = $1`, [institute]);
    const enterpriseSeller = (await insertSubsidyEnterprise(ds, '330100')).organizationId;

    const specs: {
      e: number;
      type?: 'transfer' | 'license' | 'equity';
      price: bigint;
      signedOn: string;
      registeredOn?: string | null;
      seller?: string;
      pays: [bigint, string][];
      refunds?: [number, bigint, string][];
    }[] = [
      {
        e: 0,
        price: 100_000_000n,
        signedOn: '2026-03-01',
        pays: [
          [60_000_000n, '2026-04-01'],
          [40_000_000n, '2027-02-01'],
        ],
      },
      {
        e: 0,
        type: 'transfer',
        price: 30_000_000n,
        signedOn: '2026-07-01',
        registeredOn: '2026-08-15',
        pays: [[30_000_000n, '2026-07-20']],
        refunds: [[0, 5_000_000n, '2026-09-01']],
      },
      { e: 1, price: 20_000_000n, signedOn: '2026-01-15', registeredOn: '2026-01-20', pays: [[20_000_000n, '2026-02-01']] },
      { e: 1, type: 'equity', price: 90_000_000n, signedOn: '2026-05-05', pays: [[1_000_000n, '2026-06-01']] },
      {
        e: 2,
        price: 120_000_000n,
        signedOn: '2026-06-10',
        seller: institute,
        pays: [
          [70_000_000n, '2026-06-20'],
          [50_000_000n, '2027-01-05'],
        ],
        refunds: [[1, 10_000_000n, '2027-03-01']],
      },
      {
        e: 2,
        type: 'transfer',
        price: 40_000_000n,
        signedOn: '2025-12-20',
        registeredOn: '2026-01-10',
        seller: enterpriseSeller,
        pays: [[40_000_000n, '2025-12-28']],
      },
      {
        e: 3,
        price: 85_000_000n,
        signedOn: '2026-02-01',
        registeredOn: '2026-02-20',
        pays: [[85_000_000n, '2026-03-01']],
        refunds: [[0, 85_000_000n, '2026-04-01']],
      },
      {
        e: 3,
        type: 'transfer',
        price: 60_000_000n,
        signedOn: '2026-09-01',
        registeredOn: '2026-11-30',
        pays: [
          [30_000_000n, '2026-09-10'],
          [30_000_000n, '2026-09-10'],
        ],
      },
      { e: 4, price: 10_000_000n, signedOn: '2026-04-01', pays: [[10_000_000n, '2026-04-02']] },
      { e: 0, price: 50_000_000n, signedOn: '2026-10-01', registeredOn: null, pays: [[50_000_000n, '2026-10-05']] },
    ];
    for (const s of specs) {
      const id = await insertRegisteredContract(ds, {
        buyerId: enterprises[s.e].organizationId,
        type: s.type,
        priceFen: s.price,
        signedOn: s.signedOn,
        registeredOn: s.registeredOn,
        sellerId: s.seller,
      });
      const payments: string[] = [];
      for (const [amount, on] of s.pays) payments.push(await insertContractPayment(ds, id, amount, on));
      for (const [i, amount, on] of s.refunds ?? []) await refund(payments[i], amount, on);
      contracts.push(id);
    }
    // Granted before: the county's per-contract and per-enterprise caps, the province's yearly cap.
    const decider = await insertUserWithRole(ds, keqiao, 'authority_admin');
    await granted(county.id, keqiao, contracts[0], enterprises[0], 2026, 3_000_000n, decider);
    await granted(county.id, keqiao, contracts[1], enterprises[0], 2026, 2_500_000n, decider);
    await granted(highTech.id, province, contracts[3], enterprises[1], 2026, 1_000_000n, decider);
    await granted(highTech.id, province, contracts[0], enterprises[0], 2027, 500_000n, decider);

    const platform = await insertHolder(ds, `之江实验室-${Date.now()}`);
    const platformAdmin: Principal = {
      userId: await insertUserWithRole(ds, platform, 'holder_admin'),
      organizationId: platform,
      organizationType: 'holder',
      roles: ['holder_admin'],
      sessionId: 's',
    };
    for (const [e, amount, on] of [
      [0, '123456789', '2026-09-01'],
      [3, '20000000', '2027-01-15'],
    ] as const) {
      const funding = await fundings.declare(enterprises[e], {
        platformId: platform,
        mode: 'joint_fund',
        purpose: '基础研究',
        amountFen: amount,
        receivedOn: on,
        documents: [ATTACHMENT],
      });
      await fundings.decide(platformAdmin, funding.id, true, '已到账');
      fundingIds.push(funding.id);
    }
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('gives exactly the candidates of per-subject computation, in batches of any size', async () => {
    expect(await candidates.sweep({ batchSize: 3 })).toEqual({ subjects: contracts.length - 1 + fundingIds.length });
    const swept = await snapshot();
    // The fixture exercises what it should: eligible and refused, several reasons, caps that bit, both kinds.
    expect(swept.length).toBeGreaterThan(40);
    expect(swept.filter((c) => c.eligible).length).toBeGreaterThan(10);
    expect([...new Set(swept.map((c) => c.failed_condition))]).toEqual(
      expect.arrayContaining(['buyerHighTech', 'buyerSme', 'sellerCategory', 'contractType', 'basePositive', 'registeredWithinDaysOfSigning']),
    );
    expect(swept.some((c) => c.eligible && c.explanation.caps.some((cap) => cap.bit))).toBe(true);
    expect(new Set(swept.map((c) => c.subject_type))).toEqual(new Set(['contract', 'research_funding']));

    await forget();
    for (const id of [...contracts].reverse()) await candidates.computeSubject('contract', id);
    for (const id of fundingIds) await candidates.computeSubject('research_funding', id);
    expect(await snapshot()).toEqual(swept);

    await forget();
    expect(await candidates.sweep({ batchSize: 1000 })).toEqual({ subjects: contracts.length - 1 + fundingIds.length });
    expect(await snapshot()).toEqual(swept);
    expect(await candidates.sweep()).toEqual({ subjects: 0 });
  });

  it('stores the fingerprints the tables gave before the published read models (no re-sweep after the change)', async () => {
    // The contract fingerprint as it was computed from contracts, payments and refunds directly,
    // before contract_directory and payment_reference_prints: an upgrade must not make every contract "changed".
    const before = (await ds.query(`
      WITH pay AS (
        SELECT p.reference_id AS id, bit_xor(hash_record_extended((p.id, p.status, p.amount_fen, p.received_on, p.succeeded_at), 0)) AS h
        FROM payments p WHERE p.reference_type = 'contract' GROUP BY p.reference_id),
      ref AS (
        SELECT p.reference_id AS id, bit_xor(hash_record_extended((r.id, r.status, r.amount_fen, r.succeeded_at), 0)) AS h
        FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.reference_type = 'contract' GROUP BY p.reference_id),
      party AS (
        SELECT o.id, hash_record_extended((o.type, o.region_code, o.holder_category, o.high_level_platform, o.sme,
                 (SELECT bit_xor(hash_record_extended((h.id, h.issued_on, h.expires_on), 0)) FROM high_tech_certificates h WHERE h.organization_id = o.id)), 0) AS print
        FROM organization_directory o)
      SELECT c.id, hash_record_extended((c.status, c.took_effect_on, c.registration_number, c.registered_on, c.price_fen, c.terms,
               pay.h, ref.h, b.print, s.print), 0)::text AS fingerprint
      FROM contracts c LEFT JOIN pay ON pay.id = c.id LEFT JOIN ref ON ref.id = c.id
      LEFT JOIN party b ON b.id = c.buyer_id LEFT JOIN party s ON s.id = c.seller_id
      WHERE c.registration_number IS NOT NULL ORDER BY c.id`)) as { id: string; fingerprint: string }[];
    const stored = (await ds.query(`SELECT subject_id AS id, fingerprint FROM subsidy_candidate_runs WHERE subject_type = 'contract' ORDER BY subject_id`)) as {
      id: string;
      fingerprint: string;
    }[];
    expect(before).toHaveLength(contracts.length - 1);
    expect(await ds.query(`SELECT 1 FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.reference_id = ANY($1::uuid[])`, [contracts])).not.toEqual(
      [],
    );
    expect(stored).toEqual(before);
    // Computed one at a time (scoped statements), the same values.
    await ds.query(`DELETE FROM subsidy_candidate_runs`);
    for (const id of contracts) await candidates.computeSubject('contract', id);
    expect(await ds.query(`SELECT subject_id AS id, fingerprint FROM subsidy_candidate_runs WHERE subject_type = 'contract' ORDER BY subject_id`)).toEqual(
      before,
    );
    expect(await candidates.sweep()).toEqual({ subjects: fundingIds.length });
  });

  it('finds exactly the subjects whose facts changed: money, registration, terms, parties, certificates', async () => {
    expect(await candidates.sweep()).toEqual({ subjects: 0 });
    const changed = async () => (await candidates.sweep()).subjects;
    const [payment] = (await ds.query(`SELECT id FROM payments WHERE reference_id = $1 ORDER BY created_at LIMIT 1`, [contracts[4]])) as { id: string }[];
    await ds.query(`UPDATE payments SET received_on = received_on + 1 WHERE id = $1`, [payment.id]);
    expect(await changed()).toBe(1);
    await ds.query(`UPDATE refunds SET amount_fen = amount_fen - 1 WHERE payment_id IN (SELECT id FROM payments WHERE reference_id = $1)`, [contracts[1]]);
    expect(await changed()).toBe(1);
    await ds.query(`UPDATE contracts SET terms = jsonb_set(terms, '{fees,0,dueDays}', '45') WHERE id = $1`, [contracts[2]]);
    expect(await changed()).toBe(1);
    await ds.query(`UPDATE contracts SET registered_on = registered_on + 1 WHERE id = $1`, [contracts[5]]);
    expect(await changed()).toBe(1);
    // the institute sells one contract: its category changes that contract only
    const [{ seller_id }] = (await ds.query(`SELECT seller_id FROM contracts WHERE id = $1`, [contracts[4]])) as { seller_id: string }[];
    await ds.query(`UPDATE organizations SET holder_category = 'university' WHERE id = $1`, [seller_id]);
    expect(await changed()).toBe(1);
    // a certificate's dates: every subject of that enterprise (two registered contracts, one funding)
    const [{ buyer_id }] = (await ds.query(`SELECT buyer_id FROM contracts WHERE id = $1`, [contracts[0]])) as { buyer_id: string }[];
    await ds.query(`UPDATE high_tech_certificates SET expires_on = expires_on - 1 WHERE organization_id = $1`, [buyer_id]);
    expect(await changed()).toBe(3);
    expect(await changed()).toBe(0);
  });

  it('recomputes concurrent batches and single subjects without deadlock, to the same result', async () => {
    const before = await snapshot();
    await ds.query(`UPDATE subsidy_candidate_runs SET fingerprint = 'stale'`);
    const results = await Promise.all([
      candidates.sweep({ all: true, batchSize: 4 }),
      candidates.sweep({ all: true, batchSize: 3 }),
      ...[...contracts].reverse().map((id) => candidates.computeSubject('contract', id)),
    ]);
    expect(results).toHaveLength(2 + contracts.length);
    expect(await snapshot()).toEqual(before);
    expect(await candidates.sweep()).toEqual({ subjects: 0 });
  });

  it('removes the candidates of a subject that no longer has facts', async () => {
    const [{ id }] = (await ds.query(`SELECT id FROM research_fundings WHERE id = $1`, [fundingIds[1]])) as { id: string }[];
    await ds.query(`UPDATE research_fundings SET status = 'rejected' WHERE id = $1`, [id]);
    expect(await candidates.computeSubject('research_funding', id)).toEqual({ candidates: 0 });
    expect(
      await ds.query(`SELECT 1 FROM subsidy_candidates WHERE subject_id = $1 UNION ALL SELECT 1 FROM subsidy_candidate_runs WHERE subject_id = $1`, [id]),
    ).toEqual([]);
  });
});
