import { queries, type Queryable } from '@zjp/database';

/**
 * Commissions (佣金) recorded on contracts. The mandate's terms come from the brokerage context's
 * published view `brokered_achievements`: a mandate of a party under which its broker acted on the
 * deal's achievement before the deal was concluded.
 */
const SQL = queries(__filename, {
  brokeredTerms: `
    SELECT DISTINCT ON (principal_organization_id) mandate_id AS "mandateId", principal_organization_id AS "principalOrganizationId",
           broker_organization_id AS "brokerOrganizationId", commission_rate_bp AS "rateBp", commission_fixed_fen::text AS "fixedFen"
      FROM brokered_achievements
     WHERE achievement_id = $1 AND principal_organization_id = ANY($2::uuid[]) AND first_acted_at <= $3
     ORDER BY principal_organization_id, first_acted_at DESC, mandate_id`,
  insert: `
    INSERT INTO contract_commissions (contract_id, side, mandate_id, broker_organization_id, principal_organization_id, rate_bp, fixed_fen, basis_fen, commission_fen, recorded_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
  ofContract: `
    SELECT cc.side, cc.mandate_id AS "mandateId", cc.broker_organization_id AS "brokerOrganizationId", o.name AS "brokerName",
           cc.principal_organization_id AS "principalOrganizationId", cc.rate_bp AS "rateBp", cc.fixed_fen::text AS "fixedFen",
           cc.basis_fen::text AS "basisFen", cc.commission_fen::text AS "commissionFen", cc.recorded_at AS "recordedAt"
      FROM contract_commissions cc JOIN organization_directory o ON o.id = cc.broker_organization_id
     WHERE cc.contract_id = $1 ORDER BY cc.side DESC`,
});

export interface BrokeredTerms {
  mandateId: string;
  principalOrganizationId: string;
  brokerOrganizationId: string;
  rateBp: number | null;
  fixedFen: string | null;
}

export interface CommissionRow {
  side: 'seller' | 'buyer';
  mandateId: string;
  brokerOrganizationId: string;
  brokerName: string;
  principalOrganizationId: string;
  rateBp: number | null;
  fixedFen: string | null;
  basisFen: string;
  commissionFen: string;
  recordedAt: Date;
}

export async function brokeredTerms(m: Queryable, achievementId: string, parties: string[], concludedAt: Date): Promise<BrokeredTerms[]> {
  return (await m.query(SQL.brokeredTerms, [achievementId, parties, concludedAt])) as BrokeredTerms[];
}

export async function insertCommission(
  m: Queryable,
  c: { contractId: string; side: 'seller' | 'buyer'; terms: BrokeredTerms; basisFen: bigint; commissionFen: bigint; at: Date },
): Promise<void> {
  await m.query(SQL.insert, [
    c.contractId,
    c.side,
    c.terms.mandateId,
    c.terms.brokerOrganizationId,
    c.terms.principalOrganizationId,
    c.terms.rateBp,
    c.terms.fixedFen,
    c.basisFen.toString(),
    c.commissionFen.toString(),
    c.at,
  ]);
}

export async function commissionsOf(m: Queryable, contractId: string): Promise<CommissionRow[]> {
  return (await m.query(SQL.ofContract, [contractId])) as CommissionRow[];
}
