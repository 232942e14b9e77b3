import { queries, type Queryable } from '@zjp/database';
import type { SubsidyExplanation } from '../domain';
import type { SubjectType } from './subject-facts';

/** Candidates (what an enterprise may claim under each policy) and the fingerprints they were computed on. */
const CANDIDATES = `
      FROM subsidy_candidates c
      JOIN subsidy_policies p ON p.id = c.policy_id
      JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
      JOIN organization_directory o ON o.id = p.authority_id
      LEFT JOIN subsidy_applications a ON a.policy_id = c.policy_id AND a.subject_type = c.subject_type AND a.subject_id = c.subject_id
           AND a.enterprise_id = c.enterprise_id AND a.year = c.year AND a.status NOT IN ('rejected', 'withdrawn')
     WHERE ($1::uuid IS NULL OR c.enterprise_id = $1) AND ($2::int IS NULL OR c.year = $2) AND ($3::uuid IS NULL OR c.subject_id = $3)
       AND (NOT $4 OR c.eligible) AND ($5::uuid IS NULL OR p.authority_id = $5) AND p.status = 'active'`;

const CANDIDATE_COLUMNS = `
    SELECT c.id, c.subject_type AS "subjectType", c.subject_id AS "subjectId", c.enterprise_id AS "enterpriseId", c.year, c.eligible,
           c.failed_condition AS "failedCondition", c.amount_fen::text AS "amountFen", c.explanation, c.computed_at AS "computedAt",
           p.id AS "policyId", v.name AS "policyName", p.document_number AS "documentNumber", o.name AS "authorityName", v.document->>'stacking' AS "policyStacking",
           a.id AS "applicationId", a.status AS "applicationStatus"
${CANDIDATES}`;

const SQL = queries(__filename, {
  // In the order of the keys, so that two batches (or a batch and one subject's job) never wait on each other in a cycle.
  lockSubjects: `SELECT pg_advisory_xact_lock(k.key) FROM (SELECT DISTINCT hashtext('subsidy-candidates:' || id) AS key FROM unnest($1::text[]) AS id ORDER BY key) AS k`,
  // The subjects' candidates are found subject by subject through subsidy_candidates_subject_idx
  // (the LATERAL subquery, kept apart by OFFSET 0, is one index lookup per subject whatever the
  // statistics say) and only those not kept are deleted, by primary key. Written as `subject_id =
  // ANY($2)`, on a table not analysed since it filled (autovacuum off, or a first sweep outrunning
  // it) the planner guessed that 1,000 ids select nearly every row and scanned all the type's
  // candidates for every batch: 0.45 s a batch at 450,000 candidates, ~6 ms now.
  deleteOthers: `
    DELETE FROM subsidy_candidates WHERE id = ANY (ARRAY(
      SELECT x.id FROM unnest($2::uuid[]) AS s (id),
             LATERAL (SELECT id FROM subsidy_candidates WHERE subject_type = $1 AND subject_id = s.id OFFSET 0) AS x
       WHERE NOT EXISTS (SELECT 1 FROM unnest($3::uuid[]) AS k (id) WHERE k.id = x.id)))`,
  deleteRuns: `DELETE FROM subsidy_candidate_runs WHERE subject_type = $1 AND subject_id = ANY($2::uuid[])`,
  upsertRuns: `
    INSERT INTO subsidy_candidate_runs (subject_type, subject_id, fingerprint, computed_at)
    SELECT $1, r.id, r.fingerprint, $4 FROM unnest($2::uuid[], $3::text[]) AS r (id, fingerprint)
    ON CONFLICT (subject_type, subject_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, computed_at = EXCLUDED.computed_at`,
  jitOff: `SET LOCAL jit = off`,
  // One page of the candidates, a subject's candidates of a year together; `listOfSubjects` then gives the whole groups of the
  // page's subjects (the stacking of a group needs all of it, and a page may cut one).
  list: `${CANDIDATE_COLUMNS}
     ORDER BY c.subject_id, c.year, c.amount_fen DESC, c.id LIMIT $6 OFFSET $7`,
  count: `SELECT count(*)::int AS total ${CANDIDATES}`,
  listOfSubjects: `${CANDIDATE_COLUMNS} AND c.subject_id = ANY ($6::uuid[])
     ORDER BY c.subject_id, c.year, c.amount_fen DESC, c.id`,
  activePolicies: `
    SELECT p.id, p.current_version AS version, p.budget_fen::text AS budget, p.reserved_fen::text AS reserved, p.paid_fen::text AS paid, o.region_code
      FROM subsidy_policies p JOIN organization_directory o ON o.id = p.authority_id WHERE p.status = 'active' AND p.kind = $1 ORDER BY p.id`,
  // The explanations travel as one JSON array (element i for row i): a text[] of thousands of JSON
  // documents costs more to encode and parse than the rest of the statement.
  upsert: `
    INSERT INTO subsidy_candidates (policy_id, policy_version, subject_type, subject_id, enterprise_id, year, eligible, failed_condition, amount_fen, explanation, computed_at)
    SELECT r.policy_id, r.policy_version, $1, r.subject_id, r.enterprise_id, r.year, r.eligible, r.failed_condition, r.amount_fen, $11::jsonb -> (r.n::int - 1), $2
      FROM unnest($3::uuid[], $4::int[], $5::uuid[], $6::uuid[], $7::int[], $8::boolean[], $9::text[], $10::bigint[]) WITH ORDINALITY
        AS r (policy_id, policy_version, subject_id, enterprise_id, year, eligible, failed_condition, amount_fen, n)
    ON CONFLICT (policy_id, subject_type, subject_id, enterprise_id, year) DO UPDATE
      SET policy_version = EXCLUDED.policy_version, eligible = EXCLUDED.eligible, failed_condition = EXCLUDED.failed_condition,
          amount_fen = EXCLUDED.amount_fen, explanation = EXCLUDED.explanation, computed_at = EXCLUDED.computed_at
    RETURNING id`,
});

