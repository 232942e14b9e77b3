import { queries, type Queryable } from '@zjp/database';

/** 挂牌 and 协议定价: a holder's listings, the enterprises' declarations of intent, and how a listing concludes. */
const SQL = queries(__filename, {
  achievementForListing: `SELECT holder_id, registration_status FROM achievement_directory WHERE id = $1`,
  insertListing: `
    INSERT INTO listings (id, achievement_id, holder_id, mode, forced, price_fen, status, deal_type, license_type, notice_days, notice_ends_at, notice_provisional, created_at, updated_at,
                          appraiser, appraised_value_fen, appraised_on, appraisal_document_name, appraisal_document_sha256)
    VALUES ($1, $2, $3, $4, false, $5, 'active', $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15, $16)`,
  insertIntent: `INSERT INTO listing_intents (id, listing_id, organization_id, statement, declared_by, declared_at) VALUES ($1, $2, $3, $4, $5, $6)`,
  countIntents: `SELECT count(*)::int AS n FROM listing_intents WHERE listing_id = $1`,
  holder: `SELECT holder_id FROM listings WHERE id = $1`,
  intentsOfListing: `
    SELECT i.id, i.organization_id AS "organizationId", o.name, i.statement, i.declared_at AS "declaredAt"
      FROM listing_intents i JOIN organization_directory o ON o.id = i.organization_id WHERE i.listing_id = $1 ORDER BY i.declared_at, i.id LIMIT $2 OFFSET $3`,
  // The bidders of the listing's newest lot, by paddle: pseudonyms only (the holder never sees who they are before the close).
  lotOfListing: `SELECT id FROM lots WHERE listing_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
  countBidders: `SELECT count(*)::int AS n FROM lot_registrations WHERE lot_id = $1`,
  bidders: `
    SELECT paddle_number AS "paddleNumber", offline, deposit_status AS "depositStatus"
      FROM lot_registrations WHERE lot_id = $1 ORDER BY paddle_number LIMIT $2 OFFSET $3`,
  intentOrganizations: `SELECT organization_id FROM listing_intents WHERE listing_id = $1 ORDER BY declared_at`,
  hasIntent: `SELECT 1 FROM listing_intents WHERE listing_id = $1 AND organization_id = $2`,
  concludeWithoutIntent: `UPDATE listings SET concluded_at = $2, status_reason = 'no intent declared during the notice period', updated_at = now() WHERE id = $1`,
  closeConcluded: `UPDATE listings SET status = 'closed', concluded_at = $2, status_reason = $3, updated_at = now() WHERE id = $1`,
  listingWithTitle: `SELECT l.achievement_id, l.holder_id, a.title FROM listings l JOIN achievement_directory a ON a.id = l.achievement_id WHERE l.id = $1`,
  turnIntoAuction: `UPDATE listings SET mode = 'auction', concluded_at = $2, status_reason = $3, updated_at = now() WHERE id = $1`,
  dueForConclusion: `
    SELECT id, notice_ends_at, forced, created_at FROM listings
     WHERE mode = 'fixed_price' AND status = 'active' AND concluded_at IS NULL AND price_fen IS NOT NULL
       AND (notice_ends_at <= $1 OR (notice_ends_at IS NULL AND forced))`,
  lockForFlow: `SELECT id, holder_id, mode, forced, status, price_fen::text AS price_fen, notice_ends_at, concluded_at, created_at FROM listings WHERE id = $1 FOR UPDATE`,
});

export async function achievementForListing(m: Queryable, achievementId: string): Promise<{ holder_id: string; registration_status: string }[]> {
  return (await m.query(SQL.achievementForListing, [achievementId])) as { holder_id: string; registration_status: string }[];
}

export async function insertListing(
  m: Queryable,
  l: {
    id: string;
    achievementId: string;
    holderId: string;
    mode: string;
    priceFen: string | null;
    dealType: string;
    licenseType: string | null;
    noticeDays: number | null;
    noticeEndsAt: Date | null;
    noticeProvisional: boolean;
    createdAt: Date;
    /** appraiser, value, date, document name, SHA-256 (appraisalColumns) */
    appraisal: (string | null)[];
  },
): Promise<void> {
  await m.query(SQL.insertListing, [
    l.id,
    l.achievementId,
    l.holderId,
    l.mode,
    l.priceFen,
    l.dealType,
    l.licenseType,
    l.noticeDays,
    l.noticeEndsAt,
    l.noticeProvisional,
    l.createdAt,
    ...l.appraisal,
  ]);
}

export async function insertIntent(
  m: Queryable,
  i: { id: string; listingId: string; organizationId: string; statement: string; declaredBy: string; declaredAt: Date },
): Promise<void> {
  await m.query(SQL.insertIntent, [i.id, i.listingId, i.organizationId, i.statement, i.declaredBy, i.declaredAt]);
}

export async function countIntents(m: Queryable, listingId: string): Promise<number> {
  return ((await m.query(SQL.countIntents, [listingId])) as { n: number }[])[0].n;
}

export async function listingHolder(m: Queryable, listingId: string): Promise<string | undefined> {
  return ((await m.query(SQL.holder, [listingId])) as { holder_id: string }[])[0]?.holder_id;
}

export interface IntentRow {
  id: string;
  organizationId: string;
  name: string;
  statement: string;
  declaredAt: Date;
}

/** A page of a listing's declarations of intent, in the order they came. */
export async function intentsOfListing(
  m: Queryable,
  listingId: string,
  page: { limit: number; offset: number },
): Promise<{ items: IntentRow[]; total: number }> {
  const items = (await m.query(SQL.intentsOfListing, [listingId, page.limit, page.offset])) as IntentRow[];
  const [{ n }] = (await m.query(SQL.countIntents, [listingId])) as { n: number }[];
  return { items, total: n };
}

export async function intentOrganizations(m: Queryable, listingId: string): Promise<{ organization_id: string }[]> {
  return (await m.query(SQL.intentOrganizations, [listingId])) as { organization_id: string }[];
}

export async function hasIntent(m: Queryable, listingId: string, organizationId: string): Promise<boolean> {
  return ((await m.query(SQL.hasIntent, [listingId, organizationId])) as unknown[]).length > 0;
}

export async function concludeWithoutIntent(m: Queryable, listingId: string, at: Date): Promise<void> {
  await m.query(SQL.concludeWithoutIntent, [listingId, at]);
}

export async function closeConcludedListing(m: Queryable, listingId: string, at: Date, reason: string): Promise<void> {
  await m.query(SQL.closeConcluded, [listingId, at, reason]);
}

export async function listingWithTitle(m: Queryable, listingId: string): Promise<{ achievement_id: string; holder_id: string; title: string }> {
  return ((await m.query(SQL.listingWithTitle, [listingId])) as { achievement_id: string; holder_id: string; title: string }[])[0];
}

export async function turnIntoAuction(m: Queryable, listingId: string, at: Date, reason: string): Promise<void> {
  await m.query(SQL.turnIntoAuction, [listingId, at, reason]);
}

export async function listingsDueForConclusion(
  m: Queryable,
  now: Date,
): Promise<{ id: string; notice_ends_at: Date | null; forced: boolean; created_at: Date }[]> {
  return (await m.query(SQL.dueForConclusion, [now])) as { id: string; notice_ends_at: Date | null; forced: boolean; created_at: Date }[];
}

export async function lockListingForFlow(
  m: Queryable,
  id: string,
): Promise<
  {
    id: string;
    holder_id: string;
    mode: string;
    forced: boolean;
    status: string;
    price_fen: string | null;
    notice_ends_at: Date | null;
    concluded_at: Date | null;
    created_at: Date;
  }[]
> {
  return (await m.query(SQL.lockForFlow, [id])) as {
    id: string;
    holder_id: string;
    mode: string;
    forced: boolean;
    status: string;
    price_fen: string | null;
    notice_ends_at: Date | null;
    concluded_at: Date | null;
    created_at: Date;
  }[];
}

export async function lotOfListing(m: Queryable, listingId: string): Promise<string | null> {
  return ((await m.query(SQL.lotOfListing, [listingId])) as { id: string }[])[0]?.id ?? null;
}

/** A page of the bidders registered for a lot, by paddle number, and how many there are. */
export async function biddersOfLot(
  m: Queryable,
  lotId: string,
  page: { limit: number; offset: number },
): Promise<{ items: { paddleNumber: number; offline: boolean; depositStatus: string }[]; total: number }> {
  const items = (await m.query(SQL.bidders, [lotId, page.limit, page.offset])) as { paddleNumber: number; offline: boolean; depositStatus: string }[];
  const [{ n }] = (await m.query(SQL.countBidders, [lotId])) as { n: number }[];
  return { items, total: n };
}
