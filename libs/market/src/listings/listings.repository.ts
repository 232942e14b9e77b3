import { queries, type Queryable } from '@zjp/database';
import type { ListingView } from './dto/listing.dto';

const VIEW = `SELECT id, achievement_id AS "achievementId", holder_id AS "holderId", mode, forced, rule_clause AS "ruleClause",
  price_fen::text AS "priceFen", to_char(price_deadline, 'YYYY-MM-DD') AS "priceDeadline", status, status_reason AS "statusReason", created_at AS "createdAt",
  CASE WHEN mode = 'auction' THEN (SELECT lt.id FROM lots lt WHERE lt.listing_id = listings.id ORDER BY lt.created_at DESC, lt.id DESC LIMIT 1) END AS "lotId"
  FROM listings`;

const LISTED = `${VIEW} WHERE status IN ('active', 'suspended') AND ($1::uuid IS NULL OR achievement_id = $1)`;

/** Listings: what a holder (or the idle rule, see forced-listings.repository.ts) offers. */
const SQL = queries(__filename, {
  close: `UPDATE listings SET status = 'closed', status_reason = $2, updated_at = now() WHERE id = $1`,
  list: `${LISTED} ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
  count: `SELECT count(*)::int AS total FROM listings WHERE status IN ('active', 'suspended') AND ($1::uuid IS NULL OR achievement_id = $1)`,
  view: `${VIEW} WHERE id = $1`,
  lock: `SELECT holder_id, forced, status FROM listings WHERE id = $1 FOR UPDATE`,
  setPrice: `UPDATE listings SET price_fen = $2, price_deadline = NULL, updated_at = now() WHERE id = $1`,
  insertAuction: `INSERT INTO listings (id, achievement_id, holder_id, mode, forced, price_fen, status, deal_type, license_type) VALUES ($1, $2, $3, 'auction', false, $4, 'active', $5, $6)`,
  withdraw: `UPDATE listings SET status = 'withdrawn', status_reason = $2, updated_at = now() WHERE id = $1`,
});

export async function closeListing(m: Queryable, listingId: string, reason: string): Promise<void> {
  await m.query(SQL.close, [listingId, reason]);
}

/** One page of the active and suspended listings (of one achievement), newest first, and how many there are. */
export async function listListings(
  m: Queryable,
  achievementId: string | null,
  limit: number,
  offset: number,
): Promise<{ items: ListingView[]; total: number }> {
  const [{ total }] = (await m.query(SQL.count, [achievementId])) as { total: number }[];
  return { items: (await m.query(SQL.list, [achievementId, limit, offset])) as ListingView[], total };
}

export async function listingView(m: Queryable, id: string): Promise<ListingView | undefined> {
  return ((await m.query(SQL.view, [id])) as ListingView[])[0];
}

export async function lockListing(m: Queryable, id: string): Promise<{ holderId: string; forced: boolean; status: string } | undefined> {
  const [r] = (await m.query(SQL.lock, [id])) as { holder_id: string; forced: boolean; status: string }[];
  return r && { holderId: r.holder_id, forced: r.forced, status: r.status };
}

export async function setListingPrice(m: Queryable, id: string, priceFen: bigint): Promise<void> {
  await m.query(SQL.setPrice, [id, priceFen.toString()]);
}

export async function withdrawListing(m: Queryable, id: string, reason: string): Promise<void> {
  await m.query(SQL.withdraw, [id, reason]);
}

/** The auction listing a lot belongs to. */
export async function insertAuctionListing(
  m: Queryable,
  l: { id: string; achievementId: string; holderId: string; priceFen: string; dealType: string; licenseType: string | null },
): Promise<void> {
  await m.query(SQL.insertAuction, [l.id, l.achievementId, l.holderId, l.priceFen, l.dealType, l.licenseType]);
}
