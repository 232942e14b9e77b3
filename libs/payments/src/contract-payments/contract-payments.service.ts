import { NotificationsService, yuanText } from '@zjp/identity';
import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, DomainError, isUuid, newId, NotFoundError, ValidationError } from '@zjp/core';
import { isUniqueViolation, Outbox, type Queryable, recordAudit, TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { MAX_CARD_DEPOSIT_FEN } from '../deposits/deposits.service';
import {
  CONTRACT_PAYMENT_METHOD_TYPES,
  PaymentStatus,
  paymentMayMove,
  paymentMovement,
  paymentTargetOf,
  PaymentTarget,
  refundable,
  refundMovement,
} from '../domain/payment-rules';
import { PaymentStatusChanged, type PaymentStatusChangedPayload } from '../events';
import { postLedgerTransaction } from '../ledger/ledger.service';
import { STRIPE } from '../stripe.client';
import {
  addRefunded,
  failRefund,
  insertBankTransferPayment,
  insertDepositAppliedPayment,
  insertRefund,
  insertStripePayment,
  type MovementStatus,
  movePayment,
  type Payment,
  type Refund,
  retryFailedPayment,
  selectAmountByIdempotencyKey,
  selectPayment,
  selectPaymentByIdempotencyKey,
  selectPaymentByProviderId,
  selectPaymentsOf,
  selectPendingRefunds,
  selectPendingRefundsFen,
  selectRefundByIdempotencyKey,
  selectRefundForUpdate,
  selectMovementStatuses,
  selectPendingFen,
  selectSettledMovements,
  selectSettledTotals,
  setProviderPaymentId,
  type SettledTotals,
  type SignedMovement,
  succeedRefund,
} from './payments.repository';

export type { MovementStatus, Payment, Refund, SettledMovement, SettledTotals, SignedMovement } from './payments.repository';

export interface PaymentReference {
  /** The payer and the payee. */
  organizationId: string;
  payeeOrganizationId: string;
  referenceType: string;
  referenceId: string;
  /** What the payment is for, e.g. an obligation key of the contract (`instalment:2`). */
  item?: string | null;
  amountFen: bigint;
}

export interface StripePaymentInput extends PaymentReference {
  /** A Stripe PaymentMethod id: a card, Alipay or WeChat Pay. */
  paymentMethod: string;
  /** The caller's key: the same key returns the same payment, never a second charge. */
  idempotencyKey: string;
}

export interface BankTransferPaymentInput extends PaymentReference {
  bankReference: string;
  receivedOn: string;
}

/** What a PaymentStatusChanged event carries. */
export type PaymentStatusChange = PaymentStatusChangedPayload;

type StripeError = InstanceType<typeof Stripe.errors.StripeError>;
const isStripeError = (err: unknown): err is StripeError => err instanceof Stripe.errors.StripeError;
const UNAVAILABLE = new Set(['StripeConnectionError', 'StripeAPIError', 'StripeRateLimitError']);

/**
 * Money paid under a contract (ARCHITECTURE invariant 5): Stripe PaymentIntents with automatic
 * capture (card, Alipay, WeChat Pay; CNY), bank transfers (对公转账) recorded by an administrator,
 * and an auction deposit applied to the price; refunds of any of them. Each payment row exists
 * before the provider is called and carries the Idempotency-Key of every Stripe call, so a retry,
 * a lost answer or a webhook converge on one payment; each status change is a conditional UPDATE
 * with its ledger movement in the same transaction. Balances are derived from the ledger.
 */
@Injectable()
export class ContractPaymentsService {
  private readonly logger = new Logger(ContractPaymentsService.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly notifications: NotificationsService,
  ) {}

  async get(paymentId: string): Promise<Payment> {
    const payment = isUuid(paymentId) ? await selectPayment(this.db.manager, paymentId) : undefined;
    if (!payment) throw new NotFoundError('PAYMENT_NOT_FOUND', 'No such payment');
    return payment;
  }

  async listFor(referenceType: string, referenceId: string): Promise<{ payments: Payment[]; refunds: Refund[] }> {
    return selectPaymentsOf(this.db.manager, referenceType, referenceId);
  }

  /**
   * The read model of what is settled under references of one type (e.g. `'contract'`), set-wise:
   * succeeded payments, succeeded refunds and pending payments in fen, each settled movement on its
   * Asia/Shanghai day, and a fingerprint that changes with any payment or refund. Every valid id
   * asked for is in the map (zeros when nothing was paid). `m` is the caller's transaction manager
   * (or the DataSource), so a caller holding a row lock reads in its own transaction.
   */
  async settledTotals(m: Queryable, referenceType: string, referenceIds: readonly string[]): Promise<Map<string, SettledTotals>> {
    const ids = [...new Set(referenceIds.filter(isUuid))];
    return new Map((await selectSettledTotals(m, referenceType, ids)).map((t) => [t.referenceId, t]));
  }

  /**
   * The amount of the payment made earlier under this reference with this idempotency key, or
   * null: a retry with the same key is the same payment, whatever is owed by now.
   */
  async amountByIdempotencyKey(m: Queryable, referenceType: string, referenceId: string, idempotencyKey: string): Promise<bigint | null> {
    return selectAmountByIdempotencyKey(m, referenceType, referenceId, idempotencyKey);
  }

  /** The sum of the reference's payments in flight (pending), 0 when none: a payer may not pay twice what is owed. */
  async pendingFen(m: Queryable, referenceType: string, referenceId: string): Promise<bigint> {
    return selectPendingFen(m, referenceType, referenceId);
  }

  /** Status and amount of every payment of the reference and of every refund of them, whatever the status (unordered). */
  async movementStatuses(m: Queryable, referenceType: string, referenceId: string): Promise<{ payments: MovementStatus[]; refunds: MovementStatus[] }> {
    return selectMovementStatuses(m, referenceType, referenceId);
  }

  /**
   * Settled movements of many references, set-wise (one statement): succeeded payments on their
   * Asia/Shanghai day (a bank transfer on the day it was received), then succeeded refunds as
   * negative amounts, each group in the order created (created_at, id).
   */
  async settledMovements(m: Queryable, referenceType: string, referenceIds: readonly string[]): Promise<SignedMovement[]> {
    return selectSettledMovements(m, referenceType, [...new Set(referenceIds)]);
  }

  /**
   * Pays through Stripe: a PaymentIntent confirmed at once, captured automatically. The same
   * idempotency key returns the same payment (finishing it if its answer was lost); after a
   * decline, the same key with another payment method tries again. Declines throw 422
   * PAYMENT_DECLINED, an unusable method 400 PAYMENT_METHOD_REJECTED, Stripe unreachable 503.
   * `lock` runs in the creating transaction (e.g. to check the amount against what is owed).
   */
  async payByStripe(
    input: StripePaymentInput,
    actor: Principal | null,
    lock?: (m: EntityManager, input: StripePaymentInput) => Promise<void>,
  ): Promise<Payment> {
    if (!/^pm_\w{1,100}$/.test(input.paymentMethod)) {
      throw new ValidationError([{ field: 'paymentMethod', code: 'isPaymentMethod', message: 'paymentMethod must be a Stripe PaymentMethod id (pm_…)' }]);
    }
    if (input.amountFen > MAX_CARD_DEPOSIT_FEN) {
      throw new DomainError('PAYMENT_TOO_LARGE_FOR_STRIPE', `One online payment is at most ${MAX_CARD_DEPOSIT_FEN} fen; pay in parts or by bank transfer`, {
        details: { maxFen: MAX_CARD_DEPOSIT_FEN.toString() },
      });
    }
    let payment = await this.tx.run(async (m) => {
      const existing = await selectPaymentByIdempotencyKey(m, input.referenceType, input.referenceId, input.idempotencyKey);
      if (existing) return existing;
      if (lock) await lock(m, input);
      const now = this.clock.now();
      const row = await insertStripePayment(m, {
        ...this.newPayment(input, actor, now),
        paymentMethod: input.paymentMethod,
        idempotencyKey: input.idempotencyKey,
      });
      await this.audit(m, actor, 'payment.requested', row.id, {
        amountFen: input.amountFen.toString(),
        provider: 'stripe',
        referenceType: input.referenceType,
        referenceId: input.referenceId,
        item: input.item ?? null,
      });
      return row;
    });
    if (payment.organizationId !== input.organizationId || payment.amountFen !== input.amountFen || payment.provider !== 'stripe') {
      throw new ConflictError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another payment', { paymentId: payment.id });
    }
    if (payment.status === 'succeeded' || payment.status === 'canceled') return payment;
    if (payment.status === 'failed') {
      // A new attempt after a decline: the same PaymentIntent, a new payment method and key.
      const retried = await this.tx.run((m) => retryFailedPayment(m, payment.id, input.paymentMethod, this.clock.now()));
      payment = retried ?? (await this.get(payment.id));
      if (payment.status !== 'pending') return payment;
    }
    return this.charge(payment);
  }

  /** An administrator records a received bank transfer (对公转账): the payment succeeds at once. The same bank reference again returns it. */
  async recordBankTransfer(
    input: BankTransferPaymentInput,
    actor: Principal | null,
    lock?: (m: EntityManager, input: BankTransferPaymentInput) => Promise<void>,
  ): Promise<Payment> {
    const bankReference = input.bankReference.trim();
    if (bankReference.length < 1 || bankReference.length > 100)
      throw new ValidationError([{ field: 'bankReference', code: 'length', message: 'bankReference must be 1 to 100 characters' }]);
    const result = await this.tx
      .run(async (m) => {
        const p = await selectPaymentByProviderId(m, bankReference);
        if (p) {
          if (p.provider === 'bank_transfer' && p.referenceId === input.referenceId && p.amountFen === input.amountFen) return { payment: p, created: false };
          throw new ConflictError('BANK_REFERENCE_USED', 'This bank transfer already backs another payment', { bankReference, paymentId: p.id });
        }
        if (lock) await lock(m, input);
        const now = this.clock.now();
        const payment = await insertBankTransferPayment(m, { ...this.newPayment(input, actor, now), bankReference, receivedOn: input.receivedOn });
        await this.postPayment(m, payment);
        await this.audit(m, actor, 'payment.bank_transfer_recorded', payment.id, {
          bankReference,
          amountFen: payment.amountFen.toString(),
          receivedOn: input.receivedOn,
        });
        await this.recordChange(m, payment, 'succeeded');
        return { payment, created: true };
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new ConflictError('BANK_REFERENCE_USED', 'This bank transfer already backs another payment', { bankReference });
        throw err;
      });
    return result.payment;
  }

  /** An auction deposit captured for the price becomes a payment under the contract (idempotent per deposit). */
  async recordDepositApplied(input: PaymentReference & { depositId: string }, actor: Principal | null = null): Promise<Payment> {
    const providerPaymentId = `deposit:${input.depositId}`;
    const result = await this.tx.run(async (m) => {
      const existing = await selectPaymentByProviderId(m, providerPaymentId);
      if (existing) return { payment: existing, created: false };
      const now = this.clock.now();
      const payment = await insertDepositAppliedPayment(m, { ...this.newPayment(input, actor, now), providerPaymentId });
      await this.postPayment(m, payment);
      await this.audit(m, actor, 'payment.deposit_applied', payment.id, { depositId: input.depositId, amountFen: payment.amountFen.toString() });
      await this.recordChange(m, payment, 'succeeded');
      return { payment, created: true };
    });
    return result.payment;
  }

  /**
   * Refunds part or all of a succeeded payment: through Stripe for a card/Alipay/WeChat payment
   * (Idempotency-Key per refund), recorded as returned offline for a bank transfer or a deposit.
   * The same idempotency key returns the same refund.
   */
  async refund(paymentId: string, input: { amountFen: bigint; reason: string; idempotencyKey: string }, actor: Principal | null): Promise<Refund> {
    if (input.amountFen <= 0n) throw new ValidationError([{ field: 'amountFen', code: 'min', message: 'amountFen must be positive' }]);
    const { refund, payment } = await this.tx.run(async (m) => {
      const payment = await selectPayment(m, paymentId, { lock: true });
      if (!payment) throw new NotFoundError('PAYMENT_NOT_FOUND', 'No such payment');
      const r = await selectRefundByIdempotencyKey(m, paymentId, input.idempotencyKey);
      if (r) {
        if (r.amountFen !== input.amountFen)
          throw new ConflictError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another refund', { refundId: r.id });
        return { refund: r, payment };
      }
      const left = refundable(payment, await selectPendingRefundsFen(m, paymentId));
      if (payment.status !== 'succeeded') throw new ConflictError('PAYMENT_NOT_SUCCEEDED', `The payment is ${payment.status}`, { paymentId });
      if (input.amountFen > left)
        throw new ConflictError('REFUND_EXCEEDS_PAYMENT', `At most ${left} fen of this payment can be refunded`, { refundableFen: left.toString() });
      const now = this.clock.now();
      const row = await insertRefund(m, {
        id: newId(this.clock),
        paymentId,
        amountFen: input.amountFen,
        reason: input.reason,
        idempotencyKey: input.idempotencyKey,
        createdBy: actor?.userId ?? null,
        at: now,
      });
      await this.audit(
        m,
        actor,
        'refund.requested',
        paymentId,
        { refundId: row.id, amountFen: input.amountFen.toString(), reason: input.reason },
        input.reason,
      );
      if (payment.provider !== 'stripe') {
        // Returned by bank transfer, offline: the administrator's record is the refund.
        return { refund: await this.settleRefund(m, row, payment, null, actor), payment };
      }
      return { refund: row, payment };
    });
    if (refund.status !== 'pending' || payment.provider !== 'stripe') {
      return refund;
    }
    return this.sendRefund(refund, payment);
  }

  /**
   * The worker's step for a PaymentIntent event of a payment: fetch the PaymentIntent's current
   * state (the event may be old, repeated or out of order) and bring the payment up to it.
   */
  async applyPaymentIntentEvent(snapshot: Stripe.PaymentIntent): Promise<string> {
    const paymentId = snapshot.metadata?.paymentId;
    if (!paymentId || !isUuid(paymentId)) return 'ignored: not a payment';
    const before = await selectPayment(this.db.manager, paymentId);
    if (!before) return 'ignored: unknown payment';
    const pi = await this.stripe.paymentIntents.retrieve(snapshot.id);
    const after = await this.applyPaymentIntent(before.id, pi);
    return after.status === before.status ? `no change (payment ${after.status})` : `payment ${before.status} → ${after.status}`;
  }

  /**
   * The worker's step for `charge.refunded`: every refund of that PaymentIntent still pending (its
   * answer was lost) is asked again with its own Idempotency-Key, so Stripe returns the refund it
   * made, and recorded.
   */
  async applyChargeRefunded(charge: Stripe.Charge): Promise<string> {
    const piId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
    if (!piId) return 'ignored: no PaymentIntent';
    const payment = await selectPaymentByProviderId(this.db.manager, piId);
    if (!payment) return 'ignored: not a payment';
    const pending = await selectPendingRefunds(this.db.manager, payment.id);
    let settled = 0;
    for (const r of pending) {
      const after = await this.sendRefund(r, payment).catch((err: unknown) => {
        this.logger.warn(`refund ${r.id} still pending: ${err instanceof Error ? err.message : String(err)}`);
        return r;
      });
      if (after.status === 'succeeded') settled++;
    }
    return pending.length ? `${settled} of ${pending.length} pending refunds recorded` : 'no pending refund';
  }

  /** Brings a payment up to its PaymentIntent, never backwards; records the PaymentIntent id if unknown. */
  async applyPaymentIntent(paymentId: string, pi: Stripe.PaymentIntent, actor: Principal | null = null): Promise<Payment> {
    const target = paymentTargetOf(pi);
    const result = await this.tx.run(async (m) => {
      let p = (await selectPayment(m, paymentId, { lock: true }))!;
      const now = this.clock.now();
      if (pi.currency !== 'cny' || BigInt(pi.amount) !== p.amountFen) {
        this.logger.error(`PaymentIntent ${pi.id} (${pi.amount} ${pi.currency}) does not match payment ${p.id} (${p.amountFen} fen); ignored`);
        return { payment: p, changed: false };
      }
      if (p.providerPaymentId && p.providerPaymentId !== pi.id) {
        this.logger.warn(`payment ${p.id} belongs to ${p.providerPaymentId}, not ${pi.id}; ignored`);
        return { payment: p, changed: false };
      }
      if (!p.providerPaymentId) {
        p = await setProviderPaymentId(m, p.id, pi.id, now);
      }
      if (!target || !paymentMayMove(p.status, target.status)) return { payment: p, changed: false };
      p = await this.move(m, p, target, actor);
      return { payment: p, changed: true };
    });
    return result.payment;
  }

  // ---------------------------------------------------------------------------------------

  private async charge(p: Payment): Promise<Payment> {
    const key = `payment:${p.id}:attempt:${p.attempts}`;
    let pi: Stripe.PaymentIntent;
    try {
      pi = p.providerPaymentId
        ? await this.stripe.paymentIntents.confirm(p.providerPaymentId, { payment_method: p.paymentMethod! }, { idempotencyKey: `${key}:confirm` })
        : await this.stripe.paymentIntents.create(
            {
              amount: Number(p.amountFen),
              currency: 'cny',
              capture_method: 'automatic',
              confirm: true,
              payment_method: p.paymentMethod!,
              allowed_payment_method_types: [...CONTRACT_PAYMENT_METHOD_TYPES],
              description: `浙江拍技术合同付款 ${p.referenceType} ${p.referenceId}${p.item ? ` ${p.item}` : ''}`,
              metadata: { paymentId: p.id, referenceType: p.referenceType, referenceId: p.referenceId, organizationId: p.organizationId },
            },
            { idempotencyKey: `${key}:create` },
          );
    } catch (err) {
      if (isStripeError(err) && err.type === 'StripeCardError' && err.payment_intent) {
        const after = await this.applyPaymentIntent(p.id, err.payment_intent);
        throw new DomainError('PAYMENT_DECLINED', err.message, {
          details: { paymentId: after.id, status: after.status, declineCode: err.decline_code ?? err.code },
        });
      }
      if (isStripeError(err) && err.type === 'StripeInvalidRequestError' && err.code !== 'payment_intent_unexpected_state') {
        await this.fail(p.id, err.code ?? 'invalid_request', err.message);
        throw new DomainError('PAYMENT_METHOD_REJECTED', err.message, { kind: 'validation', details: { paymentId: p.id, code: err.code, param: err.param } });
      }
      pi = await this.recover(p, err);
    }
    return this.applyPaymentIntent(p.id, pi);
  }

  private async sendRefund(r: Refund, p: Payment): Promise<Refund> {
    let refund: Stripe.Refund;
    try {
      refund = await this.stripe.refunds.create(
        { payment_intent: p.providerPaymentId!, amount: Number(r.amountFen), reason: 'requested_by_customer', metadata: { refundId: r.id, paymentId: p.id } },
        { idempotencyKey: `refund:${r.id}` },
      );
    } catch (err) {
      if (isStripeError(err) && UNAVAILABLE.has(err.type)) {
        throw new ServiceUnavailableException(
          {
            code: 'PAYMENT_PROVIDER_UNAVAILABLE',
            message: 'The payment provider did not answer; the refund stays pending and is retried when Stripe reports it',
            details: { refundId: r.id },
          },
          { cause: err },
        );
      }
      if (isStripeError(err) && err.type === 'StripeInvalidRequestError') {
        await failRefund(this.db.manager, r.id, err.message);
        throw new ConflictError('REFUND_REFUSED', err.message, { refundId: r.id, code: err.code });
      }
      throw err;
    }
    const settled = await this.tx.run(async (m) => {
      const current = (await selectRefundForUpdate(m, r.id))!;
      if (current.status !== 'pending') return { refund: current, changed: false };
      const payment = (await selectPayment(m, p.id, { lock: true }))!;
      return { refund: await this.settleRefund(m, current, payment, refund.id, null), changed: true };
    });
    return settled.refund;
  }

  private async settleRefund(m: EntityManager, r: Refund, p: Payment, providerRefundId: string | null, actor: Principal | null): Promise<Refund> {
    const now = this.clock.now();
    // The caller read the refund pending under its row lock, so this update finds it.
    const settled = (await succeedRefund(m, r.id, providerRefundId, now))!;
    await addRefunded(m, p.id, r.amountFen, now);
    await postLedgerTransaction(m, {
      idempotencyKey: `refund:${r.id}:succeeded`,
      lines: refundMovement(p, r.amountFen),
      subjectType: p.referenceType,
      subjectId: p.referenceId,
      description: `refund of payment ${p.id}`,
      occurredAt: now,
    });
    await this.audit(m, actor, 'refund.succeeded', p.id, { refundId: r.id, amountFen: r.amountFen.toString(), providerRefundId });
    await this.recordChange(m, p, 'refunded');
    return settled;
  }

  /** `payment_received` to the paying organisation, in the payment's transaction (pushed after the commit), once per payment. */
  private notifyReceived(m: EntityManager, p: Payment): Promise<void> {
    const contract = p.referenceType === 'contract';
    return this.notifications.notify(m, {
      organizationId: p.organizationId,
      kind: 'payment_received',
      title: '付款已到账',
      body: `${contract ? '技术合同' : ''}${p.item ? `「${p.item}」` : ''}款项 ${yuanText(p.amountFen)} 元已支付成功。`,
      data: {
        ...(contract ? { contractId: p.referenceId } : { referenceType: p.referenceType, referenceId: p.referenceId }),
        paymentId: p.id,
        amountFen: p.amountFen.toString(),
      },
      dedupeKey: `payment_received:${p.id}`,
    });
  }

  /** The change as a PaymentStatusChanged event in the outbox, in its transaction (delivered after the commit). */
  private async recordChange(m: EntityManager, p: Payment, status: PaymentStatus | 'refunded'): Promise<void> {
    if (status === 'succeeded') await this.notifyReceived(m, p); // by Stripe, bank transfer or the deposit applied
    await this.outbox.append(
      m,
      PaymentStatusChanged.create({ paymentId: p.id, referenceType: p.referenceType, referenceId: p.referenceId, status }, this.clock),
    );
  }

  private async move(m: EntityManager, p: Payment, target: PaymentTarget, actor: Principal | null): Promise<Payment> {
    const now = this.clock.now();
    const after = await movePayment(m, p.id, p.status, target, now);
    if (target.status === 'succeeded') await this.postPayment(m, after);
    await this.audit(m, actor, `payment.${target.status}`, p.id, {
      from: p.status,
      ...(target.status === 'failed' ? { failureCode: target.failureCode } : {}),
    });
    await this.recordChange(m, after, target.status);
    return after;
  }

  private async fail(paymentId: string, code: string, message: string): Promise<void> {
    await this.tx.run(async (m) => {
      const p = (await selectPayment(m, paymentId, { lock: true }))!;
      if (paymentMayMove(p.status, 'failed')) await this.move(m, p, { status: 'failed', failureCode: code, failureMessage: message }, null);
    });
  }

  /** The row fields every new payment takes from its reference and the acting user. */
  private newPayment(input: PaymentReference, actor: Principal | null, at: Date) {
    return {
      id: newId(this.clock),
      organizationId: input.organizationId,
      payeeOrganizationId: input.payeeOrganizationId,
      referenceType: input.referenceType,
      referenceId: input.referenceId,
      item: input.item ?? null,
      amountFen: input.amountFen,
      createdBy: actor?.userId ?? null,
      at,
    };
  }

  private async postPayment(m: EntityManager, p: Payment): Promise<void> {
    await postLedgerTransaction(m, {
      idempotencyKey: `payment:${p.id}:succeeded`,
      lines: paymentMovement(p),
      subjectType: p.referenceType,
      subjectId: p.referenceId,
      description: `${p.provider} payment ${p.id}${p.item ? ` (${p.item})` : ''}`,
      occurredAt: this.clock.now(),
    });
  }

  private async recover(p: Payment, err: unknown): Promise<Stripe.PaymentIntent> {
    if (!isStripeError(err)) throw err;
    if (err.code === 'payment_intent_unexpected_state' && p.providerPaymentId)
      return err.payment_intent ?? (await this.stripe.paymentIntents.retrieve(p.providerPaymentId));
    if (err.type === 'StripeIdempotencyError')
      throw new ConflictError('PAYMENT_OPERATION_CONFLICT', 'Another operation on this payment, with other parameters, came first', { paymentId: p.id });
    if (UNAVAILABLE.has(err.type)) {
      throw new ServiceUnavailableException(
        {
          code: 'PAYMENT_PROVIDER_UNAVAILABLE',
          message: 'The payment provider did not answer; retrying with the same idempotency key is safe and will not charge twice',
          details: { paymentId: p.id },
        },
        { cause: err },
      );
    }
    throw err;
  }

  private audit(m: EntityManager, actor: Principal | null, action: string, paymentId: string, data: Record<string, unknown>, reason?: string): Promise<void> {
    return recordAudit(m, {
      actorUserId: actor?.userId ?? null,
      actorOrganizationId: actor?.organizationId ?? null,
      action,
      subjectType: 'payment',
      subjectId: paymentId,
      reason,
      data,
      occurredAt: this.clock.now(),
    });
  }
}
