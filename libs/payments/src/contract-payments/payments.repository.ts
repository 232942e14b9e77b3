import { queries, type Queryable } from '@zjp/database';

const SQL = queries(__filename, {
  /**
   * Per reference: succeeded payments, pending payments and succeeded refunds (fen), each settled
   * movement on its Asia/Shanghai day (a bank transfer on the day it was received), and a
   * fingerprint of every payment and refund of the reference whatever their status. One statement
   * for any number of references (set-wise, for sweeps).
   */
  settledTotals: `
    WITH ids AS (SELECT DISTINCT unnest($2::uuid[]) AS id),
    pay AS (
      SELECT p.reference_id,
             coalesce(sum(p.amount_fen) FILTER (WHERE p.status = 'succeeded'), 0) AS paid,
             coalesce(sum(p.amount_fen) FILTER (WHERE p.status = 'pending'), 0) AS pending,
             string_agg(concat_ws(':', p.id, p.status, p.amount_fen, p.received_on, p.succeeded_at), ',' ORDER BY p.id) AS print,
             json_agg(json_build_object('id', p.id, 'amountFen', p.amount_fen::text,
                                        'on', to_char(coalesce(p.received_on, (p.succeeded_at AT TIME ZONE 'Asia/Shanghai')::date), 'YYYY-MM-DD'))
                      ORDER BY p.id) FILTER (WHERE p.status = 'succeeded') AS moves
      FROM payments p JOIN ids ON ids.id = p.reference_id
      WHERE p.reference_type = $1
      GROUP BY p.reference_id),
    ref AS (
      SELECT p.reference_id,
             coalesce(sum(r.amount_fen) FILTER (WHERE r.status = 'succeeded'), 0) AS refunded,
             string_agg(concat_ws(':', r.id, r.status, r.amount_fen, r.succeeded_at), ',' ORDER BY r.id) AS print,
             json_agg(json_build_object('id', r.id, 'amountFen', r.amount_fen::text, 'on', to_char((r.succeeded_at AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD'))
                      ORDER BY r.id) FILTER (WHERE r.status = 'succeeded') AS moves
      FROM refunds r JOIN payments p ON p.id = r.payment_id JOIN ids ON ids.id = p.reference_id
      WHERE p.reference_type = $1
      GROUP BY p.reference_id)
    SELECT ids.id AS "referenceId", coalesce(pay.paid, 0)::text AS "paidFen", coalesce(pay.pending, 0)::text AS "pendingFen",
           coalesce(ref.refunded, 0)::text AS "refundedFen", coalesce(pay.moves, '[]') AS payments, coalesce(ref.moves, '[]') AS refunds,
           md5(concat_ws('|', pay.print, ref.print)) AS fingerprint
    FROM ids LEFT JOIN pay ON pay.reference_id = ids.id LEFT JOIN ref ON ref.reference_id = ids.id`,
  /** The amount of the payment made earlier under a reference with this idempotency key (a retry is the same payment). */
  amountByIdempotencyKey: `
    SELECT amount_fen::text AS amount FROM payments WHERE reference_type = $1 AND reference_id = $2 AND idempotency_key = $3`,
  /** Payments of a reference in flight (pending), summed. */
  pendingFen: `
    SELECT coalesce(sum(amount_fen), 0)::text AS s FROM payments WHERE reference_type = $1 AND reference_id = $2 AND status = 'pending'`,
  /** Every payment of a reference, whatever its status. */
  paymentStatuses: `
    SELECT status, amount_fen::text AS amount FROM payments WHERE reference_type = $1 AND reference_id = $2`,
  /** Every refund of a reference's payments, whatever its status. */
  refundStatuses: `
    SELECT r.status, r.amount_fen::text AS amount FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.reference_type = $1 AND p.reference_id = $2`,
  /**
   * Succeeded payments (on their Asia/Shanghai day; a bank transfer on the day it was received),
   * then succeeded refunds as negative amounts, each in the order they were created. Set-wise.
   */
  settledMovements: `
    SELECT m.reference_id AS "referenceId", m.amount, m.on_day AS "on" FROM (
      SELECT p.reference_id, 0 AS kind, p.created_at, p.id, p.amount_fen::text AS amount,
             to_char(coalesce(p.received_on, (p.succeeded_at AT TIME ZONE 'Asia/Shanghai')::date), 'YYYY-MM-DD') AS on_day
      FROM payments p WHERE p.reference_type = $2 AND p.reference_id = ANY($1::uuid[]) AND p.status = 'succeeded'
      UNION ALL
      SELECT p.reference_id, 1, r.created_at, r.id, (-r.amount_fen)::text, to_char((r.succeeded_at AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD')
      FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.reference_type = $2 AND p.reference_id = ANY($1::uuid[]) AND r.status = 'succeeded'
    ) AS m ORDER BY m.kind, m.created_at, m.id`,
});

