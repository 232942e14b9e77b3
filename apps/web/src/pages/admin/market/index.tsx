import type { AdminSection } from '../sections';

/** The market operator's sections: themed sessions and lots, the auctioneer console, contracts. */
export const marketSections: AdminSection[] = [];
