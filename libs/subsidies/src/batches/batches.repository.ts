import { queries, updateReturning, type Queryable } from '@zjp/database';
import type { SubsidyExplanation } from '../domain';

const VIEW = `SELECT b.id, b.number, b.authority_id AS "authorityId", b.status, b.note, count(a.id)::int AS applications, coalesce(sum(a.approved_fen), 0)::text AS "totalFen",
         coalesce(array_agg(a.id ORDER BY a.id) FILTER (WHERE a.id IS NOT NULL), '{}') AS "applicationIds",
         b.created_by AS "createdBy", b.created_at AS "createdAt", b.exported_at AS "exportedAt", b.paid_at AS "paidAt",
         to_char(b.paid_on, 'YYYY-MM-DD') AS "paidOn", b.payment_reference AS "paymentReference"
  FROM subsidy_batches b LEFT JOIN subsidy_applications a ON a.batch_id = b.id`;

/** Settlement batches and the applications they carry from approved to paid. */
const SQL = queries(__filename, {
  insert: `INSERT INTO subsidy_batches (id, authority_id, number, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
  takeApplications: `
    UPDATE subsidy_applications SET status = 'batched', batch_id = $1
     WHERE id = ANY($2::uuid[]) AND status = 'approved' AND batch_id IS NULL AND authority_id = $3 RETURNING id`,
  markExported: `UPDATE subsidy_batches SET status = 'exported', exported_by = $2, exported_at = $3 WHERE id = $1`,
  organizationName: `SELECT name FROM organization_directory WHERE id = $1`,
  lockBatchedApplications: `
    SELECT id, policy_id, enterprise_id, authority_id, approved_fen::text AS amount
      FROM subsidy_applications WHERE batch_id = $1 AND status = 'batched' ORDER BY id FOR UPDATE`,
  movePolicyReservedToPaid: `UPDATE subsidy_policies SET reserved_fen = reserved_fen - $2, paid_fen = paid_fen + $2, updated_at = $3 WHERE id = $1`,
  markApplicationsPaid: `UPDATE subsidy_applications SET status = 'paid', paid_at = $2 WHERE batch_id = $1 AND status = 'batched'`,
  markPaid: `UPDATE subsidy_batches SET status = 'paid', paid_by = $2, paid_at = $3, paid_on = $4, payment_reference = $5 WHERE id = $1`,
  authorityRegion: `SELECT id, region_code AS "regionCode" FROM organization_directory WHERE id = $1`,
  findView: `${VIEW} WHERE b.id = $1 GROUP BY b.id`,
  list: `${VIEW} WHERE ($1::uuid IS NULL OR b.authority_id = $1) AND ($2::text IS NULL OR b.status = $2)
         GROUP BY b.id ORDER BY b.created_at DESC, b.id DESC LIMIT $3 OFFSET $4`,
  count: `SELECT count(*)::int AS total FROM subsidy_batches b WHERE ($1::uuid IS NULL OR b.authority_id = $1) AND ($2::text IS NULL OR b.status = $2)`,
  lines: `
    SELECT a.id, e.name AS enterprise_name, e.credit_code, a.enterprise_region_code, a.payee, v.name AS policy_name, p.document_number, a.subject_label, a.year,
           a.approved_fen::text AS amount, a.approval_explanation, r.display_name AS reviewer, d.display_name AS approver, a.decided_at
      FROM subsidy_applications a
      JOIN organization_directory e ON e.id = a.enterprise_id
      JOIN subsidy_policies p ON p.id = a.policy_id
      JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = a.policy_version
      LEFT JOIN user_directory r ON r.id = a.reviewed_by
      LEFT JOIN user_directory d ON d.id = a.decided_by
     WHERE a.batch_id = $1 ORDER BY e.name, a.id`,
  lock: `SELECT id, authority_id, number, status, payment_reference FROM subsidy_batches WHERE id = $1 FOR UPDATE`,
});

export interface BatchRow {
  id: string;
  number: string;
  authorityId: string;
  status: 'open' | 'exported' | 'paid';
  note: string | null;
  applications: number;
  totalFen: string;
  applicationIds: string[];
  createdBy: string | null;
  createdAt: Date;
  exportedAt: Date | null;
  paidAt: Date | null;
  paidOn: string | null;
  paymentReference: string | null;
}

export interface LockedBatch {
  id: string;
  authority_id: string;
  number: string;
  status: 'open' | 'exported' | 'paid';
  payment_reference: string | null;
}

export interface BatchedApplication {
  id: string;
  policy_id: string;
  enterprise_id: string;
  authority_id: string;
  amount: string;
}

export interface SettlementLineRow {
  id: string;
  enterprise_name: string;
  credit_code: string | null;
  enterprise_region_code: string;
  payee: { accountName: string; bankName: string; accountNumber: string };
  policy_name: string;
  document_number: string;
  subject_label: string | null;
  year: number;
  amount: string;
  approval_explanation: SubsidyExplanation;
  reviewer: string | null;
  approver: string | null;
  decided_at: Date;
}

export async function insertBatch(
  m: Queryable,
  b: { id: string; authorityId: string; number: string; note: string | null; createdBy: string; at: Date },
): Promise<void> {
  await m.query(SQL.insert, [b.id, b.authorityId, b.number, b.note, b.createdBy, b.at]);
}

/** Conditional: only approved applications of this authority, in no other batch, are taken; returns the ids taken. */
export async function takeApplications(m: Queryable, batchId: string, applicationIds: readonly string[], authorityId: string): Promise<string[]> {
  const rows = await updateReturning<{ id: string }>(m, SQL.takeApplications, [batchId, applicationIds, authorityId]);
  return rows.map((r) => r.id);
}

export async function markExported(m: Queryable, id: string, by: string, at: Date): Promise<void> {
  await m.query(SQL.markExported, [id, by, at]);
}

export async function organizationName(m: Queryable, id: string): Promise<string> {
  const [org] = (await m.query(SQL.organizationName, [id])) as { name: string }[];
  return org.name;
}

/** The batch's applications still to pay, locked, in id order. */
export async function lockBatchedApplications(m: Queryable, batchId: string): Promise<BatchedApplication[]> {
  return (await m.query(SQL.lockBatchedApplications, [batchId])) as BatchedApplication[];
}

export async function movePolicyReservedToPaid(m: Queryable, policyId: string, amountFen: bigint, at: Date): Promise<void> {
  await m.query(SQL.movePolicyReservedToPaid, [policyId, amountFen.toString(), at]);
}

export async function markApplicationsPaid(m: Queryable, batchId: string, at: Date): Promise<void> {
  await m.query(SQL.markApplicationsPaid, [batchId, at]);
}

/** The unique index on the payment reference refuses one used for another batch (the caller maps it). */
export async function markBatchPaid(m: Queryable, id: string, by: string, at: Date, paidOn: string, paymentReference: string): Promise<void> {
  await m.query(SQL.markPaid, [id, by, at, paidOn, paymentReference]);
}

export async function authorityRegion(m: Queryable, id: string): Promise<{ id: string; regionCode: string }> {
  const [authority] = (await m.query(SQL.authorityRegion, [id])) as { id: string; regionCode: string }[];
  return authority;
}

export async function findBatchRow(m: Queryable, id: string): Promise<BatchRow | undefined> {
  const rows = (await m.query(SQL.findView, [id])) as BatchRow[];
  return rows[0];
}

/** The newest 200 batches, of one authority or (null) of all. */
/** One page of batches, newest first: of one authority, or all (the operator). */
export async function listBatchRows(
  m: Queryable,
  f: { authorityId: string | null; status: string | null },
  page: { limit: number; offset: number },
): Promise<{ rows: BatchRow[]; total: number }> {
  const params = [f.authorityId, f.status];
  const [{ total }] = (await m.query(SQL.count, params)) as { total: number }[];
  return { rows: (await m.query(SQL.list, [...params, page.limit, page.offset])) as BatchRow[], total };
}

export async function settlementLineRows(m: Queryable, batchId: string): Promise<SettlementLineRow[]> {
  return (await m.query(SQL.lines, [batchId])) as SettlementLineRow[];
}

export async function lockBatch(m: Queryable, id: string): Promise<LockedBatch | undefined> {
  const rows = (await m.query(SQL.lock, [id])) as LockedBatch[];
  return rows[0];
}
