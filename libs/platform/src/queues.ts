/**
 * BullMQ queue names. Processors live in apps/worker; the API only enqueues.
 * Each queue's jobs carry ids, never whole records, and are idempotent.
 */
export const QUEUES = {
  maintenance: 'maintenance',
  compliance: 'compliance',
  auctions: 'auctions',
  payments: 'payments',
  subsidies: 'subsidies',
  contracts: 'contracts',
  events: 'events',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const MAINTENANCE_JOBS = {
  purgeExpiredSessions: 'purge-expired-sessions',
  /** Delivered domain events older than a week leave the outbox. */
  purgeDeliveredEvents: 'purge-delivered-events',
} as const;

export const EVENT_JOBS = {
  /** Every 2 s: outbox events not delivered by the process that made them (it crashed, a handler failed). */
  relay: 'outbox-relay',
  /** One event to its handlers. */
  deliver: 'deliver-event',
} as const;

export interface DeliverEventJob {
  eventId: string;
}

export const COMPLIANCE_JOBS = {
  idleScan: 'idle-scan',
} as const;

/** Job data of an idle-IP scan: the Asia/Shanghai date to apply the rules for (today when absent). */
export interface IdleScanJob {
  date?: string;
  requestedBy?: string;
}

export const AUCTION_JOBS = {
  closeLot: 'close-lot',
  concludeListing: 'conclude-listing',
  concludeDueListings: 'conclude-due-listings',
  /** Every minute and when a worker starts: lots past their end still open (a close job lost with a crashed worker). */
  closeDueLots: 'close-due-lots',
} as const;

export interface CloseLotJob {
  lotId: string;
}

export interface ConcludeListingJob {
  listingId: string;
}

export const PAYMENT_JOBS = {
  stripeEvent: 'stripe-event',
} as const;

/** Job data of a received Stripe event: its id (the event itself is stored in stripe_events). */
export interface StripeEventJob {
  eventId: string;
}

export const CONTRACT_JOBS = {
  /** A deal committed: draft its contract (idempotent; UNIQUE(deal_id)). */
  fromDeal: 'contract-from-deal',
  /** Every few minutes: deals and approved free licences without a contract, unfinished work after signing, ended use-first trials. */
  sweep: 'contracts-sweep',
} as const;

export interface ContractFromDealJob {
  dealId: string;
}

export const SUBSIDY_JOBS = {
  /** Candidates of one subject (a registered, paid contract or a confirmed research funding). */
  computeCandidates: 'compute-candidates',
  /** Every subject whose facts changed since its candidates were computed, and every subject after a policy change. */
  sweepCandidates: 'sweep-candidates',
} as const;

export interface ComputeCandidatesJob {
  subjectType: 'contract' | 'research_funding';
  subjectId: string;
}
