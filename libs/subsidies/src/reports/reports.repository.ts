import { queries, type Queryable } from '@zjp/database';

const DECIDED_ON = `(a.decided_at AT TIME ZONE 'Asia/Shanghai')::date`;

/** Granted subsidies (approved, batched or paid) grouped by `key`, within a region scope (the first $3 digits of $4). */
const summary = (key: string) => `
  SELECT ${key} AS key, min(o.name) AS authority_name, count(*)::int AS applications, sum(a.approved_fen)::text AS "approvedFen",
         coalesce(sum(a.approved_fen) FILTER (WHERE a.status = 'paid'), 0)::text AS "paidFen"
    FROM subsidy_applications a JOIN organization_directory o ON o.id = a.authority_id
   WHERE a.status IN ('approved', 'batched', 'paid') AND ($1::date IS NULL OR ${DECIDED_ON} >= $1) AND ($2::date IS NULL OR ${DECIDED_ON} <= $2)
     AND left(o.region_code, $3) = left($4, $3)
   GROUP BY 1 ORDER BY 1`;

/** The reports over granted subsidies and budget use; one statement per grouping, so each is reviewed as it runs. */
const SQL = queries(__filename, {
  summaryByAuthority: summary(`a.authority_id::text`),
  summaryByRegion: summary(`a.enterprise_region_code::text`),
  summaryByField: summary(`coalesce(a.technical_field, 'unknown')`),
  summaryByMonth: summary(`to_char(${DECIDED_ON}, 'YYYY-MM')`),
  summaryByQuarter: summary(`to_char(${DECIDED_ON}, 'YYYY-"Q"Q')`),
  summaryByYear: summary(`to_char(${DECIDED_ON}, 'YYYY')`),
  budget: `
    SELECT p.id, v.name, p.document_number, p.status, p.budget_fen::text AS budget, p.reserved_fen::text AS reserved, p.paid_fen::text AS paid,
           o.id AS authority_id, o.name AS authority_name, o.region_code
      FROM subsidy_policies p JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version JOIN organization_directory o ON o.id = p.authority_id
     WHERE left(o.region_code, $1) = left($2, $1) AND ($3::text IS NULL OR p.status = $3)
     ORDER BY o.region_code, p.created_at, p.id LIMIT $4 OFFSET $5`,
  budgetCount: `
    SELECT count(*)::int AS total FROM subsidy_policies p JOIN organization_directory o ON o.id = p.authority_id
     WHERE left(o.region_code, $1) = left($2, $1) AND ($3::text IS NULL OR p.status = $3)`,
});

export type ReportGroup = 'authority' | 'region' | 'field' | 'period';
export type ReportPeriod = 'month' | 'quarter' | 'year';

export interface SummaryDbRow {
  key: string;
  authority_name: string;
  applications: number;
  approvedFen: string;
  paidFen: string;
}

export interface BudgetDbRow {
  id: string;
  name: string;
  document_number: string;
  status: string;
  budget: string;
  reserved: string;
  paid: string;
  authority_id: string;
  authority_name: string;
  region_code: string;
}

const SUMMARY = {
  authority: SQL.summaryByAuthority,
  region: SQL.summaryByRegion,
  field: SQL.summaryByField,
  month: SQL.summaryByMonth,
  quarter: SQL.summaryByQuarter,
  year: SQL.summaryByYear,
} as const;

/** Granted subsidies by the group (period: by the approval's month, quarter or year in Asia/Shanghai), within the region scope. */
export async function grantedSummary(
  m: Queryable,
  groupBy: ReportGroup,
  period: ReportPeriod,
  f: { from: string | null; to: string | null; digits: number; regionCode: string },
): Promise<SummaryDbRow[]> {
  return (await m.query(SUMMARY[groupBy === 'period' ? period : groupBy], [f.from, f.to, f.digits, f.regionCode])) as SummaryDbRow[];
}

/** The policies of authorities within the region scope, with their budget columns. */
export async function budgetRows(
  m: Queryable,
  f: { digits: number; regionCode: string; status: string | null },
  page: { limit: number; offset: number },
): Promise<{ rows: BudgetDbRow[]; total: number }> {
  const params = [f.digits, f.regionCode, f.status];
  const [{ total }] = (await m.query(SQL.budgetCount, params)) as { total: number }[];
  return { rows: (await m.query(SQL.budget, [...params, page.limit, page.offset])) as BudgetDbRow[], total };
}
