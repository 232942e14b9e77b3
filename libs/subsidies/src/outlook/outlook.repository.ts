import { queries, type Queryable } from '@zjp/database';

/**
 * The subsidy budget outlook's reads: the applications' totals under a policy (this context's own
 * table, summed by PostgreSQL), and the payment schedules of the contracts in force in an
 * authority's region (the contracts context's published contract_directory and
 * contract_schedule_directory).
 */
const SQL = queries(__filename, {
  applicationTotals: `
    SELECT coalesce(sum(approved_fen) FILTER (WHERE status IN ('approved', 'batched', 'paid')), 0)::text AS "committedFen",
           coalesce(sum(approved_fen) FILTER (WHERE status = 'paid'), 0)::text AS "paidFen",
           coalesce(sum(coalesce(recommended_fen, computed_fen)) FILTER (WHERE status IN ('submitted', 'reviewed')), 0)::text AS "pendingFen",
           count(*) FILTER (WHERE status IN ('approved', 'batched', 'paid'))::int AS "committedCount",
           count(*) FILTER (WHERE status IN ('submitted', 'reviewed'))::int AS "pendingCount"
      FROM subsidy_applications WHERE policy_id = $1`,
  appliedSubjects: `
    SELECT DISTINCT subject_id AS "subjectId" FROM subsidy_applications
     WHERE policy_id = $1 AND subject_type = 'contract' AND year = $2 AND status NOT IN ('rejected', 'withdrawn')`,
  // Contracts in force (signed, registered or being performed) whose buyer is in the region (the
  // first $1 digits of $2) and that have an obligation falling due by the end of the year ($3).
  schedules: `
    SELECT s.contract_id AS "contractId", s.obligation_key AS key, s.amount_fen::text AS "amountFen", to_char(s.due_on, 'YYYY-MM-DD') AS "dueOn"
      FROM contract_schedule_directory s
     WHERE s.contract_id IN (
             SELECT c.id FROM contract_directory c JOIN organization_directory b ON b.id = c.buyer_id
              WHERE c.status IN ('signed', 'registered', 'in_performance') AND left(b.region_code, $1) = left($2, $1)
                AND EXISTS (SELECT 1 FROM contract_schedule_directory d WHERE d.contract_id = c.id AND d.due_on <= $3::date))
     ORDER BY s.contract_id, s.due_on NULLS LAST, s.obligation_key`,
  policiesOfAuthority: `SELECT id FROM subsidy_policies WHERE authority_id = $1 AND status = 'active' ORDER BY created_at, id`,
});

export interface ApplicationTotalsRow {
  committedFen: string;
  paidFen: string;
  pendingFen: string;
  committedCount: number;
  pendingCount: number;
}

export interface ScheduleRow {
  contractId: string;
  key: string;
  amountFen: string;
  dueOn: string | null;
}

/** Committed (approved, batched, paid) and pending (submitted, reviewed) totals of a policy's applications. */
export async function applicationTotals(m: Queryable, policyId: string): Promise<ApplicationTotalsRow> {
  const rows = (await m.query(SQL.applicationTotals, [policyId])) as ApplicationTotalsRow[];
  return rows[0];
}

/** The contracts with a live application under the policy for the year. */
export async function appliedSubjects(m: Queryable, policyId: string, year: number): Promise<Set<string>> {
  const rows = (await m.query(SQL.appliedSubjects, [policyId, year])) as { subjectId: string }[];
  return new Set(rows.map((r) => r.subjectId));
}

/** The schedules of the contracts in force in the region with something due by `until`. */
export async function regionSchedules(m: Queryable, regionDigits: number, regionCode: string, until: string): Promise<ScheduleRow[]> {
  return (await m.query(SQL.schedules, [regionDigits, regionCode, until])) as ScheduleRow[];
}

/** The active policies of an authority, oldest first. */
export async function activePolicyIdsOf(m: Queryable, authorityId: string): Promise<string[]> {
  return ((await m.query(SQL.policiesOfAuthority, [authorityId])) as { id: string }[]).map((r) => r.id);
}
