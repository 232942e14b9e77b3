import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, ForbiddenError, LocalDate, newId, NotFoundError, todayInShanghai, ValidationError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { ACCOUNTS } from '../domain/deposit-rules';
import { postLedgerTransaction } from '../ledger/ledger.service';
import {
  insertPayout,
  lockOrganizationPayouts,
  organizationExists,
  type Payout,
  selectPayoutBalances,
  selectPayoutByIdempotencyKey,
  selectPayoutIdByBankReference,
  selectPayoutPage,
} from './payouts.repository';

export type { Payout } from './payouts.repository';

export interface PayoutInput {
  organizationId: string;
  amountFen: bigint;
  bankReference: string;
  paidOn: string;
  note?: string | null;
  idempotencyKey: string;
}

/** What an organisation may be paid out now, and why. */
export interface PayoutAvailability {
  organizationId: string;
  /** The balance of its contract_proceeds account (buyers' payments less refunds and payouts). */
  proceedsFen: bigint;
  /** Refunds of payments to it that Stripe has not answered yet: they will draw on the proceeds. */
  pendingRefundsFen: bigint;
  availableFen: bigint;
  paidOutFen: bigint;
}

const canSeeAll = (actor: Principal) => actor.roles.includes('platform_admin');

/**
 * Payouts to sellers. Buyers pay the platform (Stripe, bank transfer, an applied deposit); the
 * platform holds the money on the seller's `contract_proceeds` account, and an administrator pays
 * it out by bank transfer and records it here. A payout never exceeds what is available (the
 * proceeds less refunds still in flight), checked under a per-organisation lock so that two
 * administrators cannot pay the same money twice; each payout is one ledger transaction
 * (contract_proceeds → paid_out) and is recorded once per idempotency key and bank reference.
 */
@Injectable()
export class PayoutsService {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(actor: Principal, input: PayoutInput): Promise<{ payout: Payout; created: boolean }> {
    const bankReference = input.bankReference.trim();
    const errors = [];
    if (input.amountFen <= 0n) errors.push({ field: 'amountFen', code: 'min', message: 'amountFen must be positive' });
    if (bankReference.length < 1) errors.push({ field: 'bankReference', code: 'length', message: 'bankReference must not be blank' });
    if (LocalDate.parse(input.paidOn).isAfter(todayInShanghai(this.clock)))
      errors.push({ field: 'paidOn', code: 'inFuture', message: 'paidOn cannot be in the future' });
    if (errors.length) throw new ValidationError(errors);
    return this.tx
      .run(async (m) => {
        await this.requireOrganization(m, input.organizationId);
        // One payout at a time per organisation: the availability read and the posting are one step.
        await lockOrganizationPayouts(m, input.organizationId);
        const p = await selectPayoutByIdempotencyKey(m, input.idempotencyKey);
        if (p) {
          if (p.organizationId !== input.organizationId || p.amountFen !== input.amountFen || p.bankReference !== bankReference) {
            throw new ConflictError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another payout', { payoutId: p.id });
          }
          return { payout: p, created: false };
        }
        const used = await selectPayoutIdByBankReference(m, bankReference);
        if (used) throw new ConflictError('BANK_REFERENCE_USED', 'This bank transfer already backs another payout', { bankReference, payoutId: used });
        const available = await this.available(m, input.organizationId);
        if (input.amountFen > available.availableFen) {
          throw new ConflictError('PAYOUT_EXCEEDS_AVAILABLE', `At most ${available.availableFen} fen can be paid out to this organisation now`, {
            availableFen: available.availableFen.toString(),
            proceedsFen: available.proceedsFen.toString(),
            pendingRefundsFen: available.pendingRefundsFen.toString(),
          });
        }
        const now = this.clock.now();
        const payout = await insertPayout(m, {
          id: newId(this.clock),
          organizationId: input.organizationId,
          amountFen: input.amountFen,
          bankReference,
          paidOn: input.paidOn,
          note: input.note ?? null,
          idempotencyKey: input.idempotencyKey,
          createdBy: actor.userId,
          at: now,
        });
        await postLedgerTransaction(m, {
          idempotencyKey: `payout:${payout.id}`,
          lines: [
            { account: ACCOUNTS.orgContractProceeds(payout.organizationId), amountFen: -payout.amountFen },
            { account: ACCOUNTS.orgPaidOut(payout.organizationId), amountFen: payout.amountFen },
          ],
          subjectType: 'payout',
          subjectId: payout.id,
          description: `payout by bank transfer ${bankReference}`,
          occurredAt: now,
        });
        await recordAudit(m, {
          actorUserId: actor.userId,
          actorOrganizationId: actor.organizationId,
          action: 'payout.recorded',
          subjectType: 'payout',
          subjectId: payout.id,
          data: { organizationId: payout.organizationId, amountFen: payout.amountFen.toString(), bankReference, paidOn: payout.paidOn },
          occurredAt: now,
        });
        return { payout, created: true };
      })
      .catch((err: unknown) => {
        // Two first requests with one key or one bank reference: the loser of the race sees the winner's row.
        if (isUniqueViolation(err))
          throw new ConflictError('PAYOUT_DUPLICATE', 'A payout with this idempotency key or bank reference was recorded at the same moment; retry to see it', {
            bankReference,
          });
        throw err;
      });
  }

  /** One page of an organisation's payouts, newest first: its own users, and platform administrators. */
  async page(actor: Principal, organizationId: string, page: { limit: number; offset: number }): Promise<{ items: Payout[]; total: number }> {
    await this.assertReader(actor, organizationId);
    return selectPayoutPage(this.db.manager, organizationId, page.limit, page.offset);
  }

  /** What an organisation may be paid out: proceeds, refunds in flight, available, paid out. */
  async balance(actor: Principal, organizationId: string): Promise<PayoutAvailability> {
    await this.assertReader(actor, organizationId);
    return this.available(this.db.manager, organizationId);
  }

  private async assertReader(actor: Principal, organizationId: string): Promise<void> {
    if (!canSeeAll(actor) && actor.organizationId !== organizationId)
      throw new ForbiddenError('ORGANIZATION_BOUNDARY', "You may only see your own organisation's payouts");
    await this.requireOrganization(this.db.manager, organizationId);
  }

  private async requireOrganization(m: EntityManager, organizationId: string): Promise<void> {
    if (!(await organizationExists(m, organizationId))) throw new NotFoundError('ORGANIZATION_NOT_FOUND', 'No such organisation');
  }

  private async available(m: EntityManager, organizationId: string): Promise<PayoutAvailability> {
    const { proceedsFen, pendingRefundsFen, paidOutFen } = await selectPayoutBalances(m, organizationId);
    const left = proceedsFen - pendingRefundsFen;
    return { organizationId, proceedsFen, pendingRefundsFen, availableFen: left > 0n ? left : 0n, paidOutFen };
  }
}
