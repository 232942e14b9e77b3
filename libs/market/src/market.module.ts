import { Module } from '@nestjs/common';
import { NotificationsModule } from '@zjp/identity';
import { PaymentsModule } from '@zjp/payments';
import { RateLimitModule } from '@zjp/platform';
import { BiddingEngine } from './bidding/bidding-engine';
import { BidRouter } from './bidding/bid-router';
import { CalendarController } from './calendar/calendar.controller';
import { CalendarService } from './calendar/calendar.service';
import { LotEventsPublisher } from './bidding/lot-events.publisher';
import { LotFeed } from './bidding/lot-feed';
import { LotClosingService } from './closing/lot-closing.service';
import { DealsService } from './deals/deals.service';
import { ListingFlowsController } from './listings/listing-flows.controller';
import { ListingFlowsService } from './listings/listing-flows.service';
import { HolderListingsController, ListingsController } from './listings/listings.controller';
import { ListingsService } from './listings/listings.service';
import { DEPOSIT_GATEWAY } from './lots/deposit-gateway';
import { BidderRegistrationsController } from './lots/bidder-registrations.controller';
import { LotsController } from './lots/lots.controller';
import { LotsService } from './lots/lots.service';
import { PaymentsDepositGateway } from './lots/payments-deposit.gateway';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsService } from './sessions/sessions.service';
import { SessionResultsController } from './sessions/results/session-results.controller';
import { SessionResultsService } from './sessions/results/session-results.service';
import { LotNoticesService } from './notices/lot-notices.service';
import { PriceGuidanceController } from './pricing/price-guidance.controller';
import { PriceGuidanceService } from './pricing/price-guidance.service';

const services = [
  ListingsService,
  ListingFlowsService,
  LotsService,
  BiddingEngine,
  BidRouter,
  LotFeed,
  LotEventsPublisher,
  LotClosingService,
  SessionsService,
  SessionResultsService,
  DealsService,
  CalendarService,
  LotNoticesService,
  PriceGuidanceService,
];

/** Services only: for the worker (closing lots) and the API. Needs the queue producers and realtime. */
@Module({
  imports: [PaymentsModule, NotificationsModule],
  providers: [...services, { provide: DEPOSIT_GATEWAY, useClass: PaymentsDepositGateway }],
  exports: services,
})
export class MarketModule {}

@Module({
  imports: [MarketModule, RateLimitModule],
  controllers: [
    CalendarController,
    ListingFlowsController,
    ListingsController,
    HolderListingsController,
    LotsController,
    BidderRegistrationsController,
    SessionsController,
    PriceGuidanceController,
    SessionResultsController,
  ],
  exports: [MarketModule],
})
export class MarketApiModule {}
