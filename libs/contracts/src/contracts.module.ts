import { NotificationsModule } from '@zjp/identity';
import { Module } from '@nestjs/common';
import { AchievementsModule } from '@zjp/achievements';
import { MarketModule } from '@zjp/market';
import { PaymentsModule } from '@zjp/payments';
import { ContractBillingController } from './billing/contract-billing.controller';
import { ContractBillingService } from './billing/contract-billing.service';
import { ContractsController } from './contracts/contracts.controller';
import { ContractsService } from './contracts/contracts.service';
import { DealContractTrigger } from './contracts/deal-contract.trigger';

const services = [ContractsService, ContractBillingService];

/** Services only: for the worker (contracts from deals, the sweep) and the API. Needs the queue producers and realtime (the market's). */
@Module({ imports: [AchievementsModule, MarketModule, PaymentsModule, NotificationsModule], providers: [...services, DealContractTrigger], exports: services })
export class ContractsModule {}

/** The HTTP surface, for the API process. */
@Module({ imports: [ContractsModule], controllers: [ContractsController, ContractBillingController] })
export class ContractsApiModule {}
