import { queries, type Queryable } from '@zjp/database';

/** Listings: what a holder (or the idle rule, see forced-listings.repository.ts) offers. */
const SQL = queries(__filename, {
  close: `UPDATE listings SET status = 'closed', status_reason = $2, updated_at = now() WHERE id = $1`,
});

export async function closeListing(m: Queryable, listingId: string, reason: string): Promise<void> {
  await m.query(SQL.close, [listingId, reason]);
}
