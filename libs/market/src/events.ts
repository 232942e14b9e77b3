import { defineEvent } from '@zjp/database';

/**
 * The market's domain events, written to the outbox in the transaction that makes the change
 * (libs/database/src/outbox), delivered at least once to idempotent handlers.
 */

/** A deal was concluded (hammer, sale at the listed price, agreement): the contracts context drafts its contract. */
export interface DealConcludedPayload {
  dealId: string;
  source: 'auction' | 'fixed_price' | 'negotiated';
  listingId: string;
  buyerId: string;
}
export const DealConcluded = defineEvent<DealConcludedPayload>()('DealConcluded');
