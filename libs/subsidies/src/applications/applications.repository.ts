import { queries, updateReturning, type Queryable } from '@zjp/database';
import type { SubjectType } from '../candidates/subject-facts';
import type { Stacking, SubsidyExplanation } from '../domain';

/** Subsidies that count against caps: approved, in a batch, or paid. */
export const GRANTED_STATUSES = ['approved', 'batched', 'paid'];

const SELECT = `SELECT a.id, a.policy_id, v.name AS policy_name, p.document_number, a.policy_version, a.authority_id, a.subject_type, a.subject_id, a.subject_label,
    a.enterprise_id, e.name AS enterprise_name, a.enterprise_region_code, a.year, a.status, a.computed_fen::text, a.recommended_fen::text, a.approved_fen::text,
    a.explanation, a.approval_explanation, a.statement, a.attachments, a.payee, a.review_decision, a.reviewed_by, a.reviewed_at, a.review_reason,
    a.decided_by, a.decided_at, a.decision_reason, a.revoked_by, a.revoked_at, a.revoke_reason, a.batch_id, a.submitted_by, a.submitted_at, a.paid_at,
    ru.display_name AS reviewer_name, du.display_name AS decider_name, vu.display_name AS revoker_name
  FROM subsidy_applications a
  JOIN subsidy_policies p ON p.id = a.policy_id
  JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
  JOIN organization_directory e ON e.id = a.enterprise_id
  LEFT JOIN user_directory ru ON ru.id = a.reviewed_by
  LEFT JOIN user_directory du ON du.id = a.decided_by
  LEFT JOIN user_directory vu ON vu.id = a.revoked_by`;

// The list's filters; the scope ($4) is one of three fixed predicates, so each is its own statement.
const LIST_FILTER = `WHERE ($1::text IS NULL OR a.status = $1) AND ($2::uuid IS NULL OR a.policy_id = $2) AND ($3::int IS NULL OR a.year = $3)`;

