/*
 * Price guidance back-test (npm run bench:pricing): generates a history of concluded deals whose
 * prices follow a KNOWN model plus noise, stores it in PostgreSQL through the migrations, then asks
 * the real guidance code path (computePriceGuidance: the same SQL over achievement_pricing_facts and
 * deals, the same domain function) for each held-out deal and compares with the actual price.
 *
 * The model (ln of the price in yuan):
 *   ln p = base(field) + subclass(IPC subclass) + group(IPC main group) + ipType + maturity + dealType
 *          + 0.6·ln(max(remaining years, 0.5)) + ε,   ε ~ N(0, σ = 0.3)
 *   base: internet_plus ln 300,000, life_health ln 800,000, new_materials ln 500,000, other ln 200,000
 *   subclass effects ~ N(0, 0.4) (6 subclasses per field), group effects ~ N(0, 0.2) (4 main groups each)
 *   ipType: invention 0, utility model −0.5, design −0.8 (shares 60/30/10 %)
 *   maturity: lab −0.4, prototype −0.1, pilot +0.15, industrialised +0.4 (uniform)
 *   dealType: transfer 0, license −0.6, equity +0.2 (shares 45/45/10 %)
 *   remaining years: from the application year in the patent number (filing on 1 July), at the deal date
 *   deal dates uniform over 2021-01-01 … 2026-11-30
 *
 * Back-tests (each over BENCH_HELD_OUT deals drawn with the same seed):
 *   loo       leave-one-out: every other deal may be a comparable (the default options)
 *   past-only only deals concluded before the held-out one (what a holder would have seen then)
 *   variants  the same LOO with one option changed, to show what each choice is worth
 * Figures: MdAPE of the point against the actual price, share of actual prices inside the range,
 * share of 可比成交不足; the noise floor (an oracle that knows the model: point = e^μ, and an interval
 * of the same log width as ours centred on μ); a naive baseline (the median price of the field).
 *
 *   DATABASE_URL    server (its database name is ignored); default postgres://postgres@127.0.0.1:5432
 *   BENCH_DEALS     deals to generate (default 2000)
 *   BENCH_HELD_OUT  deals to back-test (default 600)
 *   BENCH_SEED      RNG seed (default 20261206)
 *
 * The database (zjp_bench_pricing) is dropped and recreated at the start and left in place.
 */
import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { patentCheckChar } from '../libs/achievements/src/domain/patent-number';
import { dataSourceOptions } from '../libs/database/src/data-source-options';
import { DEFAULT_PRICING_OPTIONS, type PricingDealType, type PricingMaturity, type PricingOptions, remainingTermYears } from '../libs/market/src/domain';
import { pricingSubject } from '../libs/market/src/pricing/price-guidance.repository';
import { computePriceGuidance } from '../libs/market/src/pricing/price-guidance.service';

const DATABASE = 'zjp_bench_pricing';
const DEALS = Number(process.env.BENCH_DEALS ?? 2000);
const HELD_OUT = Math.min(DEALS, Number(process.env.BENCH_HELD_OUT ?? 600));
const SEED = Number(process.env.BENCH_SEED ?? 20261206);
const SIGMA = 0.3;
const BETA = 0.6;

