/** The market context's BullMQ jobs: names and payloads (queue names in @zjp/platform QUEUES). */

export const AUCTION_JOBS = {
  closeLot: 'close-lot',
  concludeListing: 'conclude-listing',
  concludeDueListings: 'conclude-due-listings',
  /** Every minute and when a worker starts: lots past their end still open (a close job lost with a crashed worker). */
  closeDueLots: 'close-due-lots',
  /** After a lot's close: its losers' deposits released (the winner's stays held), off the close's job slot. Job id per lot. */
  settleLotDeposits: 'settle-lot-deposits',
  /** Organisations that lost the lead of a lot, gathered per lot for a second off the bid path: their `outbid` notices. */
  notifyOutbid: 'notify-outbid',
  /** About 30 minutes before a lot starts: `lot_starting_soon` to its registered enterprises (job id per lot and start). */
  lotStartingSoon: 'lot-starting-soon',
} as const;

export interface NotifyOutbidJob {
  lotId: string;
  organizationIds: string[];
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
