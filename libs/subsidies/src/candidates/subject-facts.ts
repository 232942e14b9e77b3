import { Injectable } from '@nestjs/common';
import { LocalDate } from '@zjp/core';
import type { EntityManager } from 'typeorm';
import type { PartyFacts, ResearchFundingFacts, SubsidySubject } from '../domain';
import { ContractFactsAdapter } from './contract-facts.adapter';

export type SubjectType = 'contract' | 'research_funding';

/** A subject as the engine sees it, with what the workflow needs around it. */
export interface LoadedSubject {
  type: SubjectType;
  id: string;
  subject: SubsidySubject;
  enterpriseId: string;
  enterpriseRegionCode: string;
  technicalField: string | null;
  /** What a finance office recognises it by: the contract's registration number, the funding agreement. */
  label: string;
  /** The calendar years in which the subject has something a policy could count. */
  claimYears: number[];
}

type Query = Pick<EntityManager, 'query'>;

interface PartyRow {
  id: string;
  type: PartyFacts['organizationType'];
  region_code: string;
  holder_category: PartyFacts['holderCategory'];
  high_level_platform: boolean;
  sme: boolean;
  high_tech: boolean;
}

/**
 * SQL for the facts of an organisation that eligibility reads (type, region, holder category,
 * high-level platform, SME, its 高新技术企业 certificates), for a subject's fingerprint: when an
 * administrator changes a party's flags or records a certificate, the sweep recomputes its
 * subjects. `idSql` is the SQL expression of the organisation's id.
 */
export function partyFingerprintSql(idSql: string): string {
  return `(SELECT concat_ws(':', o.type, o.region_code, o.holder_category, o.high_level_platform, o.sme,
             (SELECT string_agg(concat_ws('~', h.issued_on, h.expires_on), ',' ORDER BY h.issued_on, h.expires_on) FROM high_tech_certificates h WHERE h.organization_id = o.id))
           FROM organizations o WHERE o.id = ${idSql})`;
}

/** An organisation as a party, with its 高新技术企业 status on the given date. */
export async function loadParty(db: Query, organizationId: string, on: LocalDate): Promise<PartyFacts> {
  const rows = (await db.query(
    `SELECT o.id, o.type, o.region_code, o.holder_category, o.high_level_platform, o.sme,
            EXISTS (SELECT 1 FROM high_tech_certificates c WHERE c.organization_id = o.id AND c.issued_on <= $2 AND c.expires_on >= $2) AS high_tech
     FROM organizations o WHERE o.id = $1`,
    [organizationId, on.toString()],
  )) as PartyRow[];
  const r = rows[0];
  if (!r) throw new Error(`organisation ${organizationId} is missing`);
  return { organizationId: r.id, organizationType: r.type, regionCode: r.region_code, holderCategory: r.holder_category, highLevelPlatform: r.high_level_platform, sme: r.sme, highTech: r.high_tech };
}

/**
 * Loads subjects (contracts through the contracts adapter, research fundings from this
 * context's own table) as plain facts for the engine.
 */
@Injectable()
export class SubjectFactsLoader {
  constructor(private readonly contracts: ContractFactsAdapter) {}

  async load(db: Query, type: SubjectType, id: string): Promise<LoadedSubject | null> {
    return type === 'contract' ? this.contracts.load(db, id) : this.loadFunding(db, id);
  }

  /** Subjects with their facts' fingerprints: all of them, one, or only those changed since their last computation. */
  async fingerprints(db: Query, type: SubjectType, options: { id?: string; onlyChanged: boolean; limit: number }): Promise<{ id: string; fingerprint: string }[]> {
    if (type === 'contract') return this.contracts.fingerprints(db, options);
    return (await db.query(
      `WITH facts AS (
         SELECT f.id, md5(concat_ws('|', f.status, f.mode, f.platform_id, f.amount_fen, f.received_on, f.documents::text,
                  ${partyFingerprintSql('f.enterprise_id')}, ${partyFingerprintSql('f.platform_id')})) AS fingerprint
         FROM research_fundings f WHERE f.status = 'confirmed' AND ($2::uuid IS NULL OR f.id = $2))
       SELECT f.id, f.fingerprint FROM facts f
       LEFT JOIN subsidy_candidate_runs r ON r.subject_type = 'research_funding' AND r.subject_id = f.id
       WHERE NOT $3 OR r.fingerprint IS DISTINCT FROM f.fingerprint
       LIMIT $1`,
      [options.limit, options.id ?? null, options.onlyChanged],
    )) as { id: string; fingerprint: string }[];
  }

  private async loadFunding(db: Query, id: string): Promise<LoadedSubject | null> {
    const rows = (await db.query(
      `SELECT id, enterprise_id, platform_id, mode, amount_fen::text AS amount, to_char(received_on, 'YYYY-MM-DD') AS received_on, status,
              jsonb_array_length(documents) AS documents, agreement_number, purpose
       FROM research_fundings WHERE id = $1`,
      [id],
    )) as { id: string; enterprise_id: string; platform_id: string; mode: ResearchFundingFacts['mode']; amount: string; received_on: string; status: string; documents: number; agreement_number: string | null; purpose: string }[];
    const r = rows[0];
    if (!r) return null;
    const receivedOn = LocalDate.parse(r.received_on);
    const enterprise = await loadParty(db, r.enterprise_id, receivedOn);
    const facts: ResearchFundingFacts = {
      fundingId: r.id,
      enterprise,
      platform: await loadParty(db, r.platform_id, receivedOn),
      mode: r.mode,
      amountFen: BigInt(r.amount),
      receivedOn,
      confirmed: r.status === 'confirmed',
      documentCount: r.documents,
    };
    return {
      type: 'research_funding',
      id: r.id,
      subject: { kind: 'research_funding', facts },
      enterpriseId: r.enterprise_id,
      enterpriseRegionCode: enterprise.regionCode,
      technicalField: 'basic_research',
      label: r.agreement_number ?? `基础研究投入 ${r.received_on}`,
      claimYears: [receivedOn.year],
    };
  }
}
