import { queries, type Queryable } from '@zjp/database';
import { type PastDeal, type PricingDealType, type PricingMaturity, remainingTermYears } from '../domain';

/**
 * 初始化定价 (P-PRICE): the achievement to be priced and the concluded deals it is compared with.
 * Achievements are read through the achievements context's published read model
 * (achievement_pricing_facts, migration 1764000130000); deals are the market's own.
 */
const SQL = queries(__filename, {
  subject: `SELECT id, holder_id, title, technical_field, ipc_classes, maturity, ip_type, ip_number FROM achievement_pricing_facts WHERE id = $1`,
  // Concluded deals (a defaulted one never got paid) of the same field and the given deal types,
  // concluded before $4, other than the subject's own; the domain function scores them.
  candidates: `
    SELECT d.id, d.deal_type, d.price_fen::text AS price_fen, to_char(d.concluded_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS concluded_on,
           f.title, f.technical_field, f.ipc_classes, f.maturity, f.ip_type, f.ip_number
      FROM deals d JOIN achievement_pricing_facts f ON f.id = d.achievement_id
     WHERE d.status <> 'defaulted' AND f.technical_field = $1 AND d.deal_type = ANY($2::text[]) AND d.achievement_id <> $3 AND d.concluded_at < $4`,
});

export interface PricingSubjectRow {
  id: string;
  holder_id: string;
  title: string;
  technical_field: string;
  ipc_classes: string[];
  maturity: PricingMaturity;
  ip_type: string | null;
  ip_number: string | null;
}

interface CandidateRow {
  id: string;
  deal_type: PricingDealType;
  price_fen: string;
  concluded_on: string;
  title: string;
  technical_field: string;
  ipc_classes: string[];
  maturity: PricingMaturity;
  ip_type: string | null;
  ip_number: string | null;
}

export async function pricingSubject(m: Queryable, achievementId: string): Promise<PricingSubjectRow | null> {
  const [row] = (await m.query(SQL.subject, [achievementId])) as PricingSubjectRow[];
  return row ?? null;
}

/** The candidate deals, each with its remaining term at its own deal date. */
export async function candidateDeals(
  m: Queryable,
  technicalField: string,
  dealTypes: readonly PricingDealType[],
  excludeAchievementId: string,
  before: Date,
): Promise<PastDeal[]> {
  const rows = (await m.query(SQL.candidates, [technicalField, dealTypes, excludeAchievementId, before])) as CandidateRow[];
  return rows.map((r) => ({
    dealId: r.id,
    achievementTitle: r.title,
    concludedOn: r.concluded_on,
    dealType: r.deal_type,
    priceFen: BigInt(r.price_fen),
    technicalField: r.technical_field,
    ipcClasses: r.ipc_classes,
    ipType: r.ip_type,
    maturity: r.maturity,
    remainingYears: remainingTermYears(r.ip_type, r.ip_number, r.concluded_on),
  }));
}
