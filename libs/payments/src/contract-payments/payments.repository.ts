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
