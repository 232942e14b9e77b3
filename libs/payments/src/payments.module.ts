import { Module } from '@nestjs/common';
import { NotificationsModule } from '@zjp/identity';
import { BankTransferDepositsController } from './deposits/bank-transfer-deposits.controller';
import { ContractPaymentsService } from './contract-payments/contract-payments.service';
import { DepositsService } from './deposits/deposits.service';
import { LedgerService } from './ledger/ledger.service';
import { PayoutsController } from './payouts/payouts.controller';
import { PayoutsService } from './payouts/payouts.service';
import { STRIPE, stripeProvider } from './stripe.client';
import { StripeEventsService } from './stripe-events/stripe-events.service';
import { StripeWebhookController } from './stripe-events/stripe-webhook.controller';

const services = [DepositsService, ContractPaymentsService, LedgerService, StripeEventsService, PayoutsService];

/**
 * Services only: for the worker (which also registers StripeEventsProcessor) and for other
 * contexts (the market holds, captures, releases and forfeits deposits).
 */
@Module({ imports: [NotificationsModule], providers: [stripeProvider, ...services], exports: [STRIPE, ...services] })
export class PaymentsModule {}

/** The HTTP surface, for the API process: the Stripe webhook, bank-transfer confirmation and payouts to sellers. */
@Module({ imports: [PaymentsModule], controllers: [StripeWebhookController, BankTransferDepositsController, PayoutsController] })
export class PaymentsApiModule {}
