import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, DomainError, isUuid, newId, NotFoundError, ValidationError, type FieldError } from '@zjp/core';
import { Outbox, recordAudit, TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { DEPOSIT_ACTION_METADATA, depositMovement, DepositStatus, DepositTarget, isTerminal, targetOf, transitionPath } from '../domain/deposit-rules';
import { postLedgerTransaction } from '../ledger/ledger.service';
import { STRIPE } from '../stripe.client';
import { DepositStatusChanged, type DepositStatusChangedPayload } from '../events';
import {
  type Deposit,
  failedDepositToBankTransfer,
  insertBankTransferDeposit,
  insertCardHold,
  organizationExists,
  retryFailedDeposit,
  selectDeposit,
  selectDepositByReference,
  setDepositProviderPaymentId,
  stepDeposit,
} from './deposits.repository';

export type { Deposit, DepositProvider } from './deposits.repository';

export interface HoldDepositInput {
  organizationId: string;
  /** What the deposit secures, e.g. ('lot_registration', registrationId): one deposit each. */
  referenceType: string;
  referenceId: string;
  amountFen: bigint;
  /** A Stripe PaymentMethod id (pm_…) of a card: a hold (manual capture) is a card feature. */
  paymentMethod: string;
}

/**
 * Work of the caller in the deposit's own transaction: `before` (e.g. creating what the deposit is
 * for) and `after` (e.g. linking it), so that a refused transfer (BANK_REFERENCE_USED,
 * DEPOSIT_EXISTS, …) leaves none of it behind.
 */
export interface BankTransferHooks {
  before?: (m: EntityManager) => Promise<void>;
  after?: (m: EntityManager, deposit: Deposit) => Promise<void>;
}

export interface BankTransferDepositInput {
  organizationId: string;
  referenceType: string;
  referenceId: string;
  amountFen: bigint;
  /** The bank's reference of the received transfer (对公转账); one transfer backs one deposit. */
  bankReference: string;
}

/** A deposit's move as the service sees it: the DepositStatusChanged event's payload with amounts as bigint. */
export type DepositStatusChange = Omit<DepositStatusChangedPayload, 'amountFen' | 'capturedFen'> & { amountFen: bigint; capturedFen: bigint };

/** Stripe takes at most eight digits in a two-decimal currency (¥999,999.99); larger deposits go by bank transfer. */
export const MAX_CARD_DEPOSIT_FEN = 99_999_999n;

type StripeError = InstanceType<typeof Stripe.errors.StripeError>;
const isStripeError = (err: unknown): err is StripeError => err instanceof Stripe.errors.StripeError;
const UNAVAILABLE = new Set(['StripeConnectionError', 'StripeAPIError', 'StripeRateLimitError']);

/**
 * Deposits (保证金) held through Stripe (a PaymentIntent with manual capture) or confirmed bank
 * transfers, then captured (applied to the price), released, or forfeited (ARCHITECTURE
 * invariant 5). Each transition is a conditional UPDATE (… WHERE status = <from>), so it happens
 * once however many callers race, and posts its ledger movement under its own idempotency key in
 * the same transaction. Every Stripe call carries an Idempotency-Key derived from the deposit, so a
 * retry never creates a second PaymentIntent or captures twice. Stripe's answer, a webhook or a
 * retry may each be first to report a state: all three converge through `applyPaymentIntent`,
 * which never moves a deposit backwards.
 */
@Injectable()
export class DepositsService {
  private readonly logger = new Logger(DepositsService.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly outbox: Outbox,
  ) {}

  async get(depositId: string): Promise<Deposit> {
    const deposit = await this.find(depositId);
    if (!deposit) throw new NotFoundError('DEPOSIT_NOT_FOUND', 'No such deposit');
    return deposit;
  }

  async find(depositId: string): Promise<Deposit | null> {
    return (isUuid(depositId) ? await selectDeposit(this.db.manager, depositId) : undefined) ?? null;
  }

  async findByReference(referenceType: string, referenceId: string): Promise<Deposit | null> {
    if (!isUuid(referenceId)) return null;
    return (await selectDepositByReference(this.db.manager, referenceType, referenceId)) ?? null;
  }

  /**
   * Holds a deposit on a card: a PaymentIntent with manual capture, confirmed at once. Safe to
   * call again for the same reference: it returns the existing deposit, finishes a hold whose
   * answer was lost (same Idempotency-Key, so the same PaymentIntent), or, after a decline, tries
   * the new payment method on the same PaymentIntent. A decline leaves the deposit `failed` and
   * throws PAYMENT_DECLINED; Stripe being unreachable leaves it `pending` and throws 503
   * PAYMENT_PROVIDER_UNAVAILABLE.
   */
  async hold(input: HoldDepositInput, actor: Principal | null = null): Promise<Deposit> {
    this.validateReference(input);
    if (input.amountFen > MAX_CARD_DEPOSIT_FEN) {
      throw new DomainError('DEPOSIT_TOO_LARGE_FOR_CARD', `A card can hold at most ${MAX_CARD_DEPOSIT_FEN} fen; pay this deposit by bank transfer`, {
        details: { maxFen: MAX_CARD_DEPOSIT_FEN.toString() },
      });
    }
    if (!/^pm_\w{1,100}$/.test(input.paymentMethod)) {
      throw new ValidationError([{ field: 'paymentMethod', code: 'isPaymentMethod', message: 'paymentMethod must be a Stripe PaymentMethod id (pm_…)' }]);
    }

    let deposit = await this.tx.run(async (m) => {
      await this.assertOrganization(m, input.organizationId);
      const now = this.clock.now();
      const inserted = await insertCardHold(m, {
        id: newId(this.clock),
        organizationId: input.organizationId,
        referenceType: input.referenceType,
        referenceId: input.referenceId,
        amountFen: input.amountFen,
        paymentMethod: input.paymentMethod,
        at: now,
      });
      if (inserted) {
        await this.audit(m, actor, 'deposit.requested', inserted.id, {
          amountFen: input.amountFen.toString(),
          referenceType: input.referenceType,
          referenceId: input.referenceId,
        });
        return inserted;
      }
      return (await selectDepositByReference(m, input.referenceType, input.referenceId))!;
    });

    if (deposit.organizationId !== input.organizationId || deposit.amountFen !== input.amountFen) {
      throw new ConflictError('DEPOSIT_MISMATCH', 'A deposit for this reference exists for another organisation or amount', { depositId: deposit.id });
    }
    if (deposit.provider !== 'stripe' || (deposit.status !== 'pending' && deposit.status !== 'failed')) return deposit;

    if (deposit.status === 'failed') {
      // A new attempt after a decline: a new payment method, a new Idempotency-Key.
      const retried = await this.tx.run(async (m) => {
        const d = await retryFailedDeposit(m, deposit.id, input.paymentMethod, this.clock.now());
        if (!d) return null;
        await this.audit(m, actor, 'deposit.retried', deposit.id, { attempt: d.attempts, paymentMethod: input.paymentMethod });
        await this.recordChange(m, d, 'failed');
        return d;
      });
      deposit = retried ?? (await this.get(deposit.id));
      if (deposit.status !== 'pending') return deposit;
    }
    return this.authorise(deposit);
  }

  /**
   * An administrator confirms an offline bank transfer (对公转账): the deposit is held at once.
   * Recording the same bank reference again returns the deposit; a deposit whose card payment
   * failed may be paid this way instead.
   */
  async recordBankTransfer(input: BankTransferDepositInput, actor: Principal | null, hooks: BankTransferHooks = {}): Promise<Deposit> {
    this.validateReference(input);
    const bankReference = input.bankReference.trim();
    if (bankReference.length < 1 || bankReference.length > 100) {
      throw new ValidationError([{ field: 'bankReference', code: 'length', message: 'bankReference must be 1 to 100 characters' }]);
    }
    return this.tx
      .run(async (m) => {
        if (hooks.before) await hooks.before(m);
        await this.assertOrganization(m, input.organizationId);
        const now = this.clock.now();
        const d = await selectDepositByReference(m, input.referenceType, input.referenceId, { lock: true });
        let from: DepositStatus = 'pending';
        let deposit: Deposit;
        if (d) {
          if (
            d.provider === 'bank_transfer' &&
            d.providerPaymentId === bankReference &&
            d.organizationId === input.organizationId &&
            d.amountFen === input.amountFen
          ) {
            return d;
          }
          if (d.status !== 'failed' || d.organizationId !== input.organizationId || d.amountFen !== input.amountFen) {
            throw new ConflictError('DEPOSIT_EXISTS', `A deposit for this reference exists (${d.provider}, ${d.status})`, {
              depositId: d.id,
              status: d.status,
            });
          }
          // The card was declined; the organisation paid by transfer instead.
          from = 'failed';
          // Read failed under the row lock, so the update finds it.
          deposit = (await failedDepositToBankTransfer(m, d.id, bankReference, now))!;
          await this.audit(m, actor, 'deposit.bank_transfer_recorded', d.id, { bankReference, replacedPaymentIntent: d.providerPaymentId });
        } else {
          deposit = await insertBankTransferDeposit(m, {
            id: newId(this.clock),
            organizationId: input.organizationId,
            referenceType: input.referenceType,
            referenceId: input.referenceId,
            amountFen: input.amountFen,
            bankReference,
            at: now,
          });
          await this.audit(m, actor, 'deposit.bank_transfer_recorded', deposit.id, { bankReference, amountFen: input.amountFen.toString() });
        }
        await this.postMovement(m, deposit, from, 'held', 0n);
        await this.audit(m, actor, 'deposit.held', deposit.id, { from, provider: 'bank_transfer' });
        await this.recordChange(m, deposit, from);
        if (hooks.after) await hooks.after(m, deposit);
        return deposit;
      })
      .catch((err: unknown) => {
        if ((err as { driverError?: { constraint?: string } }).driverError?.constraint === 'deposits_provider_payment_id_key') {
          throw new ConflictError('BANK_REFERENCE_USED', 'This bank transfer already backs another deposit', { bankReference });
        }
        throw err;
      });
  }

  /** Applies a held deposit to the price (all of it, or `amountFen`; the rest returns to the organisation). */
  async capture(depositId: string, amountFen?: bigint, actor: Principal | null = null): Promise<Deposit> {
    const d = await this.get(depositId);
    const amount = amountFen ?? d.amountFen;
    if (amount <= 0n || amount > d.amountFen) {
      throw new ValidationError([{ field: 'amountFen', code: 'range', message: `amountFen must be between 1 and ${d.amountFen}` }]);
    }
    if (d.status === 'captured') {
      if (d.capturedFen === amount) return d;
      throw new ConflictError('DEPOSIT_ALREADY_CAPTURED', `The deposit was captured for ${d.capturedFen} fen`, {
        depositId,
        capturedFen: d.capturedFen.toString(),
      });
    }
    if (d.status !== 'held') throw new ConflictError('DEPOSIT_NOT_HELD', `The deposit is ${d.status}`, { depositId, status: d.status });
    return this.settle(d, 'captured', amount, actor);
  }

  /** The winner defaulted: the platform keeps the whole deposit. */
  async forfeit(depositId: string, actor: Principal | null = null): Promise<Deposit> {
    const d = await this.get(depositId);
    if (d.status === 'forfeited') return d;
    if (d.status !== 'held') throw new ConflictError('DEPOSIT_NOT_HELD', `The deposit is ${d.status}`, { depositId, status: d.status });
    return this.settle(d, 'forfeited', d.amountFen, actor);
  }

  /** Cancels the hold (a losing bidder, a withdrawn registration); the money returns to the organisation. */
  async release(depositId: string, actor: Principal | null = null): Promise<Deposit> {
    const d = await this.get(depositId);
    if (d.status === 'released') return d;
    if (d.status === 'captured' || d.status === 'forfeited') {
      throw new ConflictError('DEPOSIT_ALREADY_SETTLED', `The deposit is ${d.status}`, { depositId, status: d.status });
    }
    let after: Deposit;
    if (d.provider === 'stripe' && d.providerPaymentId) {
      let pi: Stripe.PaymentIntent;
      try {
        pi = await this.stripe.paymentIntents.cancel(d.providerPaymentId, {}, { idempotencyKey: `deposit:${d.id}:cancel` });
      } catch (err) {
        pi = await this.recover(d, err);
      }
      after = (await this.applyPaymentIntent(d.id, pi, actor)).deposit;
    } else {
      // A bank transfer is returned offline; a hold whose PaymentIntent we never learnt of is
      // cancelled when its webhook arrives (StripeEventsService).
      after = await this.advanceTo(d.id, { status: 'released' }, { actor });
    }
    if (after.status !== 'released')
      throw new ConflictError('DEPOSIT_SETTLED_OTHERWISE', `The deposit is ${after.status}`, { depositId, status: after.status });
    return after;
  }

  /**
   * Brings a deposit up to what its PaymentIntent says (Stripe's answer, or the current state a
   * webhook made us fetch), never backwards, recording the PaymentIntent id if it was unknown.
   * Returns the deposit and the statuses it went through.
   */
  async applyPaymentIntent(depositId: string, pi: Stripe.PaymentIntent, actor: Principal | null = null): Promise<{ deposit: Deposit; steps: DepositStatus[] }> {
    const d = await this.get(depositId);
    if (pi.currency !== 'cny' || BigInt(pi.amount) !== d.amountFen) {
      this.logger.error(`PaymentIntent ${pi.id} (${pi.amount} ${pi.currency}) does not match deposit ${d.id} (${d.amountFen} fen); ignored`);
      return { deposit: d, steps: [] };
    }
    const { deposit, changes } = await this.advance(depositId, targetOf(pi), { providerPaymentId: pi.id, actor });
    return { deposit, steps: changes.map((c) => c.status) };
  }

  // ---------------------------------------------------------------------------------------

  private async authorise(d: Deposit): Promise<Deposit> {
    const key = `deposit:${d.id}:hold:${d.attempts}`;
    let pi: Stripe.PaymentIntent;
    try {
      pi = d.providerPaymentId
        ? await this.stripe.paymentIntents.confirm(d.providerPaymentId, { payment_method: d.paymentMethod! }, { idempotencyKey: `${key}:confirm` })
        : await this.stripe.paymentIntents.create(
            {
              amount: Number(d.amountFen),
              currency: 'cny',
              capture_method: 'manual',
              confirm: true,
              payment_method: d.paymentMethod!,
              allowed_payment_method_types: ['card'], // a hold (manual capture) is a card feature
              description: `浙江拍保证金 ${d.referenceType} ${d.referenceId}`,
              metadata: { depositId: d.id, referenceType: d.referenceType, referenceId: d.referenceId, organizationId: d.organizationId },
            },
            { idempotencyKey: `${key}:create` },
          );
    } catch (err) {
      if (isStripeError(err) && err.type === 'StripeCardError' && err.payment_intent) {
        const { deposit } = await this.applyPaymentIntent(d.id, err.payment_intent);
        throw new DomainError('PAYMENT_DECLINED', err.message, {
          details: { depositId: deposit.id, status: deposit.status, declineCode: err.decline_code ?? err.code },
        });
      }
      if (isStripeError(err) && err.type === 'StripeInvalidRequestError' && err.code !== 'payment_intent_unexpected_state') {
        // Nothing was charged (no such or an unsuitable payment method): the next hold() starts a new attempt.
        await this.advanceTo(d.id, { status: 'failed', failureCode: err.code ?? 'invalid_request', failureMessage: err.message }, {});
        throw new DomainError('PAYMENT_METHOD_REJECTED', err.message, { kind: 'validation', details: { depositId: d.id, code: err.code, param: err.param } });
      }
      pi = await this.recover(d, err);
    }
    return (await this.applyPaymentIntent(d.id, pi)).deposit;
  }

  /** Captures at Stripe (or not, for a bank transfer), then records the outcome. */
  private async settle(d: Deposit, to: 'captured' | 'forfeited', amount: bigint, actor: Principal | null): Promise<Deposit> {
    let after: Deposit;
    if (d.provider === 'stripe') {
      let pi: Stripe.PaymentIntent;
      try {
        // One key for capture and forfeit: whichever reaches Stripe first moves the money; the
        // other, with other parameters, is refused (idempotency_error) and moves nothing.
        pi = await this.stripe.paymentIntents.capture(
          d.providerPaymentId!,
          { amount_to_capture: Number(amount), metadata: { [DEPOSIT_ACTION_METADATA]: to === 'forfeited' ? 'forfeit' : 'capture' } },
          { idempotencyKey: `deposit:${d.id}:capture` },
        );
      } catch (err) {
        pi = await this.recover(d, err);
      }
      after = (await this.applyPaymentIntent(d.id, pi, actor)).deposit;
    } else {
      after = await this.advanceTo(d.id, { status: to, capturedFen: amount }, { actor });
    }
    if (after.status !== to) throw new ConflictError('DEPOSIT_SETTLED_OTHERWISE', `The deposit is ${after.status}`, { depositId: d.id, status: after.status });
    return after;
  }

  /** A Stripe call failed: learn the PaymentIntent's real state when that is what it means, or explain. */
  private async recover(d: Deposit, err: unknown): Promise<Stripe.PaymentIntent> {
    if (!isStripeError(err)) throw err;
    if (err.code === 'payment_intent_unexpected_state' && d.providerPaymentId) {
      return err.payment_intent ?? (await this.stripe.paymentIntents.retrieve(d.providerPaymentId));
    }
    if (err.type === 'StripeIdempotencyError') {
      throw new ConflictError('PAYMENT_OPERATION_CONFLICT', 'Another operation on this deposit, with other parameters, came first', { depositId: d.id });
    }
    if (UNAVAILABLE.has(err.type)) {
      throw new ServiceUnavailableException(
        {
          code: 'PAYMENT_PROVIDER_UNAVAILABLE',
          message: 'The payment provider did not answer; retrying is safe and will not charge twice',
          details: { depositId: d.id },
        },
        { cause: err },
      );
    }
    throw err;
  }

  private async advanceTo(depositId: string, target: DepositTarget, options: { actor?: Principal | null }): Promise<Deposit> {
    return (await this.advance(depositId, target, options)).deposit;
  }

  /** One transaction: each step a conditional UPDATE, its ledger movement and its audit entry. */
  private async advance(
    depositId: string,
    target: DepositTarget | null,
    options: { providerPaymentId?: string; actor?: Principal | null },
  ): Promise<{ deposit: Deposit; changes: DepositStatusChange[] }> {
    return this.tx.run(async (m) => {
      let d = (await selectDeposit(m, depositId))!;
      const now = this.clock.now();
      if (options.providerPaymentId) {
        if (d.providerPaymentId && d.providerPaymentId !== options.providerPaymentId) {
          this.logger.warn(`deposit ${d.id} belongs to ${d.providerPaymentId}, not ${options.providerPaymentId}; ignored`);
          return { deposit: d, changes: [] };
        }
        if (!d.providerPaymentId) {
          d = (await setDepositProviderPaymentId(m, d.id, options.providerPaymentId, now)) ?? d;
        }
      }
      const changes: DepositStatusChange[] = [];
      if (!target) return { deposit: d, changes };
      for (const step of transitionPath(d.status, target.status)) {
        const from = d.status;
        const capturedFen = (step === 'captured' || step === 'forfeited') && 'capturedFen' in target ? target.capturedFen : 0n;
        const moved = await stepDeposit(m, d.id, {
          from,
          to: step,
          at: now,
          setHeldAt: step === 'held',
          setSettledAt: isTerminal(step),
          capturedFen,
          failure: step === 'failed' && 'failureCode' in target ? { code: target.failureCode, message: target.failureMessage } : undefined,
        });
        if (!moved) {
          // A concurrent caller moved it first (and posted that movement): report where it is now.
          d = (await selectDeposit(m, d.id))!;
          break;
        }
        d = moved;
        await this.postMovement(m, d, from, step, capturedFen);
        await this.audit(m, options.actor ?? null, `deposit.${step}`, d.id, {
          from,
          ...(capturedFen > 0n ? { capturedFen: capturedFen.toString() } : {}),
          ...(step === 'failed' ? { failureCode: d.failureCode } : {}),
        });
        changes.push(this.change(d, from));
        await this.recordChange(m, d, from);
      }
      return { deposit: d, changes };
    });
  }

  private async postMovement(m: EntityManager, d: Deposit, from: DepositStatus, to: DepositStatus, capturedFen: bigint): Promise<void> {
    const lines = depositMovement(d, from, to, capturedFen);
    if (lines.length === 0) return;
    await postLedgerTransaction(m, {
      idempotencyKey: `deposit:${d.id}:${to}`,
      lines,
      subjectType: 'deposit',
      subjectId: d.id,
      description: `deposit ${to} (${d.referenceType} ${d.referenceId})`,
      occurredAt: this.clock.now(),
    });
  }

  /**
   * The change as a DepositStatusChanged event in the outbox, in the change's transaction; the
   * TransactionRunner delivers it after the commit (the worker's relay if this process dies first).
   */
  private recordChange(m: EntityManager, d: Deposit, previousStatus: DepositStatus): Promise<string> {
    const c = this.change(d, previousStatus);
    return this.outbox.append(m, DepositStatusChanged.create({ ...c, amountFen: c.amountFen.toString(), capturedFen: c.capturedFen.toString() }, this.clock));
  }

  private change(d: Deposit, previousStatus: DepositStatus): DepositStatusChange {
    return {
      depositId: d.id,
      organizationId: d.organizationId,
      referenceType: d.referenceType,
      referenceId: d.referenceId,
      previousStatus,
      status: d.status,
      amountFen: d.amountFen,
      capturedFen: d.capturedFen,
    };
  }

  private audit(m: EntityManager, actor: Principal | null, action: string, depositId: string, data: Record<string, unknown>): Promise<void> {
    return recordAudit(m, {
      actorUserId: actor?.userId ?? null,
      actorOrganizationId: actor?.organizationId ?? null,
      action,
      subjectType: 'deposit',
      subjectId: depositId,
      data,
      occurredAt: this.clock.now(),
    });
  }

  private validateReference(input: { organizationId: string; referenceType: string; referenceId: string; amountFen: bigint }): void {
    const errors: FieldError[] = [];
    if (!isUuid(input.organizationId)) errors.push({ field: 'organizationId', code: 'isUuid', message: 'organizationId must be a UUID' });
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(input.referenceType)) {
      errors.push({ field: 'referenceType', code: 'matches', message: 'referenceType must be lower-case snake_case, e.g. lot_registration' });
    }
    if (!isUuid(input.referenceId)) errors.push({ field: 'referenceId', code: 'isUuid', message: 'referenceId must be a UUID' });
    if (typeof input.amountFen !== 'bigint' || input.amountFen <= 0n)
      errors.push({ field: 'amountFen', code: 'min', message: 'amountFen must be a positive number of fen' });
    if (errors.length) throw new ValidationError(errors);
  }

  private async assertOrganization(m: EntityManager, organizationId: string): Promise<void> {
    if (!(await organizationExists(m, organizationId))) throw new NotFoundError('ORGANIZATION_NOT_FOUND', 'No such organisation');
  }
}
