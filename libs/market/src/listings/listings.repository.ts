import { queries, type Queryable } from '@zjp/database';
import { APPRAISAL_JSON } from './dto/appraisal.dto';
import type { HolderListingDto, ListingView } from './dto/listing.dto';

const VIEW = `SELECT id, achievement_id AS "achievementId", holder_id AS "holderId", mode, forced, rule_clause AS "ruleClause",
  price_fen::text AS "priceFen", to_char(price_deadline, 'YYYY-MM-DD') AS "priceDeadline", status, status_reason AS "statusReason", created_at AS "createdAt",
  CASE WHEN mode = 'auction' THEN (SELECT lt.id FROM lots lt WHERE lt.listing_id = listings.id ORDER BY lt.created_at DESC, lt.id DESC LIMIT 1) END AS "lotId",
  ${APPRAISAL_JSON('listings')} AS appraisal
  FROM listings`;

const LISTED = `${VIEW} WHERE status IN ('active', 'suspended') AND ($1::uuid IS NULL OR achievement_id = $1)`;

/** Listings: what a holder (or the idle rule, see forced-listings.repository.ts) offers. */
const SQL = queries(__filename, {
  closeMany: `
    UPDATE listings li SET status = 'closed', status_reason = c.reason, updated_at = now()
      FROM unnest($1::uuid[], $2::text[]) AS c(id, reason) WHERE li.id = c.id`,
  list: `${LISTED} ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
  count: `SELECT count(*)::int AS total FROM listings WHERE status IN ('active', 'suspended') AND ($1::uuid IS NULL OR achievement_id = $1)`,
  view: `${VIEW} WHERE id = $1`,
  lock: `SELECT holder_id, forced, status FROM listings WHERE id = $1 FOR UPDATE`,
  setPrice: `UPDATE listings SET price_fen = $2, price_deadline = NULL, updated_at = now() WHERE id = $1`,
  insertAuction: `
    INSERT INTO listings (id, achievement_id, holder_id, mode, forced, price_fen, status, deal_type, license_type,
                          appraiser, appraised_value_fen, appraised_on, appraisal_document_name, appraisal_document_sha256)
    VALUES ($1, $2, $3, 'auction', false, $4, 'active', $5, $6, $7, $8, $9, $10, $11)`,
  // The holder's desk: every listing of one holder (all statuses), newest first, with what came of it so far.
  countOfHolder: `SELECT count(*)::int AS total FROM listings WHERE holder_id = $1 AND ($2::text IS NULL OR status = $2)`,
  ofHolder: `
    SELECT l.id, l.achievement_id AS "achievementId", a.title, l.mode, l.forced, l.deal_type AS "dealType", l.license_type AS "licenseType",
           l.price_fen::text AS "priceFen", l.status, l.status_reason AS "statusReason", l.notice_ends_at AS "noticeEndsAt", l.notice_provisional AS "noticeProvisional",
           l.concluded_at AS "concludedAt", l.created_at AS "createdAt", lt.id AS "lotId", lt.starts_at AS "lotStartsAt", lt.ends_at AS "lotEndsAt",
           (SELECT count(*)::int FROM listing_intents i WHERE i.listing_id = l.id) AS intents,
           (SELECT count(*)::int FROM lot_registrations r WHERE r.lot_id = lt.id) AS bidders,
           (SELECT d.id FROM deals d WHERE d.listing_id = l.id ORDER BY d.concluded_at DESC, d.id DESC LIMIT 1) AS "dealId",
           ${APPRAISAL_JSON('l')} AS appraisal
      FROM listings l JOIN achievement_directory a ON a.id = l.achievement_id
      LEFT JOIN LATERAL (SELECT x.id, x.starts_at, x.ends_at FROM lots x WHERE x.listing_id = l.id ORDER BY x.created_at DESC, x.id DESC LIMIT 1) lt ON true
     WHERE l.holder_id = $1 AND ($2::text IS NULL OR l.status = $2)
     ORDER BY l.created_at DESC, l.id DESC LIMIT $3 OFFSET $4`,
  withdraw: `UPDATE listings SET status = 'withdrawn', status_reason = $2, updated_at = now() WHERE id = $1`,
});

/** Closes the listings of closed lots, each with its reason, in one statement. */
export async function closeListings(m: Queryable, closes: readonly { listingId: string; reason: string }[]): Promise<void> {
  if (!closes.length) return;
  await m.query(SQL.closeMany, [closes.map((c) => c.listingId), closes.map((c) => c.reason)]);
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
  l: { id: string; achievementId: string; holderId: string; priceFen: string; dealType: string; licenseType: string | null; appraisal: (string | null)[] },
): Promise<void> {
  await m.query(SQL.insertAuction, [l.id, l.achievementId, l.holderId, l.priceFen, l.dealType, l.licenseType, ...l.appraisal]);
}

/** One page of a holder's listings, every status, newest first. */
export async function listingsOfHolder(
  m: Queryable,
  holderId: string,
  status: string | null,
  limit: number,
  offset: number,
): Promise<{ items: HolderListingDto[]; total: number }> {
  const [{ total }] = (await m.query(SQL.countOfHolder, [holderId, status])) as { total: number }[];
  const rows = (await m.query(SQL.ofHolder, [holderId, status, limit, offset])) as (Omit<
    HolderListingDto,
    'noticeEndsAt' | 'concludedAt' | 'createdAt' | 'lotStartsAt' | 'lotEndsAt'
  > & { noticeEndsAt: Date | null; concludedAt: Date | null; createdAt: Date; lotStartsAt: Date | null; lotEndsAt: Date | null })[];
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    items: rows.map((r) => ({
      ...r,
      noticeEndsAt: iso(r.noticeEndsAt),
      concludedAt: iso(r.concludedAt),
      createdAt: r.createdAt.toISOString(),
      lotStartsAt: iso(r.lotStartsAt),
      lotEndsAt: iso(r.lotEndsAt),
    })),
    total,
  };
}
