// The payments context's public surface: what the apps, the other contexts and the tests use.
export { PaymentsApiModule, PaymentsModule } from './payments.module';
export { DepositsService, type Deposit } from './deposits/deposits.service';
export {
  ContractPaymentsService,
  type MovementStatus,
  type Payment,
  type Refund,
  type SettledMovement,
  type SettledTotals,
  type SignedMovement,
} from './contract-payments/contract-payments.service';
export { DepositStatusChanged, PaymentStatusChanged, type DepositStatusChangedPayload, type PaymentStatusChangedPayload } from './events';
export { LedgerService, postLedgerTransaction } from './ledger/ledger.service';
export { toPayoutView, type PayoutView, RecordPayoutDto } from './payouts/payouts.controller';
export { STRIPE } from './stripe.client';
export { StripeEventsProcessor } from './stripe-events/stripe-events.processor';
export { toDepositView, type DepositView, BankTransferDepositDto } from './deposits/bank-transfer-deposits.controller';
export { ACCOUNTS, DEPOSIT_STATUSES, type DepositStatus, type LedgerLine } from './domain/deposit-rules';
export { PAYMENT_JOBS, type StripeEventJob } from './jobs';
