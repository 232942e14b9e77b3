/** The market context's BullMQ jobs: names and payloads (queue names in @zjp/platform QUEUES). */

export const AUCTION_JOBS = {
  closeLot: 'close-lot',
  concludeListing: 'conclude-listing',
  concludeDueListings: 'conclude-due-listings',
  /** Every minute and when a worker starts: lots past their end still open (a close job lost with a crashed worker). */
  closeDueLots: 'close-due-lots',
  /** After a lot's close: its losers' deposits released (the winner's stays held), off the close's job slot. Job id per lot. */
  settleLotDeposits: 'settle-lot-deposits',
  /** Organisations that lost the lead, gathered per lot for a second off the bid path: their `outbid` notices, many lots per job. */
  notifyOutbid: 'notify-outbid',
  /** About 30 minutes before a lot starts: `lot_starting_soon` to its registered enterprises (job id per lot and start). */
  lotStartingSoon: 'lot-starting-soon',
} as const;

/** The organisations that lost the lead of one lot. */
export interface OutbidLot {
  lotId: string;
  organizationIds: string[];
}

/**
 * The outbid notices of up to OUTBID_JOB_LOTS lots gathered in one second by one API process. A job queued by an
 * older API (during a rolling deploy) carries one lot, flat: `{ lotId, organizationIds }`; the worker takes both.
 */
export type NotifyOutbidJob = { lots: OutbidLot[] } | OutbidLot;

/** The lots of an outbid job, whichever shape it has. */
export function outbidLotsOf(job: NotifyOutbidJob): OutbidLot[] {
  return 'lots' in job ? job.lots : [job];
}

export interface LotStartingSoonJob {
  lotId: string;
  /** the start the job was scheduled for (ISO): a lot whose start moved ignores it */
  startsAt: string;
}

export interface CloseLotJob {
  lotId: string;
}

export interface SettleLotDepositsJob {
  lotId: string;
}

export interface ConcludeListingJob {
  listingId: string;
}
