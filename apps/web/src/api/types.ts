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

export interface Increment {
  kind: 'fixed' | 'ladder';
  amountFen?: string;
  bands?: { fromFen: string; incrementFen: string }[];
}

export interface LotView {
  id: string;
  listingId: string;
  achievementId: string;
  holderId: string;
  title: string;
  sessionId: string | null;
  startingPriceFen: string;
  hasReserve: boolean;
  increment: Increment;
  depositFen: string;
  startsAt: string;
  endsAt: string;
  originalEndsAt: string;
  extensionMinutes: number;
  extensionCapMinutes: number | null;
  proxyAllowed: boolean;
  live: boolean;
  status: string;
  seq: number;
  bidCount: number;
  currentFen: string | null;
  leader: string | null;
  result: string | null;
  hammerPriceFen: string | null;
  winner: string | null;
}

export interface PublicBid {
  seq: number;
  amountFen: string;
  bidder: string;
  proxy: boolean;
  at: string;
  source?: 'online' | 'floor';
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
}

export interface BidAck {
  status: 'accepted' | 'rejected';
  code?: string;
  seq?: number;
  amountFen?: string;
  [key: string]: unknown;
}

export interface Registration {
  id: string;
  lotId: string;
  organizationId: string;
  paddleNumber: number;
  pseudonym: string;
  offline: boolean;
  depositId: string | null;
  depositStatus: string;
}
