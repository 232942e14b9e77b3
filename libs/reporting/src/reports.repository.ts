import { queries, type Queryable } from '@zjp/database';

/*
 * What a request reads: the summary tables only (reporting_daily_facts, reporting_daily_sessions,
 * reporting_periodic_reports), never the market's, contracts' or subsidies' rows.
 */
const MEASURES = `
  sum(listings)::int AS listings, sum(bidders)::int AS bidders, sum(bids)::int AS bids, sum(lots_offered)::int AS "lotsOffered",
  sum(lots_sold)::int AS "lotsSold", sum(sold_start_fen)::text AS "soldStartFen", sum(sold_hammer_fen)::text AS "soldHammerFen",
  sum(deals)::int AS deals, sum(deal_value_fen)::text AS "dealValueFen", sum(contracts_registered)::int AS "contractsRegistered",
  sum(contract_value_fen)::text AS "contractValueFen", sum(contract_paid_fen)::text AS "contractPaidFen",
  sum(subsidy_approved_fen)::text AS "subsidyApprovedFen", sum(subsidy_paid_fen)::text AS "subsidyPaidFen"`;

const SQL = queries(__filename, {
  // $1..$6: the three periods' first and last days (current, previous, a year before)
  periodFacts: `
    SELECT CASE WHEN day BETWEEN $1 AND $2 THEN 'current' WHEN day BETWEEN $3 AND $4 THEN 'previous' ELSE 'yearAgo' END AS span,
           CASE WHEN GROUPING(technical_field) = 0 THEN 'field' WHEN GROUPING(city) = 0 THEN 'region'
                WHEN GROUPING(holder_category) = 0 THEN 'holderType' WHEN GROUPING(theme) = 0 THEN 'theme' ELSE 'overall' END AS dimension,
           coalesce(technical_field, city, holder_category, theme, '') AS key,
           ${MEASURES}
      FROM (SELECT *, CASE WHEN region_code = '' THEN '' ELSE substr(region_code, 1, 4) || '00' END AS city FROM reporting_daily_facts
             WHERE day BETWEEN $1 AND $2 OR day BETWEEN $3 AND $4 OR day BETWEEN $5 AND $6) f
     GROUP BY 1, GROUPING SETS ((), (technical_field), (city), (holder_category), (theme))`,
  periodSessions: `
    SELECT CASE WHEN day BETWEEN $1 AND $2 THEN 'current' WHEN day BETWEEN $3 AND $4 THEN 'previous' ELSE 'yearAgo' END AS span,
           CASE WHEN GROUPING(theme) = 0 THEN 'theme' ELSE 'overall' END AS dimension, coalesce(theme, '') AS key, sum(sessions)::int AS sessions
      FROM reporting_daily_sessions
     WHERE day BETWEEN $1 AND $2 OR day BETWEEN $3 AND $4 OR day BETWEEN $5 AND $6
     GROUP BY 1, GROUPING SETS ((), (theme))`,
  monthlyTrend: `
    SELECT to_char(day, 'YYYY-MM') AS month, sum(listings)::int AS listings, sum(lots_sold)::int AS "lotsSold", sum(deals)::int AS deals,
           sum(deal_value_fen)::text AS "dealValueFen", sum(contract_value_fen)::text AS "contractValueFen"
      FROM reporting_daily_facts WHERE day BETWEEN $1 AND $2 GROUP BY 1 ORDER BY 1`,
  // The 30-day trailing sums of the index components for each day of [$1, $2], filtered by field
  // ($3, null: all) and region prefix ($4, null: all).
  trailingSums: `
    WITH daily AS (
      SELECT day, sum(listings) AS listings, sum(bidders) AS bidders, sum(bids) AS bids, sum(deals) AS deals, sum(deal_value_fen) AS value_fen
        FROM reporting_daily_facts
       WHERE day BETWEEN $1::date - 29 AND $2::date
         AND ($3::text IS NULL OR technical_field = $3) AND ($4::text IS NULL OR left(region_code, length($4)) = $4)
       GROUP BY day
    ), cal AS (
      SELECT d::date AS day FROM generate_series($1::date - 29, $2::date, interval '1 day') d
    ), w AS (
      SELECT cal.day,
             sum(coalesce(listings, 0)) OVER t AS listings, sum(coalesce(bidders, 0)) OVER t AS bidders, sum(coalesce(bids, 0)) OVER t AS bids,
             sum(coalesce(deals, 0)) OVER t AS deals, sum(coalesce(value_fen, 0)) OVER t AS value_fen
        FROM cal LEFT JOIN daily USING (day)
      WINDOW t AS (ORDER BY cal.day ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)
    )
    SELECT day::text AS day, listings::text AS listings, bidders::text AS bidders, bids::text AS bids, deals::text AS deals, value_fen::text AS "valueFen"
      FROM w WHERE day >= $1::date ORDER BY day`,
  fieldRegionPairs: `
    SELECT DISTINCT technical_field AS field, left(region_code, 4) || '00' AS region FROM reporting_daily_facts
     WHERE day BETWEEN $1::date - 29 AND $1::date AND region_code <> ''`,
  upsertIndex: `
    INSERT INTO reporting_activity_index (day, technical_field, region_code, base_date, index_value, listings, bidders, bids, deals, value_fen, computed_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
    ON CONFLICT (day, technical_field, region_code) DO UPDATE SET base_date = EXCLUDED.base_date, index_value = EXCLUDED.index_value,
      listings = EXCLUDED.listings, bidders = EXCLUDED.bidders, bids = EXCLUDED.bids, deals = EXCLUDED.deals, value_fen = EXCLUDED.value_fen,
      computed_at = EXCLUDED.computed_at`,
  storedIndex: `
    SELECT day::text AS day, technical_field AS field, region_code AS region, base_date::text AS "baseDate", index_value::text AS index
      FROM reporting_activity_index WHERE day = $1 ORDER BY technical_field, region_code`,
  upsertReport: `
    INSERT INTO reporting_periodic_reports (kind, period, period_from, period_to, content, sha256, generated_at, generated_by)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (kind, period) DO UPDATE SET content = EXCLUDED.content, sha256 = EXCLUDED.sha256, generated_at = EXCLUDED.generated_at,
      generated_by = EXCLUDED.generated_by, period_from = EXCLUDED.period_from, period_to = EXCLUDED.period_to`,
  findReport: `
    SELECT content, sha256, generated_at AS "generatedAt", generated_by AS "generatedBy" FROM reporting_periodic_reports WHERE kind = $1 AND period = $2`,
  availableReports: `
    SELECT kind, period, period_from::text AS "from", period_to::text AS "to", content->>'title' AS title, generated_at AS "generatedAt",
           generated_by AS "generatedBy", sha256
      FROM reporting_periodic_reports WHERE $1::text IS NULL OR kind = $1 ORDER BY period_from DESC, kind`,
});

