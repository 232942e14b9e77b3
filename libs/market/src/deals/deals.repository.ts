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
  insertAuctionDeal: `
    INSERT INTO deals (id, lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at)
    SELECT $1, l.id, l.listing_id, l.achievement_id, l.holder_id, r.organization_id, COALESCE(li.deal_type, 'license'), CASE WHEN li.deal_type IS NULL THEN 'ordinary' ELSE li.license_type END, $3, l.deposit_fen, $4
      FROM lots l JOIN lot_registrations r ON r.id = $2 JOIN listings li ON li.id = l.listing_id WHERE l.id = $5
    RETURNING listing_id, buyer_id`,
  markContracted: `UPDATE deals SET status = 'contracted' WHERE id = $1 AND status = 'awaiting_contract' RETURNING id`,
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
  id: string; source: DealForContract['source']; achievement_id: string; seller_id: string; buyer_id: string; deal_type: DealForContract['dealType'];
  license_type: DealForContract['licenseType']; price_fen: string; deposit_fen: string; concluded_at: Date; status: DealForContract['status']; forced: boolean; rule_clause: string | null;
}

/** The deal and its listing's forced / rule_clause, the deal row share-locked (FOR SHARE OF d) until the caller's transaction ends. */
export async function lockDealForContract(m: Queryable, dealId: string): Promise<DealForContract | null> {
  const [r] = (await m.query(SQL.forContractDraft, [dealId])) as DealForContractRow[];
  if (!r) return null;
  return {
    id: r.id, source: r.source, achievementId: r.achievement_id, sellerId: r.seller_id, buyerId: r.buyer_id, dealType: r.deal_type, licenseType: r.license_type,
    priceFen: r.price_fen, depositFen: r.deposit_fen, concludedAt: r.concluded_at, status: r.status, forced: r.forced, ruleClause: r.rule_clause,
  };
}

/** awaiting_contract → contracted; false when the deal was not awaiting a contract (already contracted, defaulted, unknown). */
export async function markContracted(m: Queryable, dealId: string): Promise<boolean> {
  return (await updateReturning<{ id: string }>(m, SQL.markContracted, [dealId])).length > 0;
}

/** The deal a sold lot leaves: its winner's organisation buys at the hammer price; the listing's deal terms, else an ordinary licence. */
export async function insertAuctionDeal(
  m: Queryable,
  d: { id: string; lotId: string; winnerRegistrationId: string; priceFen: bigint; concludedAt: Date },
): Promise<{ listingId: string; buyerId: string }> {
  const [row] = (await m.query(SQL.insertAuctionDeal, [d.id, d.winnerRegistrationId, d.priceFen.toString(), d.concludedAt, d.lotId])) as { listing_id: string; buyer_id: string }[];
  return { listingId: row.listing_id, buyerId: row.buyer_id };
}
