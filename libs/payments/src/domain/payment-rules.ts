/*
 * Payments (under a contract) and refunds, as functions of plain data: what a PaymentIntent's
 * state means for a payment, never moving backwards, and the ledger lines of each movement.
 */
import { ACCOUNTS, type LedgerLine, type PaymentIntentView } from './deposit-rules';

export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'canceled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type PaymentProvider = 'stripe' | 'bank_transfer' | 'deposit';

/** Card, Alipay and WeChat Pay are Stripe payment methods; all in CNY. */
export const CONTRACT_PAYMENT_METHOD_TYPES = ['card', 'alipay', 'wechat_pay'] as const;

export type PaymentTarget =
  { status: 'succeeded'; receivedFen: bigint } | { status: 'canceled' } | { status: 'failed'; failureCode: string; failureMessage: string | null };

/** What the PaymentIntent's current state means for its payment; null when nothing yet. */
export function paymentTargetOf(pi: PaymentIntentView): PaymentTarget | null {
  switch (pi.status) {
    case 'succeeded':
      return { status: 'succeeded', receivedFen: BigInt(pi.amount_received) };
    case 'canceled':
      return { status: 'canceled' };
    case 'requires_payment_method':
      if (!pi.last_payment_error) return null;
      return {
        status: 'failed',
        failureCode: pi.last_payment_error.decline_code ?? pi.last_payment_error.code ?? 'payment_failed',
        failureMessage: pi.last_payment_error.message ?? null,
      };
    default:
      return null;
  }
}

/**
 * Whether a payment in `current` may move to `target`. Succeeded and canceled are final; a failed
 * payment is retried only by a new attempt (which sets it pending again), never by an event.
 */
export function paymentMayMove(current: PaymentStatus, target: PaymentStatus): boolean {
  if (current === target) return false;
  if (current === 'pending') return true;
  if (current === 'failed') return target === 'succeeded' || target === 'canceled'; // a late success of the same PaymentIntent
  return false;
}

export interface PaymentParties {
  organizationId: string;
  payeeOrganizationId: string;
  provider: PaymentProvider;
  amountFen: bigint;
}

/**
 * A payment received: the payer's cash (or, for an auction deposit applied to the price, its
 * deposits_applied) → the payee's contract_proceeds, which the platform holds for it.
 */
export function paymentMovement(p: PaymentParties): LedgerLine[] {
  const from = p.provider === 'deposit' ? ACCOUNTS.orgDepositsApplied(p.organizationId) : ACCOUNTS.orgCash(p.organizationId);
  return [
    { account: from, amountFen: -p.amountFen },
    { account: ACCOUNTS.orgContractProceeds(p.payeeOrganizationId), amountFen: p.amountFen },
  ];
}

/** A refund: back from the payee's contract_proceeds to the payer's cash. */
export function refundMovement(p: Omit<PaymentParties, 'provider' | 'amountFen'>, amountFen: bigint): LedgerLine[] {
  return [
    { account: ACCOUNTS.orgContractProceeds(p.payeeOrganizationId), amountFen: -amountFen },
    { account: ACCOUNTS.orgCash(p.organizationId), amountFen },
  ];
}

/** What may still be refunded: captured, less refunded, less refunds in flight. */
export function refundable(payment: { status: PaymentStatus; amountFen: bigint; refundedFen: bigint }, pendingRefundsFen: bigint): bigint {
  if (payment.status !== 'succeeded') return 0n;
  const left = payment.amountFen - payment.refundedFen - pendingRefundsFen;
  return left > 0n ? left : 0n;
}