export interface FactSums {
  listings: number;
  bidders: number;
  bids: number;
  lotsOffered: number;
  lotsSold: number;
  soldStartFen: string;
  soldHammerFen: string;
  deals: number;
  dealValueFen: string;
  contractsRegistered: number;
  contractValueFen: string;
  contractPaidFen: string;
  subsidyApprovedFen: string;
  subsidyPaidFen: string;
}

export type Span = 'current' | 'previous' | 'yearAgo';
export type Dimension = 'overall' | 'field' | 'region' | 'holderType' | 'theme';

export interface FactRow extends FactSums {
  span: Span;
  dimension: Dimension;
  key: string;
}

export interface SessionRow {
  span: Span;
  dimension: 'overall' | 'theme';
  key: string;
  sessions: number;
}

type Range = readonly [string, string];

export async function periodFacts(m: Queryable, cur: Range, prev: Range, yearAgo: Range): Promise<FactRow[]> {
  return (await m.query(SQL.periodFacts, [...cur, ...prev, ...yearAgo])) as FactRow[];
}

export async function periodSessions(m: Queryable, cur: Range, prev: Range, yearAgo: Range): Promise<SessionRow[]> {
  return (await m.query(SQL.periodSessions, [...cur, ...prev, ...yearAgo])) as SessionRow[];
}

export interface TrendRow {
  month: string;
  listings: number;
  lotsSold: number;
  deals: number;
  dealValueFen: string;
  contractValueFen: string;
}

export async function monthlyTrend(m: Queryable, from: string, to: string): Promise<TrendRow[]> {
  return (await m.query(SQL.monthlyTrend, [from, to])) as TrendRow[];
}

export interface TrailingRow {
  day: string;
  listings: string;
  bidders: string;
  bids: string;
  deals: string;
  valueFen: string;
}

export async function trailingSums(m: Queryable, from: string, to: string, field: string | null, regionPrefix: string | null): Promise<TrailingRow[]> {
  return (await m.query(SQL.trailingSums, [from, to, field, regionPrefix])) as TrailingRow[];
}

export async function fieldRegionPairs(m: Queryable, day: string): Promise<{ field: string; region: string }[]> {
  return (await m.query(SQL.fieldRegionPairs, [day])) as { field: string; region: string }[];
}

export interface StoredIndexRow {
  day: string;
  field: string;
  region: string;
  baseDate: string;
  index: string | null;
}

export async function upsertIndex(
  m: Queryable,
  row: { day: string; field: string; region: string; baseDate: string; index: string | null; sums: TrailingRow; at: Date },
): Promise<void> {
  const s = row.sums;
  await m.query(SQL.upsertIndex, [row.day, row.field, row.region, row.baseDate, row.index, s.listings, s.bidders, s.bids, s.deals, s.valueFen, row.at]);
}

export async function storedIndex(m: Queryable, day: string): Promise<StoredIndexRow[]> {
  return (await m.query(SQL.storedIndex, [day])) as StoredIndexRow[];
}

export interface StoredReport {
  content: unknown;
  sha256: string;
  generatedAt: Date;
  generatedBy: string;
}

export async function upsertReport(
  m: Queryable,
  r: { kind: string; period: string; from: string; to: string; content: unknown; sha256: string; at: Date; by: 'schedule' | 'request' },
): Promise<void> {
  await m.query(SQL.upsertReport, [r.kind, r.period, r.from, r.to, JSON.stringify(r.content), r.sha256, r.at, r.by]);
}

export async function findReport(m: Queryable, kind: string, period: string): Promise<StoredReport | undefined> {
  return ((await m.query(SQL.findReport, [kind, period])) as StoredReport[])[0];
}

export interface AvailableRow {
  kind: 'monthly' | 'quarterly' | 'annual';
  period: string;
  from: string;
  to: string;
  title: string;
  generatedAt: Date;
  generatedBy: string;
  sha256: string;
}

export async function availableReports(m: Queryable, kind: string | null): Promise<AvailableRow[]> {
  return (await m.query(SQL.availableReports, [kind])) as AvailableRow[];
}
