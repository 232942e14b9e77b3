import { queries, type Queryable } from '@zjp/database';

/**
 * The forced listings (P-2Y / P-3Y) the achievements idle scan opens, suspends, reopens or closes,
 * set-wise in the scan's transaction: one statement over every changed achievement, both steps
 * seeing the listings as they were before it (as when they were CTEs of the scan itself).
 */
const SQL = queries(__filename, {
  apply: `
    WITH c AS (
      SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[]) AS c(id, holder_id, to_state, due_clause, asking_price_fen)
    ), opened AS (
      -- 先用后转: what a forced listing offers is an ordinary licence (several enterprises may take one).
      INSERT INTO listings (achievement_id, holder_id, mode, forced, rule_clause, price_fen, price_deadline, status, deal_type, license_type)
      SELECT c.id, c.holder_id, 'fixed_price', true, c.due_clause, c.asking_price_fen,
             CASE WHEN c.asking_price_fen IS NULL THEN $6::date + $7::int END, 'active', 'license', 'ordinary'
        FROM c
       WHERE c.to_state IN ('use_first', 'free_license_eligible')
         AND NOT EXISTS (SELECT 1 FROM listings l WHERE l.achievement_id = c.id AND l.forced AND l.status IN ('active', 'suspended'))
      ON CONFLICT (achievement_id) WHERE forced AND status IN ('active', 'suspended') DO NOTHING
    ), restatused AS (
      UPDATE listings l
         SET status = CASE c.to_state WHEN 'suspended' THEN 'suspended' WHEN 'clear' THEN 'closed' ELSE 'active' END,
             status_reason = CASE c.to_state WHEN 'suspended' THEN 'justification approved' WHEN 'clear' THEN 'no longer idle' ELSE NULL END,
             updated_at = now()
        FROM c
       WHERE l.achievement_id = c.id AND l.forced AND l.status IN ('active', 'suspended')
    )
    SELECT 1`,
});

/** The achievements whose rule state a scan changed, as parallel arrays (one entry per achievement). */
export interface RuleStateChanges {
  achievementIds: string[];
  holderIds: string[];
  /** clear | use_first | free_license_eligible | suspended */
  toStates: string[];
  /** P-2Y | P-3Y, null when no clause is due (clear) */
  dueClauses: (string | null)[];
  /** the holder's asking price, bigint fen as text, null when none (the listing then gets a price deadline) */
  askingPricesFen: (string | null)[];
}

/**
 * Each changed achievement's forced listing follows its new state: use_first / free_license_eligible
 * opens one (fixed price, ordinary licence; with no asking price, a price deadline scanDate + priceDays)
 * unless one is open, or reopens a suspended one; suspended suspends it; clear closes it.
 */
export async function applyForcedListingChanges(m: Queryable, scanDate: string, priceDays: number, changes: RuleStateChanges): Promise<void> {
  if (!changes.achievementIds.length) return;
  await m.query(SQL.apply, [changes.achievementIds, changes.holderIds, changes.toStates, changes.dueClauses, changes.askingPricesFen, scanDate, priceDays]);
}