export interface CandidateListRow {
  id: string;
  subjectType: SubjectType;
  subjectId: string;
  enterpriseId: string;
  year: number;
  eligible: boolean;
  failedCondition: string | null;
  amountFen: string;
  explanation: SubsidyExplanation;
  computedAt: Date;
  applicationId: string | null;
  applicationStatus: string | null;
  policyId: string;
  policyName: string;
  documentNumber: string;
  authorityName: string;
  policyStacking: 'combinable' | 'exclusive';
}

export interface ActivePolicyRow {
  id: string;
  version: number;
  budget: string;
  reserved: string;
  paid: string;
  region_code: string;
}

export interface CandidateUpsert {
  policyId: string;
  policyVersion: number;
  subjectId: string;
  enterpriseId: string;
  year: number;
  eligible: boolean;
  failedCondition: string | null;
  amountFen: bigint;
  explanation: SubsidyExplanation;
}

/** Serialises recomputations of these subjects across workers until the transaction ends. */
export async function lockSubjects(m: Queryable, ids: readonly string[]): Promise<void> {
  await m.query(SQL.lockSubjects, [ids]);
}

/** Deletes the subjects' candidates other than those kept. */
export async function deleteCandidatesExcept(m: Queryable, type: SubjectType, subjectIds: readonly string[], keptIds: readonly string[]): Promise<void> {
  await m.query(SQL.deleteOthers, [type, subjectIds, keptIds]);
}

export async function deleteRuns(m: Queryable, type: SubjectType, subjectIds: readonly string[]): Promise<void> {
  await m.query(SQL.deleteRuns, [type, subjectIds]);
}

/** Records the fingerprints the subjects' candidates were computed on. */
export async function upsertRuns(
  m: Queryable,
  type: SubjectType,
  subjectIds: readonly string[],
  fingerprints: readonly (string | undefined)[],
  at: Date,
): Promise<void> {
  await m.query(SQL.upsertRuns, [type, subjectIds, fingerprints, at]);
}

/** Without JIT for the rest of the transaction: compiling the fingerprint query's expressions cost more than running them. */
export async function disableJit(m: Queryable): Promise<void> {
  await m.query(SQL.jitOff);
}

export interface CandidateFilter {
  enterpriseId: string | null;
  year: number | null;
  subjectId: string | null;
  eligibleOnly: boolean;
  authorityId: string | null;
}

/** One page of the candidates (by subject, year, amount) and how many there are. */
export async function listCandidateRows(
  m: Queryable,
  f: CandidateFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: CandidateListRow[]; total: number }> {
  const params = [f.enterpriseId, f.year, f.subjectId, f.eligibleOnly, f.authorityId];
  const [{ total }] = (await m.query(SQL.count, params)) as { total: number }[];
  return { rows: (await m.query(SQL.list, [...params, page.limit, page.offset])) as CandidateListRow[], total };
}

/** Every candidate under the filter of the given subjects (whole subject-and-year groups). */
export async function candidateRowsOfSubjects(m: Queryable, f: CandidateFilter, subjectIds: string[]): Promise<CandidateListRow[]> {
  return (await m.query(SQL.listOfSubjects, [f.enterpriseId, f.year, f.subjectId, f.eligibleOnly, f.authorityId, subjectIds])) as CandidateListRow[];
}

/** Active policies of a kind with their budget figures and their authority's region, by id. */
export async function activePolicyRows(m: Queryable, kind: SubjectType): Promise<ActivePolicyRow[]> {
  return (await m.query(SQL.activePolicies, [kind])) as ActivePolicyRow[];
}

/** One upsert for every candidate row; returns their ids (in the rows' order). */
export async function upsertCandidates(m: Queryable, type: SubjectType, rows: readonly CandidateUpsert[], now: Date): Promise<string[]> {
  if (rows.length === 0) return [];
  const written = (await m.query(SQL.upsert, [
    type,
    now,
    rows.map((r) => r.policyId),
    rows.map((r) => r.policyVersion),
    rows.map((r) => r.subjectId),
    rows.map((r) => r.enterpriseId),
    rows.map((r) => r.year),
    rows.map((r) => r.eligible),
    rows.map((r) => r.failedCondition),
    rows.map((r) => r.amountFen.toString()),
    `[${rows.map((r) => JSON.stringify(r.explanation)).join(',')}]`,
  ])) as { id: string }[];
  return written.map((r) => r.id);
}
