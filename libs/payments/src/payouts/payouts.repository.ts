import { queries, type Queryable } from '@zjp/database';
import { ACCOUNTS } from '../domain/deposit-rules';

const COLUMNS = `id, organization_id AS "organizationId", amount_fen::text AS "amountFen", bank_reference AS "bankReference",
  to_char(paid_on, 'YYYY-MM-DD') AS "paidOn", note, idempotency_key AS "idempotencyKey", created_by AS "createdBy", created_at AS "createdAt"`;

const SQL = queries(__filename, {
  /** One payout at a time per organisation: the availability read and the posting are one step. */
  lockOrganization: `SELECT pg_advisory_xact_lock(hashtextextended('payout:' || $1, 0))`,
  byIdempotencyKey: `SELECT ${COLUMNS} FROM payouts WHERE idempotency_key = $1`,
  idByBankReference: `SELECT id FROM payouts WHERE bank_reference = $1`,
  insert: `
    INSERT INTO payouts (id, organization_id, amount_fen, bank_reference, paid_on, note, idempotency_key, created_by, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
  page: `SELECT ${COLUMNS} FROM payouts WHERE organization_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
  count: `SELECT count(*)::int AS n FROM payouts WHERE organization_id = $1`,
  organizationExists: `SELECT 1 FROM organization_directory WHERE id = $1`,
  /** The seller's proceeds and paid-out balances, and its payments' refunds still pending. */
  availability: `
    SELECT (SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE account = $1)::text AS proceeds,
           (SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE account = $2)::text AS paid_out,
           (SELECT coalesce(sum(r.amount_fen), 0) FROM refunds r JOIN payments p ON p.id = r.payment_id
             WHERE p.payee_organization_id = $3 AND r.status = 'pending')::text AS pending_refunds`,
});

export interface Payout {
  id: string;
  organizationId: string;
  amountFen: bigint;
  bankReference: string;
  paidOn: string;
  note: string | null;
  idempotencyKey: string;
  createdBy: string | null;
  createdAt: Date;
}

type PayoutRow = Omit<Payout, 'amountFen'> & { amountFen: string };
const toPayout = (r: PayoutRow): Payout => ({ ...r, amountFen: BigInt(r.amountFen) });

export async function lockOrganizationPayouts(m: Queryable, organizationId: string): Promise<void> {
  await m.query(SQL.lockOrganization, [organizationId]);
}

export async function selectPayoutByIdempotencyKey(m: Queryable, idempotencyKey: string): Promise<Payout | undefined> {
  const [row] = (await m.query(SQL.byIdempotencyKey, [idempotencyKey])) as PayoutRow[];
  return row ? toPayout(row) : undefined;
}

/** The payout this bank transfer already backs, if any. */
export async function selectPayoutIdByBankReference(m: Queryable, bankReference: string): Promise<string | undefined> {
  const [row] = (await m.query(SQL.idByBankReference, [bankReference])) as { id: string }[];
  return row?.id;
}

export async function insertPayout(m: Queryable, p: Omit<Payout, 'createdAt'> & { at: Date }): Promise<Payout> {
  const [row] = (await m.query(SQL.insert, [
    p.id,
    p.organizationId,
    p.amountFen.toString(),
    p.bankReference,
    p.paidOn,
    p.note,
    p.idempotencyKey,
    p.createdBy,
    p.at,
  ])) as PayoutRow[];
  return toPayout(row);
}

/** An organisation's payouts, newest first, and how many there are. */
export async function selectPayoutPage(m: Queryable, organizationId: string, limit: number, offset: number): Promise<{ items: Payout[]; total: number }> {
  const rows = (await m.query(SQL.page, [organizationId, limit, offset])) as PayoutRow[];
  const [count] = (await m.query(SQL.count, [organizationId])) as { n: number }[];
  return { items: rows.map(toPayout), total: count.n };
}

export async function organizationExists(m: Queryable, organizationId: string): Promise<boolean> {
  return ((await m.query(SQL.organizationExists, [organizationId])) as unknown[]).length > 0;
}

export async function selectPayoutBalances(
  m: Queryable,
  organizationId: string,
): Promise<{ proceedsFen: bigint; paidOutFen: bigint; pendingRefundsFen: bigint }> {
  const [row] = (await m.query(SQL.availability, [ACCOUNTS.orgContractProceeds(organizationId), ACCOUNTS.orgPaidOut(organizationId), organizationId])) as {
    proceeds: string;
    paid_out: string;
    pending_refunds: string;
  }[];
  return { proceedsFen: BigInt(row.proceeds), paidOutFen: BigInt(row.paid_out), pendingRefundsFen: BigInt(row.pending_refunds) };
}
