import { queries, type Queryable, updateReturning } from '@zjp/database';
import type { PaymentProvider, PaymentStatus } from '../domain/payment-rules';

const COLUMNS = `id, organization_id AS "organizationId", payee_organization_id AS "payeeOrganizationId", reference_type AS "referenceType",
  reference_id AS "referenceId", item, amount_fen::text AS "amountFen", refunded_fen::text AS "refundedFen", currency, provider,
  provider_payment_id AS "providerPaymentId", payment_method AS "paymentMethod", status, attempts, failure_code AS "failureCode",
  failure_message AS "failureMessage", idempotency_key AS "idempotencyKey", to_char(received_on, 'YYYY-MM-DD') AS "receivedOn",
  created_at AS "createdAt", succeeded_at AS "succeededAt"`;
const REFUND_COLUMNS = `id, payment_id AS "paymentId", amount_fen::text AS "amountFen", reason, status, provider_refund_id AS "providerRefundId",
  failure_message AS "failureMessage", created_at AS "createdAt", succeeded_at AS "succeededAt"`;

const SQL = queries(__filename, {
  byId: `SELECT ${COLUMNS} FROM payments WHERE id = $1`,
  byIdForUpdate: `SELECT ${COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`,
  byIdempotencyKey: `SELECT ${COLUMNS} FROM payments WHERE reference_type = $1 AND reference_id = $2 AND idempotency_key = $3`,
  byProviderPaymentId: `SELECT ${COLUMNS} FROM payments WHERE provider_payment_id = $1`,
  ofReference: `SELECT ${COLUMNS} FROM payments WHERE reference_type = $1 AND reference_id = $2 ORDER BY created_at, id`,
  refundsOfReference: `
    SELECT ${REFUND_COLUMNS} FROM refunds WHERE payment_id IN (SELECT id FROM payments WHERE reference_type = $1 AND reference_id = $2)
    ORDER BY created_at, id`,
  insertStripe: `
    INSERT INTO payments (id, organization_id, payee_organization_id, reference_type, reference_id, item, amount_fen, provider, payment_method,
                          idempotency_key, created_by, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, 'stripe', $8, $9, $10, $11, $11) RETURNING ${COLUMNS}`,
  insertBankTransfer: `
    INSERT INTO payments (id, organization_id, payee_organization_id, reference_type, reference_id, item, amount_fen, provider, provider_payment_id, status,
                          idempotency_key, received_on, created_by, created_at, updated_at, succeeded_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, 'bank_transfer', $8, 'succeeded', $9, $10, $11, $12, $12, $12) RETURNING ${COLUMNS}`,
  insertDepositApplied: `
    INSERT INTO payments (id, organization_id, payee_organization_id, reference_type, reference_id, item, amount_fen, provider, provider_payment_id, status,
                          idempotency_key, created_by, created_at, updated_at, succeeded_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, 'deposit', $8, 'succeeded', $8, $9, $10, $10, $10) RETURNING ${COLUMNS}`,
  /** A new attempt after a decline: the same PaymentIntent, a new payment method. */
  retryFailed: `
    UPDATE payments SET status = 'pending', attempts = attempts + 1, payment_method = $2, failure_code = NULL, failure_message = NULL, updated_at = $3
    WHERE id = $1 AND status = 'failed' RETURNING ${COLUMNS}`,
  setProviderPaymentId: `UPDATE payments SET provider_payment_id = $2, updated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
  /** The status transitions, each conditional on the status read under the row lock. */
  moveToSucceeded: `UPDATE payments SET status = 'succeeded', updated_at = $3, succeeded_at = $3 WHERE id = $1 AND status = $2 RETURNING ${COLUMNS}`,
  moveToFailed: `
    UPDATE payments SET status = 'failed', updated_at = $3, failure_code = $4, failure_message = $5 WHERE id = $1 AND status = $2 RETURNING ${COLUMNS}`,
  moveToCanceled: `UPDATE payments SET status = 'canceled', updated_at = $3 WHERE id = $1 AND status = $2 RETURNING ${COLUMNS}`,
  addRefunded: `UPDATE payments SET refunded_fen = refunded_fen + $2, updated_at = $3 WHERE id = $1`,
  refundForUpdate: `SELECT ${REFUND_COLUMNS} FROM refunds WHERE id = $1 FOR UPDATE`,
  refundByIdempotencyKey: `SELECT ${REFUND_COLUMNS} FROM refunds WHERE payment_id = $1 AND idempotency_key = $2`,
  pendingRefundsFen: `SELECT coalesce(sum(amount_fen), 0)::text AS s FROM refunds WHERE payment_id = $1 AND status = 'pending'`,
  pendingRefunds: `SELECT ${REFUND_COLUMNS} FROM refunds WHERE payment_id = $1 AND status = 'pending' ORDER BY created_at`,
  insertRefund: `
    INSERT INTO refunds (id, payment_id, amount_fen, reason, idempotency_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
    RETURNING ${REFUND_COLUMNS}`,
  failRefund: `UPDATE refunds SET status = 'failed', failure_message = $2 WHERE id = $1 AND status = 'pending'`,
  succeedRefund: `
    UPDATE refunds SET status = 'succeeded', provider_refund_id = $2, succeeded_at = $3 WHERE id = $1 AND status = 'pending'
    RETURNING ${REFUND_COLUMNS}`,
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

export async function selectMovementStatuses(
  m: Queryable,
  referenceType: string,
  referenceId: string,
): Promise<{ payments: MovementStatus[]; refunds: MovementStatus[] }> {
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

// ---- the payment aggregate (a payment and its refunds) -----------------------------------------

export interface Payment {
  id: string;
  organizationId: string;
  payeeOrganizationId: string;
  referenceType: string;
  referenceId: string;
  item: string | null;
  amountFen: bigint;
  refundedFen: bigint;
  currency: 'CNY';
  provider: PaymentProvider;
  /** The Stripe PaymentIntent, the bank reference of a transfer, or `deposit:<id>`. */
  providerPaymentId: string | null;
  paymentMethod: string | null;
  status: PaymentStatus;
  attempts: number;
  failureCode: string | null;
  failureMessage: string | null;
  idempotencyKey: string;
  receivedOn: string | null;
  createdAt: Date;
  succeededAt: Date | null;
}

export interface Refund {
  id: string;
  paymentId: string;
  amountFen: bigint;
  reason: string;
  status: 'pending' | 'succeeded' | 'failed';
  providerRefundId: string | null;
  failureMessage: string | null;
  createdAt: Date;
  succeededAt: Date | null;
}

type PaymentRow = Omit<Payment, 'amountFen' | 'refundedFen'> & { amountFen: string; refundedFen: string };
type RefundRow = Omit<Refund, 'amountFen'> & { amountFen: string };
const toPayment = (r: PaymentRow): Payment => ({ ...r, amountFen: BigInt(r.amountFen), refundedFen: BigInt(r.refundedFen) });
const toRefund = (r: RefundRow): Refund => ({ ...r, amountFen: BigInt(r.amountFen) });
const onePayment = (rows: PaymentRow[]): Payment | undefined => (rows[0] ? toPayment(rows[0]) : undefined);

/** Where a payment row comes from and what it is for; `createdBy` is the acting user, if any. */
export interface NewPayment {
  id: string;
  organizationId: string;
  payeeOrganizationId: string;
  referenceType: string;
  referenceId: string;
  item: string | null;
  amountFen: bigint;
  createdBy: string | null;
  at: Date;
}

/** `lock`: FOR UPDATE, in the caller's transaction. */
export async function selectPayment(m: Queryable, id: string, opts: { lock?: boolean } = {}): Promise<Payment | undefined> {
  return onePayment((await m.query(opts.lock ? SQL.byIdForUpdate : SQL.byId, [id])) as PaymentRow[]);
}

export async function selectPaymentByIdempotencyKey(
  m: Queryable,
  referenceType: string,
  referenceId: string,
  idempotencyKey: string,
): Promise<Payment | undefined> {
  return onePayment((await m.query(SQL.byIdempotencyKey, [referenceType, referenceId, idempotencyKey])) as PaymentRow[]);
}

export async function selectPaymentByProviderId(m: Queryable, providerPaymentId: string): Promise<Payment | undefined> {
  return onePayment((await m.query(SQL.byProviderPaymentId, [providerPaymentId])) as PaymentRow[]);
}

/** A reference's payments and their refunds, each in the order created. */
export async function selectPaymentsOf(m: Queryable, referenceType: string, referenceId: string): Promise<{ payments: Payment[]; refunds: Refund[] }> {
  const payments = ((await m.query(SQL.ofReference, [referenceType, referenceId])) as PaymentRow[]).map(toPayment);
  const refunds = ((await m.query(SQL.refundsOfReference, [referenceType, referenceId])) as RefundRow[]).map(toRefund);
  return { payments, refunds };
}

export async function insertStripePayment(m: Queryable, p: NewPayment & { paymentMethod: string; idempotencyKey: string }): Promise<Payment> {
  const rows = (await m.query(SQL.insertStripe, [
    p.id,
    p.organizationId,
    p.payeeOrganizationId,
    p.referenceType,
    p.referenceId,
    p.item,
    p.amountFen.toString(),
    p.paymentMethod,
    p.idempotencyKey,
    p.createdBy,
    p.at,
  ])) as PaymentRow[];
  return toPayment(rows[0]);
}

/** A received bank transfer: succeeded at once, its idempotency key `bank:<reference>`. */
export async function insertBankTransferPayment(m: Queryable, p: NewPayment & { bankReference: string; receivedOn: string }): Promise<Payment> {
  const rows = (await m.query(SQL.insertBankTransfer, [
    p.id,
    p.organizationId,
    p.payeeOrganizationId,
    p.referenceType,
    p.referenceId,
    p.item,
    p.amountFen.toString(),
    p.bankReference,
    `bank:${p.bankReference}`,
    p.receivedOn,
    p.createdBy,
    p.at,
  ])) as PaymentRow[];
  return toPayment(rows[0]);
}

/** An applied deposit: succeeded at once, keyed by `providerPaymentId` (`deposit:<id>`) as provider id and idempotency key. */
export async function insertDepositAppliedPayment(m: Queryable, p: NewPayment & { providerPaymentId: string }): Promise<Payment> {
  const rows = (await m.query(SQL.insertDepositApplied, [
    p.id,
    p.organizationId,
    p.payeeOrganizationId,
    p.referenceType,
    p.referenceId,
    p.item,
    p.amountFen.toString(),
    p.providerPaymentId,
    p.createdBy,
    p.at,
  ])) as PaymentRow[];
  return toPayment(rows[0]);
}

/** Undefined when the payment is no longer failed (another attempt came first). */
export async function retryFailedPayment(m: Queryable, id: string, paymentMethod: string, at: Date): Promise<Payment | undefined> {
  return onePayment(await updateReturning<PaymentRow>(m, SQL.retryFailed, [id, paymentMethod, at]));
}

export async function setProviderPaymentId(m: Queryable, id: string, providerPaymentId: string, at: Date): Promise<Payment> {
  return toPayment((await updateReturning<PaymentRow>(m, SQL.setProviderPaymentId, [id, providerPaymentId, at]))[0]);
}

/** A status change from `from` (read under the row lock); the failure's code and message with a failure. */
export type PaymentMove = { status: 'succeeded' } | { status: 'canceled' } | { status: 'failed'; failureCode: string; failureMessage: string | null };

export async function movePayment(m: Queryable, id: string, from: PaymentStatus, to: PaymentMove, at: Date): Promise<Payment> {
  const rows =
    to.status === 'failed'
      ? await updateReturning<PaymentRow>(m, SQL.moveToFailed, [id, from, at, to.failureCode, to.failureMessage])
      : await updateReturning<PaymentRow>(m, to.status === 'succeeded' ? SQL.moveToSucceeded : SQL.moveToCanceled, [id, from, at]);
  return toPayment(rows[0]);
}

export async function addRefunded(m: Queryable, paymentId: string, amountFen: bigint, at: Date): Promise<void> {
  await m.query(SQL.addRefunded, [paymentId, amountFen.toString(), at]);
}

export async function selectRefundForUpdate(m: Queryable, id: string): Promise<Refund | undefined> {
  const rows = (await m.query(SQL.refundForUpdate, [id])) as RefundRow[];
  return rows[0] ? toRefund(rows[0]) : undefined;
}

export async function selectRefundByIdempotencyKey(m: Queryable, paymentId: string, idempotencyKey: string): Promise<Refund | undefined> {
  const rows = (await m.query(SQL.refundByIdempotencyKey, [paymentId, idempotencyKey])) as RefundRow[];
  return rows[0] ? toRefund(rows[0]) : undefined;
}

export async function selectPendingRefundsFen(m: Queryable, paymentId: string): Promise<bigint> {
  const [row] = (await m.query(SQL.pendingRefundsFen, [paymentId])) as { s: string }[];
  return BigInt(row.s);
}

/** A payment's refunds still pending, oldest first. */
export async function selectPendingRefunds(m: Queryable, paymentId: string): Promise<Refund[]> {
  return ((await m.query(SQL.pendingRefunds, [paymentId])) as RefundRow[]).map(toRefund);
}

export async function insertRefund(
  m: Queryable,
  r: { id: string; paymentId: string; amountFen: bigint; reason: string; idempotencyKey: string; createdBy: string | null; at: Date },
): Promise<Refund> {
  const rows = (await m.query(SQL.insertRefund, [r.id, r.paymentId, r.amountFen.toString(), r.reason, r.idempotencyKey, r.createdBy, r.at])) as RefundRow[];
  return toRefund(rows[0]);
}

/** Only a pending refund fails. */
export async function failRefund(m: Queryable, id: string, failureMessage: string): Promise<void> {
  await m.query(SQL.failRefund, [id, failureMessage]);
}

/** Only a pending refund succeeds; undefined when it no longer was. */
export async function succeedRefund(m: Queryable, id: string, providerRefundId: string | null, at: Date): Promise<Refund | undefined> {
  const [row] = await updateReturning<RefundRow>(m, SQL.succeedRefund, [id, providerRefundId, at]);
  return row ? toRefund(row) : undefined;
}
