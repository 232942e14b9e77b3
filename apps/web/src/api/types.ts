/**
 * Response shapes the pages read. Where the OpenAPI document types a response, the type comes from
 * the generated schema (so that a change of the API breaks the web build); the socket events'
 * payloads are described here as the API documents them (libs/market LOT_EVENTS).
 */
import type { components } from './schema';

type Schemas = components['schemas'];
export type CatalogueItem = Schemas['CatalogueItemDto'];
export type CataloguePage = Schemas['CataloguePageDto'];
export type Achievement = Schemas['AchievementDto'];

export type Increment = Schemas['IncrementDto'];
export type LotView = Schemas['LotDto'];
export type LotCard = Schemas['LotCardDto'];
export type Registration = Schemas['RegistrationDto'];
export type SessionSummary = Schemas['SessionSummaryDto'];
export type Session = Schemas['SessionDto'];
export type Listing = Schemas['ListingView'];
export type Notice = Schemas['NotificationView'];
export type Contract = Schemas['ContractDto'];
export type ContractItem = Schemas['ContractListItemDto'];
export type SubsidyCandidate = Schemas['SubsidyCandidateDto'];
export type SubsidyApplication = Schemas['SubsidyApplicationDto'];
export type FreeLicenseApplication = Schemas['FreeLicenseApplicationDto'];

/** A bid as the socket's `lot.bids` carries it (GET /lots/:id/bids adds the hash chain). */
export interface PublicBid {
  seq: number;
  amountFen: string;
  bidder: string;
  proxy: boolean;
  /** entered by the auctioneer for a bidder in the room */
  floor?: boolean;
  at: string;
}

export interface LotBidsEvent {
  lotId: string;
  bids: PublicBid[];
  state: { seq: number; currentFen: string | null; leader: string | null; bidCount: number; endsAt: string; status: string };
  omitted?: number;
}

export interface LotClosedEvent {
  lotId: string;
  result: 'sold' | 'unsold';
  hammerPriceFen: string | null;
  winner: string | null;
  seq: number;
  bidCount: number;
  /** the operator withdrew the lot (撤拍) */
  withdrawn?: boolean;
}

export interface BidAck {
  status: 'accepted' | 'rejected';
  code?: string;
  seq?: number;
  amountFen?: string;
  [key: string]: unknown;
}
