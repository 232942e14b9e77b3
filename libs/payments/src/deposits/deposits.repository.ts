import { queries, type Queryable, updateReturning } from '@zjp/database';
import type { DepositStatus } from '../domain/deposit-rules';

const COLUMNS = `id, organization_id AS "organizationId", reference_type AS "referenceType", reference_id AS "referenceId",
  amount_fen::text AS "amountFen", captured_fen::text AS "capturedFen", currency, provider, provider_payment_id AS "providerPaymentId",
  payment_method AS "paymentMethod", status, attempts, failure_code AS "failureCode", failure_message AS "failureMessage",
  held_at AS "heldAt", settled_at AS "settledAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

const SQL = queries(__filename, {
  byId: `SELECT ${COLUMNS} FROM deposits WHERE id = $1`,
  byReference: `SELECT ${COLUMNS} FROM deposits WHERE reference_type = $1 AND reference_id = $2`,
  byReferenceForUpdate: `SELECT ${COLUMNS} FROM deposits WHERE reference_type = $1 AND reference_id = $2 FOR UPDATE`,
  /** One deposit per reference: a second request for it inserts nothing. */
  insertCardHold: `
    INSERT INTO deposits (id, organization_id, reference_type, reference_id, amount_fen, provider, payment_method, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, 'stripe', $6, $7, $7)
    ON CONFLICT (reference_type, reference_id) DO NOTHING RETURNING ${COLUMNS}`,
  insertBankTransfer: `
    INSERT INTO deposits (id, organization_id, reference_type, reference_id, amount_fen, provider, provider_payment_id, status, held_at, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, 'bank_transfer', $6, 'held', $7, $7, $7) RETURNING ${COLUMNS}`,
  /** A new attempt after a decline: a new payment method. */
  retryFailed: `
    UPDATE deposits SET status = 'pending', attempts = attempts + 1, payment_method = $2, failure_code = NULL, failure_message = NULL, updated_at = $3
    WHERE id = $1 AND status = 'failed' RETURNING ${COLUMNS}`,
  /** The card was declined; the organisation paid by transfer instead. */
  failedToBankTransfer: `
    UPDATE deposits SET provider = 'bank_transfer', provider_payment_id = $2, payment_method = NULL, status = 'held', held_at = $3, updated_at = $3,
                        failure_code = NULL, failure_message = NULL
    WHERE id = $1 AND status = 'failed' RETURNING ${COLUMNS}`,
  setProviderPaymentId: `UPDATE deposits SET provider_payment_id = $2, updated_at = $3 WHERE id = $1 AND provider_payment_id IS NULL RETURNING ${COLUMNS}`,
  /**
   * One step of a deposit's status, conditional on the status it was read in: held_at and
   * settled_at are set when given, captured_fen when given, the failure's code and message when $8.
   */
  step: `
    UPDATE deposits SET status = $3, updated_at = $4, held_at = coalesce($5, held_at), settled_at = coalesce($6, settled_at),
                        captured_fen = coalesce($7::bigint, captured_fen),
                        failure_code = CASE WHEN $8::boolean THEN $9::text ELSE failure_code END,
                        failure_message = CASE WHEN $8::boolean THEN $10::text ELSE failure_message END
    WHERE id = $1 AND status = $2 RETURNING ${COLUMNS}`,
  organizationExists: `SELECT 1 FROM organization_directory WHERE id = $1`,
});

export type DepositProvider = 'stripe' | 'bank_transfer';

export interface Deposit {
  id: string;
  organizationId: string;
  referenceType: string;
  referenceId: string;
  amountFen: bigint;
  /** Captured for the price (captured) or for the platform (forfeited); 0 otherwise. */
  capturedFen: bigint;
  currency: 'CNY';
  provider: DepositProvider;
  /** The Stripe PaymentIntent id, or the bank reference of a transfer. */
  providerPaymentId: string | null;
  paymentMethod: string | null;
  status: DepositStatus;
  attempts: number;
  failureCode: string | null;
  failureMessage: string | null;
  heldAt: Date | null;
  settledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

type DepositRow = Omit<Deposit, 'amountFen' | 'capturedFen'> & { amountFen: string; capturedFen: string };
const toDeposit = (r: DepositRow): Deposit => ({ ...r, amountFen: BigInt(r.amountFen), capturedFen: BigInt(r.capturedFen) });
const oneDeposit = (rows: DepositRow[]): Deposit | undefined => (rows[0] ? toDeposit(rows[0]) : undefined);

export interface NewDeposit {
  id: string;
  organizationId: string;
  referenceType: string;
  referenceId: string;
  amountFen: bigint;
  at: Date;
}

export async function selectDeposit(m: Queryable, id: string): Promise<Deposit | undefined> {
  return oneDeposit((await m.query(SQL.byId, [id])) as DepositRow[]);
}

/** `lock`: FOR UPDATE, in the caller's transaction. */
export async function selectDepositByReference(
  m: Queryable,
  referenceType: string,
  referenceId: string,
  opts: { lock?: boolean } = {},
): Promise<Deposit | undefined> {
  return oneDeposit((await m.query(opts.lock ? SQL.byReferenceForUpdate : SQL.byReference, [referenceType, referenceId])) as DepositRow[]);
}

/** Undefined when the reference already has a deposit. */
export async function insertCardHold(m: Queryable, d: NewDeposit & { paymentMethod: string }): Promise<Deposit | undefined> {
  return oneDeposit(
    (await m.query(SQL.insertCardHold, [
      d.id,
      d.organizationId,
      d.referenceType,
      d.referenceId,
      d.amountFen.toString(),
      d.paymentMethod,
      d.at,
    ])) as DepositRow[],
  );
}

export async function insertBankTransferDeposit(m: Queryable, d: NewDeposit & { bankReference: string }): Promise<Deposit> {
  const rows = (await m.query(SQL.insertBankTransfer, [
    d.id,
    d.organizationId,
    d.referenceType,
    d.referenceId,
    d.amountFen.toString(),
    d.bankReference,
    d.at,
  ])) as DepositRow[];
  return toDeposit(rows[0]);
}

/** Undefined when the deposit is no longer failed. */
export async function retryFailedDeposit(m: Queryable, id: string, paymentMethod: string, at: Date): Promise<Deposit | undefined> {
  return oneDeposit(await updateReturning<DepositRow>(m, SQL.retryFailed, [id, paymentMethod, at]));
}

/** Undefined when the deposit is no longer failed. */
export async function failedDepositToBankTransfer(m: Queryable, id: string, bankReference: string, at: Date): Promise<Deposit | undefined> {
  return oneDeposit(await updateReturning<DepositRow>(m, SQL.failedToBankTransfer, [id, bankReference, at]));
}

/** Undefined when the deposit already had one. */
export async function setDepositProviderPaymentId(m: Queryable, id: string, providerPaymentId: string, at: Date): Promise<Deposit | undefined> {
  return oneDeposit(await updateReturning<DepositRow>(m, SQL.setProviderPaymentId, [id, providerPaymentId, at]));
}

/** One step of a deposit's status and what it sets with it. */
export interface DepositStep {
  from: DepositStatus;
  to: DepositStatus;
  at: Date;
  setHeldAt: boolean;
  setSettledAt: boolean;
  /** Set when positive. */
  capturedFen: bigint;
  failure?: { code: string; message: string | null };
}

/** Undefined when the deposit is no longer in `from` (a concurrent caller moved it first). */
export async function stepDeposit(m: Queryable, id: string, s: DepositStep): Promise<Deposit | undefined> {
  return oneDeposit(
    await updateReturning<DepositRow>(m, SQL.step, [
      id,
      s.from,
      s.to,
      s.at,
      s.setHeldAt ? s.at : null,
      s.setSettledAt ? s.at : null,
      s.capturedFen > 0n ? s.capturedFen.toString() : null,
      s.failure !== undefined,
      s.failure?.code ?? null,
      s.failure?.message ?? null,
    ]),
  );
}

export async function organizationExists(m: Queryable, organizationId: string): Promise<boolean> {
  return ((await m.query(SQL.organizationExists, [organizationId])) as unknown[]).length > 0;
}