/** mulberry32: a small seeded PRNG, so that a run is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(SEED);
function normal(sd: number): number {
  const u = 1 - random();
  const v = random();
  return sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
function pick<T>(items: readonly (readonly [T, number])[]): T {
  let r = random();
  for (const [item, share] of items) {
    if ((r -= share) < 0) return item;
  }
  return items[items.length - 1][0];
}

const FIELDS = {
  internet_plus: { base: Math.log(300_000), sections: ['G06F', 'G06N', 'H04L', 'H04W', 'G06Q', 'G06T'] },
  life_health: { base: Math.log(800_000), sections: ['A61K', 'A61B', 'C12N', 'A61P', 'C07K', 'G01N'] },
  new_materials: { base: Math.log(500_000), sections: ['C01B', 'C08L', 'C22C', 'H01M', 'C04B', 'B82Y'] },
  other: { base: Math.log(200_000), sections: ['F16H', 'B65G', 'E04B', 'F24S', 'A01G', 'B23K'] },
} as const;
type Field = keyof typeof FIELDS;
const IP_TYPES = [
  ['invention_patent', 0.6],
  ['utility_model', 0.3],
  ['design_patent', 0.1],
] as const;
const IP_EFFECT: Record<string, number> = { invention_patent: 0, utility_model: -0.5, design_patent: -0.8 };
const IP_DIGIT: Record<string, string> = { invention_patent: '1', utility_model: '2', design_patent: '3' };
const IP_TERM: Record<string, number> = { invention_patent: 20, utility_model: 10, design_patent: 15 };
const MATURITY_EFFECT: Record<PricingMaturity, number> = { lab: -0.4, prototype: -0.1, pilot: 0.15, industrialised: 0.4 };
const DEAL_TYPES = [
  ['transfer', 0.45],
  ['license', 0.45],
  ['equity', 0.1],
] as const;
const DEAL_EFFECT: Record<PricingDealType, number> = { transfer: 0, license: -0.6, equity: 0.2 };

interface Generated {
  achievementId: string;
  field: Field;
  ipc: string;
  ipType: string;
  number: string;
  maturity: PricingMaturity;
  dealType: PricingDealType;
  concludedAt: Date;
  concludedOn: string;
  /** the model's mean of ln(price in fen), without ε */
  mu: number;
  epsilon: number;
  priceFen: bigint;
}

