import { Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@zjp/core';
import { ContractPaymentsService, LedgerService, Payment, Refund } from '@zjp/payments';
import { type Principal, oversees, oversightOf } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { transition } from '../domain';
import { ContractRow, loadContract, loadVisible, partyOf } from '../contracts/contract-row';
import { ContractsService } from '../contracts/contracts.service';
import { organizationRegion } from './billing.repository';

export interface PaymentView {
  id: string;
  item: string | null;
  amountFen: string;
  refundedFen: string;
  provider: string;
  providerPaymentId: string | null;
  paymentMethod: string | null;
  status: string;
  failureCode: string | null;
  receivedOn: string | null;
  createdAt: Date;
  succeededAt: Date | null;
}

export interface RefundView {
  id: string;
  paymentId: string;
  amountFen: string;
  reason: string;
  status: string;
  providerRefundId: string | null;
  createdAt: Date;
  succeededAt: Date | null;
}

export const toPaymentView = (p: Payment): PaymentView => ({
  id: p.id,
  item: p.item,
  amountFen: p.amountFen.toString(),
  refundedFen: p.refundedFen.toString(),
  provider: p.provider,
  providerPaymentId: p.providerPaymentId,
  paymentMethod: p.paymentMethod,
  status: p.status,
  failureCode: p.failureCode,
  receivedOn: p.receivedOn,
  createdAt: p.createdAt,
  succeededAt: p.succeededAt,
});

export const toRefundView = (r: Refund): RefundView => ({
  id: r.id,
  paymentId: r.paymentId,
  amountFen: r.amountFen.toString(),
  reason: r.reason,
  status: r.status,
  providerRefundId: r.providerRefundId,
  createdAt: r.createdAt,
  succeededAt: r.succeededAt,
});

/**
 * Paying a contract: the buyer's administrator pays online (Stripe: card, Alipay, WeChat Pay),
 * the operator records a bank transfer or a refund. Every payment is checked, under the contract's
 * row lock, against what is still owed (less payments in flight), so two concurrent payments
 * cannot overpay it.
 */
@Injectable()
export class ContractBillingService {
  constructor(
    private readonly db: DataSource,
    private readonly contracts: ContractsService,
    private readonly payments: ContractPaymentsService,
    private readonly ledger: LedgerService,
  ) {}

  async payOnline(
    actor: Principal,
    contractId: string,
    input: { paymentMethod: string; amountFen?: bigint; idempotencyKey: string; item?: string },
  ): Promise<PaymentView> {
    const c = await loadVisible(this.db.manager, actor, contractId);
    if (partyOf(actor, c) !== 'buyer' || !actor.roles.includes('enterprise_admin'))
      throw new ForbiddenError('NOT_THE_PAYER', "Only the buyer's administrator pays the contract");
    // A retry with the same key is the same payment, whatever is owed by now.
    const earlier = await this.payments.amountByIdempotencyKey(this.db.manager, 'contract', c.id, input.idempotencyKey);
    const amountFen = input.amountFen ?? earlier ?? (await this.payable(this.db.manager, c));
    if (amountFen <= 0n) throw new ConflictError('NOTHING_TO_PAY', 'Nothing is owed under this contract now');
    const payment = await this.payments.payByStripe(
      {
        organizationId: c.buyerId,
        payeeOrganizationId: c.sellerId,
        referenceType: 'contract',
        referenceId: c.id,
        item: input.item ?? null,
        amountFen,
        paymentMethod: input.paymentMethod,
        idempotencyKey: input.idempotencyKey,
      },
      actor,
      (m, p) => this.assertPayable(m, c.id, p.amountFen),
    );
    return toPaymentView(payment);
  }

  async recordBankTransfer(
    actor: Principal,
    contractId: string,
    input: { amountFen: bigint; bankReference: string; receivedOn: string; item?: string },
  ): Promise<PaymentView> {
    const c = await loadVisible(this.db.manager, actor, contractId);
    const payment = await this.payments.recordBankTransfer(
      {
        organizationId: c.buyerId,
        payeeOrganizationId: c.sellerId,
        referenceType: 'contract',
        referenceId: c.id,
        item: input.item ?? null,
        amountFen: input.amountFen,
        bankReference: input.bankReference,
        receivedOn: input.receivedOn,
      },
      actor,
      (m, p) => this.assertPayable(m, c.id, p.amountFen),
    );
    return toPaymentView(payment);
  }

  async refund(actor: Principal, paymentId: string, input: { amountFen: bigint; reason: string; idempotencyKey: string }): Promise<RefundView> {
    const payment = await this.payments.get(paymentId);
    if (payment.referenceType !== 'contract') throw new NotFoundError('PAYMENT_NOT_FOUND', 'No such contract payment');
    return toRefundView(await this.payments.refund(paymentId, input, actor));
  }

  /** One page of a contract's payments, oldest first, each with its refunds (a contract has a handful: paged here, not capped). */
  async list(
    actor: Principal,
    contractId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: (PaymentView & { refunds: RefundView[] })[]; total: number; limit: number; offset: number }> {
    await loadVisible(this.db.manager, actor, contractId);
    const { payments, refunds } = await this.payments.listFor('contract', contractId);
    const items = payments.slice(page.offset, page.offset + page.limit).map((p) => ({
      ...toPaymentView(p),
      refunds: refunds.filter((r) => r.paymentId === p.id).map(toRefundView),
    }));
    return { items, total: payments.length, limit: page.limit, offset: page.offset };
  }

  /** The ledger balances of a contract's movements, by account. */
  async ledgerOf(actor: Principal, contractId: string): Promise<Record<string, string>> {
    await loadVisible(this.db.manager, actor, contractId);
    const balances = await this.ledger.subjectBalances('contract', contractId);
    return Object.fromEntries(Object.entries(balances).map(([k, v]) => [k, v.toString()]));
  }

  /** An organisation's balances, derived from the ledger: its own users and administrators only. */
  async organizationBalances(actor: Principal, organizationId: string): Promise<{ organizationId: string; balances: Record<string, string> }> {
    const org = await organizationRegion(this.db, organizationId);
    if (!org || !oversees(await oversightOf(this.db, actor), org))
      throw new ForbiddenError('ORGANIZATION_BOUNDARY', "You may only see your own organisation's balances");
    const balances = await this.ledger.balances(`org:${organizationId}:`);
    return { organizationId, balances: Object.fromEntries(Object.entries(balances).map(([k, v]) => [k.slice(`org:${organizationId}:`.length), v.toString()])) };
  }

  /** What may be paid now: fees known so far, less what is paid and what is being paid. Use-first fees only after conversion. */
  private async payable(m: EntityManager, c: ContractRow): Promise<bigint> {
    const t = transition(c.status, 'pay');
    if (!t.ok) throw new ConflictError(t.code, t.message, { status: c.status });
    if (c.type === 'use_first' && !c.convertedOn) throw new ConflictError('FEES_DEFERRED', 'Use-first fees fall due after conversion (先用后转)');
    const { summary } = await this.contracts.money(m, c);
    return summary.outstandingFen - (await this.payments.pendingFen(m, 'contract', c.id));
  }

  private async assertPayable(m: EntityManager, contractId: string, amountFen: bigint): Promise<void> {
    const c = (await loadContract(m, contractId, { lock: true }))!;
    const payable = await this.payable(m, c);
    if (amountFen > payable) {
      throw new ConflictError('PAYMENT_EXCEEDS_OUTSTANDING', `At most ${payable > 0n ? payable : 0n} fen is owed now`, {
        payableFen: (payable > 0n ? payable : 0n).toString(),
      });
    }
    if (amountFen <= 0n) throw new ValidationError([{ field: 'amountFen', code: 'min', message: 'amountFen must be positive' }]);
  }
}
