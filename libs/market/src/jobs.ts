/** The market context's BullMQ jobs: names and payloads (queue names in @zjp/platform QUEUES). */

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
