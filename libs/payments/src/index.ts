export * from './payments.module';
export * from './deposits.service';
export * from './ledger';
export * from './stripe.client';
export * from './stripe-events.service';
export * from './stripe-events.processor';
export { toDepositView, type DepositView, BankTransferDepositDto } from './bank-transfer-deposits.controller';
export { ACCOUNTS, DEPOSIT_STATUSES, type DepositStatus, type LedgerLine } from './domain/deposit-rules';