/** Subsidy applications: submission, the two decisions, revocation, and what was granted (for caps and stacking). */
const SQL = queries(__filename, {
  insert: `
    INSERT INTO subsidy_applications (id, policy_id, authority_id, subject_type, subject_id, enterprise_id, year, enterprise_region_code, technical_field, subject_label,
       policy_version, computed_fen, explanation, statement, attachments, payee, submitted_by, submitted_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
  lock: `
    SELECT id, policy_id, authority_id, subject_type, subject_id, enterprise_id, year, status, computed_fen::text, recommended_fen::text, approved_fen::text, reviewed_by, batch_id
    FROM subsidy_applications WHERE id = $1 FOR UPDATE`,
  rejectAtReview: `UPDATE subsidy_applications SET status = 'rejected', review_decision = 'reject', reviewed_by = $2, reviewed_at = $3, review_reason = $4 WHERE id = $1`,
  markReviewed: `
    UPDATE subsidy_applications SET status = 'reviewed', review_decision = $2, recommended_fen = $3, reviewed_by = $4, reviewed_at = $5, review_reason = $6 WHERE id = $1`,
  lockSubject: `SELECT pg_advisory_xact_lock(hashtext('subsidy-subject:' || $1))`,
  reserveBudget: `UPDATE subsidy_policies SET reserved_fen = reserved_fen + $2, updated_at = $3 WHERE id = $1 AND budget_fen - reserved_fen - paid_fen >= $2 RETURNING id`,
  markApproved: `
    UPDATE subsidy_applications SET status = 'approved', approved_fen = $2, approval_explanation = $3, decided_by = $4, decided_at = $5, decision_reason = $6 WHERE id = $1`,
  rejectAtApproval: `UPDATE subsidy_applications SET status = 'rejected', decided_by = $2, decided_at = $3, decision_reason = $4 WHERE id = $1`,
  lockPolicy: `SELECT 1 FROM subsidy_policies WHERE id = $1 FOR UPDATE`,
  releaseBudget: `UPDATE subsidy_policies SET reserved_fen = reserved_fen - $2, updated_at = $3 WHERE id = $1`,
  markRevoked: `UPDATE subsidy_applications SET status = 'rejected', revoked_by = $2, revoked_at = $3, revoke_reason = $4 WHERE id = $1`,
  markWithdrawn: `UPDATE subsidy_applications SET status = 'withdrawn' WHERE id = $1`,
  findView: `${SELECT} WHERE a.id = $1`,
  listAll: `${SELECT} ${LIST_FILTER} AND (TRUE OR $4::uuid IS NULL)
       ORDER BY a.submitted_at DESC, a.id DESC LIMIT $5 OFFSET $6`,
  countAll: `SELECT count(*)::int AS total FROM subsidy_applications a ${LIST_FILTER} AND (TRUE OR $4::uuid IS NULL)`,
  listOfEnterprise: `${SELECT} ${LIST_FILTER} AND (a.enterprise_id = $4 OR $4::uuid IS NULL)
       ORDER BY a.submitted_at DESC, a.id DESC LIMIT $5 OFFSET $6`,
  countOfEnterprise: `SELECT count(*)::int AS total FROM subsidy_applications a ${LIST_FILTER} AND (a.enterprise_id = $4 OR $4::uuid IS NULL)`,
  listOfAuthority: `${SELECT} ${LIST_FILTER} AND (a.authority_id = $4 OR $4::uuid IS NULL)
       ORDER BY a.submitted_at DESC, a.id DESC LIMIT $5 OFFSET $6`,
  countOfAuthority: `SELECT count(*)::int AS total FROM subsidy_applications a ${LIST_FILTER} AND (a.authority_id = $4 OR $4::uuid IS NULL)`,
  grantedForSubject: `
    SELECT a.policy_id AS "policyId", v.document->>'stacking' AS stacking FROM subsidy_applications a
    JOIN subsidy_policies p ON p.id = a.policy_id JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
    WHERE a.subject_type = $1 AND a.subject_id = $2 AND a.status = ANY($3) AND a.id <> $4`,
  grantedAmounts: `
    SELECT policy_id AS "policyId", enterprise_id AS "enterpriseId", year, subject_type AS "subjectType", subject_id AS "subjectId", sum(approved_fen)::text AS fen
    FROM subsidy_applications WHERE policy_id = ANY($1::uuid[]) AND enterprise_id = ANY($2::uuid[]) AND status = ANY($3)
    GROUP BY policy_id, enterprise_id, year, subject_type, subject_id`,
  grantedBandShares: `
    SELECT policy_id AS "policyId", enterprise_id AS "enterpriseId", year, subject_type AS "subjectType", subject_id AS "subjectId",
           coalesce(approved_fen, computed_fen)::text AS fen, coalesce(approval_explanation, explanation)->'bands' AS bands
    FROM subsidy_applications WHERE policy_id = ANY($1::uuid[]) AND enterprise_id = ANY($2::uuid[]) AND status = ANY($3)
      AND coalesce(approval_explanation, explanation) ? 'bands'`,
});

export interface ApplicationRow {
  id: string;
  policy_id: string;
  policy_name: string;
  document_number: string;
  policy_version: number;
  authority_id: string;
  subject_type: SubjectType;
  subject_id: string;
  subject_label: string | null;
  enterprise_id: string;
  enterprise_name: string;
  enterprise_region_code: string;
  year: number;
  status: string;
  computed_fen: string;
  recommended_fen: string | null;
  approved_fen: string | null;
  explanation: SubsidyExplanation;
  approval_explanation: SubsidyExplanation | null;
  statement: string | null;
  attachments: unknown[];
  payee: { accountName: string; bankName: string; accountNumber: string };
  review_decision: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  revoked_by: string | null;
  reviewer_name?: string | null;
  decider_name?: string | null;
  revoker_name?: string | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
  batch_id: string | null;
  submitted_by: string | null;
  submitted_at: Date;
  paid_at: Date | null;
}

export interface LockedApplication {
  id: string;
  policy_id: string;
  authority_id: string;
  subject_type: SubjectType;
  subject_id: string;
  enterprise_id: string;
  year: number;
  status: string;
  computed_fen: string;
  recommended_fen: string | null;
  approved_fen: string | null;
  reviewed_by: string | null;
  batch_id: string | null;
}

export interface NewApplication {
  id: string;
  policyId: string;
  authorityId: string;
  subjectType: SubjectType;
  subjectId: string;
  enterpriseId: string;
  year: number;
  enterpriseRegionCode: string;
  technicalField: string | null;
  subjectLabel: string | null;
  policyVersion: number;
  computedFen: bigint;
  explanation: SubsidyExplanation;
  statement: string | null;
  attachments: unknown;
  payee: unknown;
  submittedBy: string;
  submittedAt: Date;
}

export interface GrantedRow {
  policyId: string;
  enterpriseId: string;
  year: number;
  subjectType: string;
  subjectId: string;
  fen: bigint;
}

/** Inserts a submitted application; the unique index refuses a second live one (the caller maps the violation). */
export async function insertApplication(m: Queryable, a: NewApplication): Promise<void> {
  await m.query(SQL.insert, [
    a.id,
    a.policyId,
    a.authorityId,
    a.subjectType,
    a.subjectId,
    a.enterpriseId,
    a.year,
    a.enterpriseRegionCode,
    a.technicalField,
    a.subjectLabel,
    a.policyVersion,
    a.computedFen.toString(),
    JSON.stringify(a.explanation),
    a.statement,
    JSON.stringify(a.attachments),
    JSON.stringify(a.payee),
    a.submittedBy,
    a.submittedAt,
  ]);
}

/** The application locked FOR UPDATE, or undefined. */
export async function lockApplication(m: Queryable, id: string): Promise<LockedApplication | undefined> {
  const rows = (await m.query(SQL.lock, [id])) as LockedApplication[];
  return rows[0];
}

export async function rejectAtReview(m: Queryable, id: string, by: string, at: Date, reason: string): Promise<void> {
  await m.query(SQL.rejectAtReview, [id, by, at, reason]);
}

export async function markReviewed(m: Queryable, id: string, decision: string, recommendedFen: bigint, by: string, at: Date, reason: string): Promise<void> {
  await m.query(SQL.markReviewed, [id, decision, recommendedFen.toString(), by, at, reason]);
}

/** Serialises one subject's approvals across policies (stacking) until the transaction ends. */
export async function lockSubject(m: Queryable, subjectId: string): Promise<void> {
  await m.query(SQL.lockSubject, [subjectId]);
}

/** Reserves the amount from the policy's budget if what is left covers it; false when it does not. */
export async function reserveBudget(m: Queryable, policyId: string, amountFen: bigint, at: Date): Promise<boolean> {
  const rows = await updateReturning(m, SQL.reserveBudget, [policyId, amountFen.toString(), at]);
  return rows.length > 0;
}

export async function markApproved(
  m: Queryable,
  id: string,
  approvedFen: bigint,
  explanation: SubsidyExplanation,
  by: string,
  at: Date,
  reason: string,
): Promise<void> {
  await m.query(SQL.markApproved, [id, approvedFen.toString(), JSON.stringify(explanation), by, at, reason]);
}

export async function rejectAtApproval(m: Queryable, id: string, by: string, at: Date, reason: string): Promise<void> {
  await m.query(SQL.rejectAtApproval, [id, by, at, reason]);
}

/** Locks the policy row, then gives back an approval's reserved amount. */
export async function releaseBudget(m: Queryable, policyId: string, amountFen: string | null, at: Date): Promise<void> {
  await m.query(SQL.lockPolicy, [policyId]);
  await m.query(SQL.releaseBudget, [policyId, amountFen, at]);
}

export async function markRevoked(m: Queryable, id: string, by: string, at: Date, reason: string): Promise<void> {
  await m.query(SQL.markRevoked, [id, by, at, reason]);
}

export async function markWithdrawn(m: Queryable, id: string): Promise<void> {
  await m.query(SQL.markWithdrawn, [id]);
}

export async function findApplicationRow(m: Queryable, id: string): Promise<ApplicationRow | undefined> {
  const rows = (await m.query(SQL.findView, [id])) as ApplicationRow[];
  return rows[0];
}

export interface ApplicationFilter {
  status: string | null;
  policyId: string | null;
  year: number | null;
  /** all: the operator; otherwise the organisation, as enterprise or authority. */
  scope: 'all' | 'enterprise' | 'authority';
  organizationId: string | null;
}

/** The newest 500 applications matching the filter within the scope. */
/** One page of the applications in scope, latest first, and how many there are. */
export async function listApplicationRows(
  m: Queryable,
  f: ApplicationFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: ApplicationRow[]; total: number }> {
  const [list, count] =
    f.scope === 'all'
      ? [SQL.listAll, SQL.countAll]
      : f.scope === 'enterprise'
        ? [SQL.listOfEnterprise, SQL.countOfEnterprise]
        : [SQL.listOfAuthority, SQL.countOfAuthority];
  const params = [f.status, f.policyId, f.year, f.organizationId];
  const [{ total }] = (await m.query(count, params)) as { total: number }[];
  return { rows: (await m.query(list, [...params, page.limit, page.offset])) as ApplicationRow[], total };
}

/** The other policies under which this subject holds a granted subsidy, with their stacking terms. */
export async function grantedPoliciesOfSubject(
  m: Queryable,
  subjectType: SubjectType,
  subjectId: string,
  exceptApplicationId: string,
): Promise<{ policyId: string; stacking: Stacking }[]> {
  return (await m.query(SQL.grantedForSubject, [subjectType, subjectId, GRANTED_STATUSES, exceptApplicationId])) as { policyId: string; stacking: Stacking }[];
}

/** What was granted under these policies to these enterprises, by policy, enterprise, year and subject. */
export async function grantedAmounts(m: Queryable, policyIds: readonly string[], enterpriseIds: readonly string[]): Promise<GrantedRow[]> {
  const rows = (await m.query(SQL.grantedAmounts, [[...new Set(policyIds)], [...new Set(enterpriseIds)], GRANTED_STATUSES])) as (Omit<GrantedRow, 'fen'> & {
    fen: string;
  })[];
  return rows.map((r) => ({ ...r, fen: BigInt(r.fen) }));
}

/** Granted applications under tiered policies, with the amount each band paid (the explanation's `bands`), for the band caps. */
export async function grantedBandShares(
  m: Queryable,
  policyIds: readonly string[],
  enterpriseIds: readonly string[],
): Promise<(Omit<GrantedRow, 'fen'> & { fen: bigint; bands: { fromFen: string; amountFen: string }[] })[]> {
  const rows = (await m.query(SQL.grantedBandShares, [[...new Set(policyIds)], [...new Set(enterpriseIds)], GRANTED_STATUSES])) as (Omit<GrantedRow, 'fen'> & {
    fen: string;
    bands: { fromFen: string; amountFen: string }[];
  })[];
  return rows.map((r) => ({ ...r, fen: BigInt(r.fen) }));
}
