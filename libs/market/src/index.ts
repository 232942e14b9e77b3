// The market context's public surface: what the apps, the other contexts and the tests use.
export { MarketApiModule, MarketModule } from './market.module';
export { LotsService } from './lots/lots.service';
export { SocketBidDto } from './lots/lots.dto';
export { parseSocketBid } from './lots/socket-bid';
export { BiddingEngine, type BidResult } from './bidding/bidding-engine';
export { LotFeed } from './bidding/lot-feed';
export { LotClosingService, type CloseResult } from './closing/lot-closing.service';
export { ListingFlowsService, type ListingConclusion } from './listings/listing-flows';
export { CalendarService } from './calendar/calendar.service';
export { DealConcluded, type DealConcludedPayload } from './events';
export { AUCTION_JOBS, type CloseLotJob, type ConcludeListingJob } from './jobs';
