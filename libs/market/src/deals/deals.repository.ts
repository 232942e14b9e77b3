import { queries, updateReturning, type Queryable } from '@zjp/database';

/** Deals: what an auction's hammer or a concluded fixed-price / negotiated listing leaves for the contracts context. */
const SQL = queries(__filename, {
  forContractDraft: `
    SELECT d.id, d.source, d.achievement_id, d.seller_id, d.buyer_id, d.deal_type, d.license_type, d.price_fen::text AS price_fen, d.deposit_fen::text AS deposit_fen,
           d.concluded_at, d.status, l.forced, l.rule_clause
      FROM deals d JOIN listings l ON l.id = d.listing_id
     WHERE d.id = $1
       FOR SHARE OF d`,
  // The deal the contracts context picks up (DealConcluded): the hammer price and the deposit carry over.
  // Several at once (the lots closed in one transaction): $1 deal ids, $2 lots, $3 winners' registrations, $4 hammer prices.
  insertAuctionDeals: `
    INSERT INTO deals (id, lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at)
    SELECT d.id, l.id, l.listing_id, l.achievement_id, l.holder_id, r.organization_id, COALESCE(li.deal_type, 'license'),
           CASE WHEN li.deal_type IS NULL THEN 'ordinary' ELSE li.license_type END, d.price_fen, l.deposit_fen, $5
      FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[]) AS d(id, lot_id, registration_id, price_fen)
      JOIN lots l ON l.id = d.lot_id JOIN lot_registrations r ON r.id = d.registration_id JOIN listings li ON li.id = l.listing_id
    RETURNING id, listing_id, buyer_id`,
  markContracted: `UPDATE deals SET status = 'contracted' WHERE id = $1 AND status = 'awaiting_contract' RETURNING id`,
  // A fixed-price listing sold to the one enterprise that declared intent, at the listed price.
  insertFixedPriceDeal: `
    INSERT INTO deals (id, lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at, source)
    SELECT $1, NULL, id, achievement_id, holder_id, $2, COALESCE(deal_type, 'license'), CASE WHEN deal_type IS NULL THEN 'ordinary' ELSE license_type END,
           price_fen, 0, $3, 'fixed_price' FROM listings WHERE id = $4`,
  // 协议定价: the price the holder agreed with an interested enterprise.
  insertNegotiatedDeal: `
    INSERT INTO deals (id, lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at, source)
    SELECT $1, NULL, id, achievement_id, holder_id, $2, deal_type, license_type, $3, 0, $4, 'negotiated' FROM listings WHERE id = $5`,
  lockWithWinnerDeposit: `SELECT d.status, r.deposit_id FROM deals d LEFT JOIN lots l ON l.id = d.lot_id LEFT JOIN lot_registrations r ON r.id = l.winner_registration_id WHERE d.id = $1 FOR UPDATE OF d`,
  markDefaulted: `UPDATE deals SET status = 'defaulted', defaulted_at = $2, default_reason = $3 WHERE id = $1`,
  winnerRegistration: `SELECT r.id, r.deposit_id FROM deals d JOIN lots l ON l.id = d.lot_id JOIN lot_registrations r ON r.id = l.winner_registration_id WHERE d.id = $1`,
});

/** A deal as a contract draft needs it, with the forced-listing facts of its listing. */
export interface DealForContract {
  id: string;
  source: 'auction' | 'fixed_price' | 'negotiated';
  achievementId: string;
  sellerId: string;
  buyerId: string;
  dealType: 'transfer' | 'license' | 'equity';
  licenseType: 'exclusive' | 'sole' | 'ordinary' | null;
  /** bigint fen as decimal text (the contract row stores it as given) */
  priceFen: string;
  depositFen: string;
  concludedAt: Date;
  status: 'awaiting_contract' | 'contracted' | 'defaulted';
  forced: boolean;
  ruleClause: string | null;
}

interface DealForContractRow {
  id: string;
  source: DealForContract['source'];
  achievement_id: string;
  seller_id: string;
  buyer_id: string;
  deal_type: DealForContract['dealType'];
  license_type: DealForContract['licenseType'];
  price_fen: string;
  deposit_fen: string;
  concluded_at: Date;
  status: DealForContract['status'];
  forced: boolean;
  rule_clause: string | null;
}

/** The deal and its listing's forced / rule_clause, the deal row share-locked (FOR SHARE OF d) until the caller's transaction ends. */
export async function lockDealForContract(m: Queryable, dealId: string): Promise<DealForContract | null> {
  const [r] = (await m.query(SQL.forContractDraft, [dealId])) as DealForContractRow[];
  if (!r) return null;
  return {
    id: r.id,
    source: r.source,
    achievementId: r.achievement_id,
    sellerId: r.seller_id,
    buyerId: r.buyer_id,
    dealType: r.deal_type,
    licenseType: r.license_type,
    priceFen: r.price_fen,
    depositFen: r.deposit_fen,
    concludedAt: r.concluded_at,
    status: r.status,
    forced: r.forced,
    ruleClause: r.rule_clause,
  };
}

/** awaiting_contract → contracted; false when the deal was not awaiting a contract (already contracted, defaulted, unknown). */
export async function markContracted(m: Queryable, dealId: string): Promise<boolean> {
  return (await updateReturning<{ id: string }>(m, SQL.markContracted, [dealId])).length > 0;
}

/**
 * The deals sold lots leave: each winner's organisation buys at the hammer price; the listing's deal terms, else an
 * ordinary licence. Returns each deal's listing and buyer, by deal id.
 */
export async function insertAuctionDeals(
  m: Queryable,
  deals: readonly { id: string; lotId: string; winnerRegistrationId: string; priceFen: bigint }[],
  concludedAt: Date,
): Promise<Map<string, { listingId: string; buyerId: string }>> {
  if (!deals.length) return new Map();
  const rows = (await m.query(SQL.insertAuctionDeals, [
    deals.map((d) => d.id),
    deals.map((d) => d.lotId),
    deals.map((d) => d.winnerRegistrationId),
    deals.map((d) => d.priceFen.toString()),
    concludedAt,
  ])) as { id: string; listing_id: string; buyer_id: string }[];
  return new Map(rows.map((r) => [r.id, { listingId: r.listing_id, buyerId: r.buyer_id }]));
}

export async function insertFixedPriceDeal(m: Queryable, dealId: string, listingId: string, buyerId: string, at: Date): Promise<void> {
  await m.query(SQL.insertFixedPriceDeal, [dealId, buyerId, at, listingId]);
}

export async function insertNegotiatedDeal(m: Queryable, dealId: string, listingId: string, buyerId: string, priceFen: string, at: Date): Promise<void> {
  await m.query(SQL.insertNegotiatedDeal, [dealId, buyerId, priceFen, at, listingId]);
}

/** The deal (locked) and the deposit of the auction winner's registration, when the deal came from an auction. */
export async function lockDealWithWinnerDeposit(m: Queryable, dealId: string): Promise<{ status: string; deposit_id: string | null }[]> {
  return (await m.query(SQL.lockWithWinnerDeposit, [dealId])) as { status: string; deposit_id: string | null }[];
}

export async function markDefaulted(m: Queryable, dealId: string, at: Date, reason: string): Promise<void> {
  await m.query(SQL.markDefaulted, [dealId, at, reason]);
}

export async function winnerRegistrationOfDeal(m: Queryable, dealId: string): Promise<{ id: string; deposit_id: string | null }[]> {
  return (await m.query(SQL.winnerRegistration, [dealId])) as { id: string; deposit_id: string | null }[];
}
