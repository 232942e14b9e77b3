import { CreateIdentity1764000000000 } from './1764000000000-create-identity';
import { CreateAchievements1764000001000 } from './1764000001000-create-achievements';
import { AchievementRegistry1764000002000 } from './1764000002000-achievement-registry';
import { CatalogueSearch1764000003000 } from './1764000003000-catalogue-search';
import { Auctions1764000004000 } from './1764000004000-auctions';
import { Payments1764000005000 } from './1764000005000-payments';
import { ListingFlows1764000006000 } from './1764000006000-listing-flows';
import { CatalogueSpeed1764000007000 } from './1764000007000-catalogue-speed';
import { BidLogReferences1764000008000 } from './1764000008000-bid-log-references';
import { Contracts1764000009000 } from './1764000009000-contracts';
import { Subsidies1764000010000 } from './1764000010000-subsidies';
import { Payouts1764000011000 } from './1764000011000-payouts';
import { Outbox1764000012000 } from './1764000012000-outbox';
import { PublishedReadModels1764000013000 } from './1764000013000-published-read-models';
import { SubsidySweep1764000014000 } from './1764000014000-subsidy-sweep';
import { AchievementReadModels1764000015000 } from './1764000015000-achievement-read-models';
import { MarketReadModels1764000016000 } from './1764000016000-market-read-models';
import { PaymentReferencePrints1764000017000 } from './1764000017000-payment-reference-prints';
import { ContractDirectory1764000018000 } from './1764000018000-contract-directory';
import { WorkingDayCalendar1764000019000 } from './1764000019000-working-day-calendar';
import { RecordedHistory1764000020000 } from './1764000020000-recorded-history';
import { ListingLots1764000021000 } from './1764000021000-listing-lots';
import { PaymentReferencePrintsPerReference1764000028000 } from './1764000028000-payment-reference-prints-per-reference';
import { NotificationDedupe1764000030000 } from './1764000030000-notification-dedupe';
import { BrokerageMandates1764000040000 } from './1764000040000-brokerage-mandates';
import { AuctioneerConsole1764000060000 } from './1764000060000-auctioneer-console';
import { ListingAppraisals1764000080000 } from './1764000080000-listing-appraisals';
import { MarketReporting1764000100000 } from './1764000100000-market-reporting';
import { ComplianceReadModels1764000110000 } from './1764000110000-compliance-read-models';
import { ContractNumbers1764000120000 } from './1764000120000-contract-numbers';
import { SessionResults1764000121000 } from './1764000121000-session-results';
import { AchievementPricingFacts1764000130000 } from './1764000130000-achievement-pricing-facts';
import { ContractScheduleDirectory1764000140000 } from './1764000140000-contract-schedule-directory';

/** Every migration, in order. Listed explicitly so builds and tests never depend on globbing. */
export const MIGRATIONS = [
  CreateIdentity1764000000000,
  CreateAchievements1764000001000,
  AchievementRegistry1764000002000,
  CatalogueSearch1764000003000,
  Auctions1764000004000,
  Payments1764000005000,
  ListingFlows1764000006000,
  CatalogueSpeed1764000007000,
  BidLogReferences1764000008000,
  Contracts1764000009000,
  Subsidies1764000010000,
  Payouts1764000011000,
  Outbox1764000012000,
  PublishedReadModels1764000013000,
  SubsidySweep1764000014000,
  AchievementReadModels1764000015000,
  MarketReadModels1764000016000,
  PaymentReferencePrints1764000017000,
  ContractDirectory1764000018000,
  WorkingDayCalendar1764000019000,
  RecordedHistory1764000020000,
  ListingLots1764000021000,
  PaymentReferencePrintsPerReference1764000028000,
  NotificationDedupe1764000030000,
  BrokerageMandates1764000040000,
  AuctioneerConsole1764000060000,
  ListingAppraisals1764000080000,
  MarketReporting1764000100000,
  ComplianceReadModels1764000110000,
  ContractNumbers1764000120000,
  SessionResults1764000121000,
  AchievementPricingFacts1764000130000,
  ContractScheduleDirectory1764000140000,
];
