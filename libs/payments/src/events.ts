import { defineEvent } from '@zjp/database';
import type { DepositStatus } from './domain/deposit-rules';
import type { PaymentStatus } from './domain/payment-rules';

/**
 * The payments context's domain events, written to the outbox in the transaction of the change
 * (libs/database/src/outbox) and delivered at least once to the handlers other contexts register
 * with `DomainEventHandlers.on`: the market follows its registrations' deposits, contracts
 * reconcile on money moving under them, subsidies recompute their candidates.
 */

/** A deposit moved (held, released, captured, forfeited, failed). Amounts in fen, as strings. */
export interface DepositStatusChangedPayload {
  depositId: string;
  organizationId: string;
  referenceType: string;
  referenceId: string;
  previousStatus: DepositStatus;
  status: DepositStatus;
  amountFen: string;
  capturedFen: string;
}
export const DepositStatusChanged = defineEvent<DepositStatusChangedPayload>()('DepositStatusChanged');

/** Money under a reference (a contract) moved: a payment succeeded or failed, or was refunded. */
export interface PaymentStatusChangedPayload {
  paymentId: string;
  referenceType: string;
  referenceId: string;
  status: PaymentStatus | 'refunded';
}
export const PaymentStatusChanged = defineEvent<PaymentStatusChangedPayload>()('PaymentStatusChanged');
