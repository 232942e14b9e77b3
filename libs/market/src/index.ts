// The market context's public surface: what the apps, the other contexts and the tests use.
export { MarketApiModule, MarketModule } from './market.module';
export { LotsService } from './lots/lots.service';
export { SocketBidDto } from './lots/lots.dto';
export { LOT_TECHNICAL_FIELDS } from './lots/lot-discovery.dto';
export { parseSocketBid } from './lots/socket-bid';
export { BiddingEngine, type BidResult } from './bidding/bidding-engine';
export { BidRouter } from './bidding/bid-router';
export { LotFeed } from './bidding/lot-feed';
export { CLOSE_BATCH_LOTS, LotClosingService, type CloseResult } from './closing/lot-closing.service';
export { ListingFlowsService } from './listings/listing-flows.service';
export type { ListingConclusion } from './listings/dto/listing-flow.dto';
export { CalendarService } from './calendar/calendar.service';
export { SessionsService } from './sessions/sessions.service';
export { DealsService } from './deals/deals.service';
export type { DealForContract } from './deals/deals.repository';
export { applyForcedListingChanges, type RuleStateChanges } from './listings/forced-listings.repository';
export { DealConcluded, type DealConcludedPayload } from './events';
export {
  AUCTION_JOBS,
  type CloseLotJob,
  type ConcludeListingJob,
  type LotStartingSoonJob,
  type NotifyOutbidJob,
  type OutbidLot,
  outbidLotsOf,
  type SettleLotDepositsJob,
} from './jobs';
export { LotNoticesService, OUTBID_THROTTLE_MS } from './notices/lot-notices.service';
export { LotEventsPublisher, OUTBID_GATHER_MS, OUTBID_JOB_LOTS, OUTBID_JOB_PRIORITY, STARTING_SOON_MS } from './bidding/lot-events.publisher';
