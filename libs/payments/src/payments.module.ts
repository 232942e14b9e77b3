import { Module } from '@nestjs/common';
import { BankTransferDepositsController } from './bank-transfer-deposits.controller';
import { ContractPaymentsService } from './contract-payments.service';
import { DepositsService } from './deposits.service';
import { LedgerService } from './ledger';
import { STRIPE, stripeProvider } from './stripe.client';
import { StripeEventsService } from './stripe-events.service';
import { StripeWebhookController } from './stripe-webhook.controller';

const services = [DepositsService, ContractPaymentsService, LedgerService, StripeEventsService];

/**
 * Services only: for the worker (which also registers StripeEventsProcessor) and for other
 * contexts (the market holds, captures, releases and forfeits deposits).
 */
@Module({ providers: [stripeProvider, ...services], exports: [STRIPE, ...services] })
export class PaymentsModule {}

/** The HTTP surface, for the API process: the Stripe webhook and bank-transfer confirmation. */
@Module({ imports: [PaymentsModule], controllers: [StripeWebhookController, BankTransferDepositsController] })
export class PaymentsApiModule {}