/** One settled movement: a succeeded payment or a succeeded refund (amount positive in both). */
export interface SettledMovement {
  id: string;
  amountFen: bigint;
  /** Its Asia/Shanghai day, YYYY-MM-DD: a bank transfer's received date, else the day it succeeded. */
  on: string;
}

/** What is settled under one reference (e.g. a contract): the read model other contexts use instead of the tables. */
export interface SettledTotals {
  referenceId: string;
  /** Succeeded payments, an applied deposit included. */
  paidFen: bigint;
  /** Succeeded refunds. */
  refundedFen: bigint;
  /** Payments in flight (pending). */
  pendingFen: bigint;
  /** Succeeded payments by day, ordered by id. */
  payments: SettledMovement[];
  /** Succeeded refunds by day, ordered by id. */
  refunds: SettledMovement[];
  /** Changes whenever any payment or refund of the reference changes (status, amount, dates). */
  fingerprint: string;
}

interface Row {
  referenceId: string;
  paidFen: string;
  pendingFen: string;
  refundedFen: string;
  payments: { id: string; amountFen: string; on: string }[];
  refunds: { id: string; amountFen: string; on: string }[];
  fingerprint: string;
}

const movement = (x: { id: string; amountFen: string; on: string }): SettledMovement => ({ id: x.id, amountFen: BigInt(x.amountFen), on: x.on });

export async function selectSettledTotals(m: Queryable, referenceType: string, referenceIds: readonly string[]): Promise<SettledTotals[]> {
  if (!referenceIds.length) return [];
  const rows = (await m.query(SQL.settledTotals, [referenceType, referenceIds])) as Row[];
  return rows.map((r) => ({
    referenceId: r.referenceId,
    paidFen: BigInt(r.paidFen),
    refundedFen: BigInt(r.refundedFen),
    pendingFen: BigInt(r.pendingFen),
    payments: r.payments.map(movement),
    refunds: r.refunds.map(movement),
    fingerprint: r.fingerprint,
  }));
}

export async function selectAmountByIdempotencyKey(m: Queryable, referenceType: string, referenceId: string, idempotencyKey: string): Promise<bigint | null> {
  const [row] = (await m.query(SQL.amountByIdempotencyKey, [referenceType, referenceId, idempotencyKey])) as { amount: string }[];
  return row ? BigInt(row.amount) : null;
}

export async function selectPendingFen(m: Queryable, referenceType: string, referenceId: string): Promise<bigint> {
  const [row] = (await m.query(SQL.pendingFen, [referenceType, referenceId])) as { s: string }[];
  return BigInt(row.s);
}

/** A payment or refund of a reference as the contract's money summary counts it: its status and amount. */
export interface MovementStatus {
  status: string;
  amountFen: bigint;
}

export async function selectMovementStatuses(m: Queryable, referenceType: string, referenceId: string): Promise<{ payments: MovementStatus[]; refunds: MovementStatus[] }> {
  const toStatus = (r: { status: string; amount: string }): MovementStatus => ({ status: r.status, amountFen: BigInt(r.amount) });
  const payments = (await m.query(SQL.paymentStatuses, [referenceType, referenceId])) as { status: string; amount: string }[];
  const refunds = (await m.query(SQL.refundStatuses, [referenceType, referenceId])) as { status: string; amount: string }[];
  return { payments: payments.map(toStatus), refunds: refunds.map(toStatus) };
}

/** A settled movement of a reference: a succeeded payment (positive) or a succeeded refund (negative), on its Asia/Shanghai day. */
export interface SignedMovement {
  referenceId: string;
  amountFen: bigint;
  /** YYYY-MM-DD. */
  on: string;
}

export async function selectSettledMovements(m: Queryable, referenceType: string, referenceIds: readonly string[]): Promise<SignedMovement[]> {
  if (!referenceIds.length) return [];
  const rows = (await m.query(SQL.settledMovements, [referenceIds, referenceType])) as { referenceId: string; amount: string; on: string }[];
  return rows.map((r) => ({ referenceId: r.referenceId, amountFen: BigInt(r.amount), on: r.on }));
}
