import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';

/*
 * The authorities' compliance dashboard (P-REG, P-2Y, P-3Y), per holder of a region, in
 * PostgreSQL over the owners' published read models: organization_directory (identity),
 * achievement_standing and justification_directory (achievements). Same P-REG rule as
 * libs/achievements/src/domain/registration-deadline.ts (registered on or before obtainedOn + 30
 * days is on time); the rule states are those the daily idle scan keeps (P-2Y use_first, P-3Y
 * free_license_eligible, suspended by an approved justification).
 *
 * $1 region prefix (null: everywhere), $2 today (Asia/Shanghai), $3 limit, $4 offset.
 */
const SQL = queries(__filename, {
  authorityRegion: `SELECT region_code FROM organization_directory WHERE id = $1 AND type = 'authority'`,
  dashboard: `
    WITH h AS (
      SELECT o.id, o.name, o.holder_category, o.region_code
        FROM organization_directory o
       WHERE o.type = 'holder' AND ($1::text IS NULL OR o.region_code LIKE $1::text || '%')
    ), a AS (
      SELECT s.holder_id,
             count(*) FILTER (WHERE s.registered_on IS NOT NULL AND s.registered_on <= s.obtained_on + 30)::int AS on_time,
             count(*) FILTER (WHERE s.registered_on > s.obtained_on + 30)::int AS late,
             count(*) FILTER (WHERE s.registered_on IS NULL AND $2::date <= s.obtained_on + 30)::int AS pending,
             count(*) FILTER (WHERE s.registered_on IS NULL AND $2::date > s.obtained_on + 30)::int AS overdue,
             min(s.obtained_on + 30) FILTER (WHERE s.registered_on IS NULL AND $2::date > s.obtained_on + 30) AS oldest_missed,
             count(*) FILTER (WHERE s.rule_state = 'use_first')::int AS use_first,
             count(*) FILTER (WHERE s.rule_state = 'free_license_eligible')::int AS eligible,
             count(*) FILTER (WHERE s.rule_state = 'suspended')::int AS suspended
        FROM achievement_standing s JOIN h ON h.id = s.holder_id
       GROUP BY s.holder_id
    ), j AS (
      SELECT s.holder_id,
             count(*) FILTER (WHERE jd.status = 'pending')::int AS pending,
             count(*) FILTER (WHERE jd.status = 'approved' AND jd.ends_on >= $2::date)::int AS approved
        FROM justification_directory jd JOIN achievement_standing s ON s.id = jd.achievement_id JOIN h ON h.id = s.holder_id
       GROUP BY s.holder_id
    ), r AS (
      SELECT h.id AS "holderId", h.name AS "holderName", h.holder_category AS "holderKind", btrim(h.region_code) AS "regionCode",
             coalesce(a.on_time, 0) AS "registeredOnTime", coalesce(a.late, 0) AS "registeredLate",
             coalesce(a.pending, 0) AS "registrationPending", coalesce(a.overdue, 0) AS "overdueUnregistered",
             to_char(a.oldest_missed, 'YYYY-MM-DD') AS "oldestMissedDeadline",
             coalesce(a.use_first, 0) AS "useFirst", coalesce(a.eligible, 0) AS "freeLicenseEligible",
             coalesce(a.suspended, 0) AS "suspended",
             coalesce(j.pending, 0) AS "justificationsPending", coalesce(j.approved, 0) AS "justificationsApproved"
        FROM h LEFT JOIN a ON a.holder_id = h.id LEFT JOIN j ON j.holder_id = h.id
    )
    SELECT r.*,
           count(*) OVER ()::int AS "totalHolders",
           (sum("registeredOnTime") OVER ())::int AS "sumRegisteredOnTime",
           (sum("registeredLate") OVER ())::int AS "sumRegisteredLate",
           (sum("registrationPending") OVER ())::int AS "sumRegistrationPending",
           (sum("overdueUnregistered") OVER ())::int AS "sumOverdueUnregistered",
           (sum("useFirst") OVER ())::int AS "sumUseFirst",
           (sum("freeLicenseEligible") OVER ())::int AS "sumFreeLicenseEligible",
           (sum("suspended") OVER ())::int AS "sumSuspended",
           (sum("justificationsPending") OVER ())::int AS "sumJustificationsPending",
           (sum("justificationsApproved") OVER ())::int AS "sumJustificationsApproved"
      FROM r
     ORDER BY "overdueUnregistered" + "registeredLate" + "useFirst" + "freeLicenseEligible" + "justificationsPending" DESC, "holderName", "holderId"
     LIMIT $3 OFFSET $4`,
});

type Query = Pick<EntityManager, 'query'>;

export interface ComplianceHolderRow {
  holderId: string;
  holderName: string;
  holderKind: string;
  regionCode: string;
  registeredOnTime: number;
  registeredLate: number;
  registrationPending: number;
  overdueUnregistered: number;
  oldestMissedDeadline: string | null;
  useFirst: number;
  freeLicenseEligible: number;
  suspended: number;
  justificationsPending: number;
  justificationsApproved: number;
}

export type ComplianceTotals = Omit<ComplianceHolderRow, 'holderId' | 'holderName' | 'holderKind' | 'regionCode' | 'oldestMissedDeadline'>;

const TOTAL_KEYS = [
  'registeredOnTime',
  'registeredLate',
  'registrationPending',
  'overdueUnregistered',
  'useFirst',
  'freeLicenseEligible',
  'suspended',
  'justificationsPending',
  'justificationsApproved',
] as const;

/** The region of an authority organisation, or undefined. */
export async function authorityRegion(m: Query, organizationId: string): Promise<string | undefined> {
  const [row] = (await m.query(SQL.authorityRegion, [organizationId])) as { region_code: string }[];
  return row?.region_code.trim();
}

/** One page of holders (those needing attention first) with the totals over every holder of the region. */
export async function complianceDashboard(
  m: Query,
  q: { regionPrefix: string | null; today: string },
  page: { limit: number; offset: number },
): Promise<{ rows: ComplianceHolderRow[]; total: number; totals: ComplianceTotals }> {
  type Raw = ComplianceHolderRow & Record<string, unknown>;
  const raw = (await m.query(SQL.dashboard, [q.regionPrefix, q.today, page.limit, page.offset])) as Raw[];
  // a page past the end still reports the region's totals (the window sums ride on every row)
  const first = raw[0] ?? (page.offset > 0 ? ((await m.query(SQL.dashboard, [q.regionPrefix, q.today, 1, 0])) as Raw[])[0] : undefined);
  const totals = Object.fromEntries(TOTAL_KEYS.map((k) => [k, first ? (first[`sum${k[0].toUpperCase()}${k.slice(1)}`] as number) : 0])) as ComplianceTotals;
  const rows = raw.map((r) => {
    const row = {} as Record<string, unknown>;
    for (const k of ['holderId', 'holderName', 'holderKind', 'regionCode', 'oldestMissedDeadline', ...TOTAL_KEYS]) row[k] = r[k];
    return row as unknown as ComplianceHolderRow;
  });
  return { rows, total: first ? (first.totalHolders as number) : 0, totals };
}