function generate(): Generated[] {
  const subclassEffect = new Map<string, number>();
  const groupEffect = new Map<string, number>();
  for (const f of Object.values(FIELDS))
    for (const s of f.sections) {
      subclassEffect.set(s, normal(0.4));
      for (let g = 1; g <= 4; g++) groupEffect.set(`${s}${g * 3}/`, normal(0.2));
    }
  const start = Date.UTC(2021, 0, 1);
  const end = Date.UTC(2026, 10, 30);
  const out: Generated[] = [];
  for (let i = 0; i < DEALS; i++) {
    const field = (Object.keys(FIELDS) as Field[])[Math.floor(random() * 4)];
    const subclass = FIELDS[field].sections[Math.floor(random() * 6)];
    const group = (1 + Math.floor(random() * 4)) * 3;
    const ipc = `${subclass} ${group}/${10 + Math.floor(random() * 80)}`;
    const ipType = pick(IP_TYPES);
    const maturity = (['lab', 'prototype', 'pilot', 'industrialised'] as const)[Math.floor(random() * 4)];
    const dealType = pick(DEAL_TYPES);
    const concludedAt = new Date(start + Math.floor(random() * (end - start)));
    const concludedOn = new Date(concludedAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    // filed between (term − 1) years and 1 year before the deal: 0.5 … term − 0.5 years left
    const dealYear = concludedAt.getUTCFullYear();
    const filingYear = dealYear - 1 - Math.floor(random() * (IP_TERM[ipType] - 1));
    const digits = `${filingYear}${IP_DIGIT[ipType]}${String(i).padStart(7, '0')}`;
    const number = `ZL${digits}.${patentCheckChar(digits)}`;
    const years = remainingTermYears(ipType, number, concludedOn)!;
    const mu =
      FIELDS[field].base +
      subclassEffect.get(subclass)! +
      groupEffect.get(`${subclass}${group}/`)! +
      IP_EFFECT[ipType] +
      MATURITY_EFFECT[maturity] +
      DEAL_EFFECT[dealType] +
      BETA * Math.log(Math.max(years, 0.5)) +
      Math.log(100); // yuan → fen
    const epsilon = normal(SIGMA);
    const priceFen = BigInt(Math.max(100, Math.round(Math.exp(mu + epsilon) / 100) * 100));
    out.push({ achievementId: '', field, ipc, ipType, number, maturity, dealType, concludedAt, concludedOn, mu, epsilon, priceFen });
  }
  return out;
}

async function load(c: Client, deals: Generated[]): Promise<void> {
  const [{ id: holder }] = (
    await c.query(`INSERT INTO organizations (type, name, region_code, holder_category) VALUES ('holder', '基准大学', '330106', 'university') RETURNING id`)
  ).rows as { id: string }[];
  const [{ id: buyer }] = (
    await c.query(`INSERT INTO organizations (type, name, region_code, sme) VALUES ('enterprise', '基准企业', '330106', true) RETURNING id`)
  ).rows as { id: string }[];
  const ids = (
    await c.query(
      `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, ipc_classes, maturity, registration_status, registered_on)
       SELECT $1, '成果 ' || n, f, 'applied', d::date - 30, ARRAY[ipc], m, 'registered', d::date - 30
         FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS u(f, ipc, m, d, n) ORDER BY n RETURNING id`,
      [holder, deals.map((d) => d.field), deals.map((d) => d.ipc), deals.map((d) => d.maturity), deals.map((d) => d.concludedAt)],
    )
  ).rows as { id: string }[];
  ids.forEach((r, i) => (deals[i].achievementId = r.id));
  await c.query(
    `INSERT INTO ip_rights (achievement_id, type, number, granted_on, status) SELECT a, t, n, d::date - 60, 'valid' FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS u(a, t, n, d)`,
    [deals.map((d) => d.achievementId), deals.map((d) => d.ipType), deals.map((d) => d.number), deals.map((d) => d.concludedAt)],
  );
  await c.query(
    `WITH l AS (
       INSERT INTO listings (achievement_id, holder_id, mode, status, deal_type, license_type, created_at)
       SELECT a, $1, 'negotiated', 'closed', t, CASE WHEN t = 'license' THEN 'ordinary' END, d - interval '20 days'
         FROM unnest($3::uuid[], $4::text[], $5::timestamptz[]) AS u(a, t, d) RETURNING id, achievement_id, deal_type, license_type)
     INSERT INTO deals (lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at, source, status)
     SELECT NULL, l.id, l.achievement_id, $1, $2, l.deal_type, l.license_type, u.p, 0, u.d, 'negotiated', 'contracted'
       FROM l JOIN unnest($3::uuid[], $6::bigint[], $5::timestamptz[]) AS u(a, p, d) ON u.a = l.achievement_id`,
    [holder, buyer, deals.map((d) => d.achievementId), deals.map((d) => d.dealType), deals.map((d) => d.concludedAt), deals.map((d) => d.priceFen.toString())],
  );
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

interface Backtest {
  name: string;
  heldOut: number;
  covered: number;
  insufficient: number;
  mdape: number;
  inRange: number;
  medianWidth: number;
  oracleMdape: number;
  oracleInRange: number;
  naiveMdape: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
}

async function backtest(
  db: DataSource,
  name: string,
  deals: Generated[],
  sample: Generated[],
  pastOnly: boolean,
  options: Partial<PricingOptions>,
): Promise<Backtest> {
  const apes: number[] = [];
  const oracleApes: number[] = [];
  const naiveApes: number[] = [];
  const widths: number[] = [];
  const latencies: number[] = [];
  let inRange = 0;
  let oracleIn = 0;
  let insufficient = 0;
  for (const d of sample) {
    const t0 = performance.now();
    const subject = (await pricingSubject(db, d.achievementId))!;
    const before = pastOnly ? d.concludedAt : new Date('2100-01-01T00:00:00Z');
    const { guidance: g } = await computePriceGuidance(db, subject, d.dealType, { date: d.concludedOn, before }, options);
    latencies.push(performance.now() - t0);
    if (g.status !== 'ok') {
      insufficient++;
      continue;
    }
    const actual = Number(d.priceFen);
    apes.push(Math.abs(Number(g.pointFen) - actual) / actual);
    if (g.lowFen <= d.priceFen && d.priceFen <= g.highFen) inRange++;
    const halfWidth = Math.log(Number(g.highFen) / Number(g.lowFen)) / 2;
    widths.push(2 * halfWidth);
    // the oracle knows μ: point e^μ, interval μ ± the same half-width (in logs)
    oracleApes.push(Math.abs(Math.exp(d.mu) - actual) / actual);
    if (Math.abs(Math.log(actual) - d.mu) <= halfWidth) oracleIn++;
    // naive: the median price of the field's other deals (any deal type), same held-out set
    const peers = deals.filter((o) => o !== d && o.field === d.field && (!pastOnly || o.concludedAt < d.concludedAt)).map((o) => Number(o.priceFen));
    naiveApes.push(Math.abs(median(peers) - actual) / actual);
  }
  const covered = apes.length;
  latencies.sort((a, b) => a - b);
  return {
    name,
    heldOut: sample.length,
    covered,
    insufficient: insufficient / sample.length,
    mdape: median(apes),
    inRange: inRange / Math.max(1, covered),
    medianWidth: Math.exp(median(widths)),
    oracleMdape: median(oracleApes),
    oracleInRange: oracleIn / Math.max(1, covered),
    naiveMdape: median(naiveApes),
    latencyP50Ms: latencies[Math.floor(latencies.length * 0.5)],
    latencyP95Ms: latencies[Math.floor(latencies.length * 0.95)],
  };
}

function print(b: Backtest): void {
  console.log(
    `${b.name.padEnd(34)} MdAPE ${pct(b.mdape).padStart(7)} | in range ${pct(b.inRange).padStart(7)} (range high/low ×${b.medianWidth.toFixed(2)}) | ` +
      `oracle MdAPE ${pct(b.oracleMdape).padStart(7)}, in same-width range ${pct(b.oracleInRange).padStart(7)} | naive field median MdAPE ${pct(b.naiveMdape).padStart(7)} | ` +
      `可比成交不足 ${pct(b.insufficient).padStart(6)} | ${b.covered}/${b.heldOut} priced, p50 ${b.latencyP50Ms.toFixed(1)} ms p95 ${b.latencyP95Ms.toFixed(1)} ms`,
  );
}

function serverUrl(database: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${database}`;
  return url.toString();
}

function machineLoad(): string {
  const top = execSync('ps -eo pcpu,pmem,etime,comm --sort=-pcpu | head -6').toString().trimEnd();
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n${top}`;
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
  const ds = new DataSource(dataSourceOptions(url, { extra: { max: 2, application_name: 'zjp-bench-pricing' } }));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    const deals = generate();
    const loader = new Client({ connectionString: url });
    await loader.connect();
    await load(loader, deals);
    await loader.query(`VACUUM ANALYZE`);
    await loader.end();

    console.log(`PostgreSQL ${version}; ${availableParallelism()} CPUs (nproc), ${Math.round(totalmem() / 2 ** 30)} GiB memory, Node ${process.version}`);
    console.log(`at start: ${loadAtStart}`);
    console.log(
      `model: ln p(yuan) = base(field) + subclass ~N(0,0.4) + main group ~N(0,0.2) + ipType + maturity + dealType + ${BETA}·ln(max(remaining years, 0.5)) + ε, ε ~ N(0, ${SIGMA})`,
    );
    console.log(`generated ${DEALS} concluded deals (seed ${SEED}); back-testing ${HELD_OUT} held-out deals; the noise floor is the oracle's`);
    const sample = deals.filter((_, i) => i % Math.max(1, Math.floor(DEALS / HELD_OUT)) === 0).slice(0, HELD_OUT);

    const runs: Backtest[] = [];
    runs.push(await backtest(ds, `loo (default: P25–P75, β 0.6, ≤ ${DEFAULT_PRICING_OPTIONS.maxComparables})`, deals, sample, false, {}));
    runs.push(await backtest(ds, 'past-only (default)', deals, sample, true, {}));
    runs.push(await backtest(ds, 'loo, no term adjustment (β 0)', deals, sample, false, { termElasticity: 0 }));
    runs.push(await backtest(ds, 'loo, other deal types at 0.25', deals, sample, false, { otherDealTypeFactor: 0.25 }));
    runs.push(await backtest(ds, 'loo, P10–P90', deals, sample, false, { lowQuantile: 0.1, highQuantile: 0.9 }));
    for (const max of [10, 15, 20, 40].filter((m) => m !== DEFAULT_PRICING_OPTIONS.maxComparables))
      runs.push(await backtest(ds, `loo, at most ${max} comparables`, deals, sample, false, { maxComparables: max }));
    for (const r of runs) print(r);
    console.log(`at end: ${machineLoad()}`);
    console.log(JSON.stringify({ deals: DEALS, heldOut: HELD_OUT, seed: SEED, sigma: SIGMA, beta: BETA, runs }));
  } finally {
    await ds.destroy();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
