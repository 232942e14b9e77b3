import { queries, type Queryable } from '@zjp/database';
import type { ResearchFundingFacts } from '../domain';

/*
 * Fingerprints: a digest of everything a subject's subsidy facts are made of, per subject, by one
 * set-wise statement. Hashes of the columns' binary values (hash_record_extended), not of their
 * text: turning 100,000 contracts' and their payments' timestamps and terms into text took most
 * of a second. A set of rows hashes to the XOR of its rows' hashes (no order to sort by; rows have
 * ids, so none cancels another). The values are stable within a PostgreSQL major version; after an
 * upgrade that changed them, one sweep recomputes every subject, to the same candidates.
 *
 * One fixed statement per case (contracts or fundings; all of them or those in $1; every one or
 * only those whose print differs from the one their candidates were computed on), composed below
 * from the parts they share.
 */

/** (id, print) of the organisations in `ids` (a subquery; null: every one): the facts eligibility reads of a party and its certificates. */
const partyPrints = (ids: string | null) => `SELECT o.id, hash_record_extended((o.type, o.region_code, o.holder_category, o.high_level_platform, o.sme,
              (SELECT bit_xor(hash_record_extended((h.id, h.issued_on, h.expires_on), 0)) FROM high_tech_certificates h WHERE h.organization_id = o.id)), 0) AS print
            FROM organization_directory o${ids ? ` WHERE o.id IN (${ids})` : ''}`;

/**
 * (id, fingerprint) of registered contracts: status, signing, registration, price, terms, the
 * payments' and refunds' prints payments publishes (filtered inside the subquery, where the
 * predicate reaches below the view's grouping), and both parties' prints (each party once).
 */
const contractFacts = (scoped: boolean) => {
  const only = (column: string) => (scoped ? ` AND ${column} = ANY($1::uuid[])` : '');
  const parties = partyPrints(
    scoped
      ? `SELECT buyer_id FROM contract_directory WHERE id = ANY($1::uuid[]) UNION SELECT seller_id FROM contract_directory WHERE id = ANY($1::uuid[])`
      : null,
  );
  return `WITH money AS (
        SELECT reference_id AS id, payments_print, refunds_print FROM payment_reference_prints WHERE reference_type = 'contract'${only('reference_id')}),
      party AS (${parties})
      SELECT c.id, hash_record_extended((c.status, c.took_effect_on, c.registration_number, c.registered_on, c.price_fen, c.terms,
               money.payments_print, money.refunds_print, b.print, s.print), 0)::text AS fingerprint
      FROM contract_directory c
      LEFT JOIN money ON money.id = c.id
      LEFT JOIN party b ON b.id = c.buyer_id
      LEFT JOIN party s ON s.id = c.seller_id
      WHERE c.registration_number IS NOT NULL${only('c.id')}`;
};

/** (id, fingerprint) of confirmed research fundings: their own facts and both parties' prints. */
const fundingFacts = (scoped: boolean) => {
  const parties = partyPrints(
    scoped
      ? `SELECT enterprise_id FROM research_fundings WHERE id = ANY($1::uuid[]) UNION SELECT platform_id FROM research_fundings WHERE id = ANY($1::uuid[])`
      : null,
  );
  return `WITH party AS (${parties})
      SELECT f.id, hash_record_extended((f.status, f.mode, f.platform_id, f.amount_fen, f.received_on, f.documents, e.print, p.print), 0)::text AS fingerprint
      FROM research_fundings f LEFT JOIN party e ON e.id = f.enterprise_id LEFT JOIN party p ON p.id = f.platform_id
      WHERE f.status = 'confirmed'${scoped ? ' AND f.id = ANY($1::uuid[])' : ''}`;
};

/** The facts' fingerprints; with `changed`, only those differing from the run's (or never computed). */
const prints = (type: 'contract' | 'research_funding', facts: string, changed: boolean) => `
  WITH facts AS (${facts})
  SELECT f.id, f.fingerprint FROM facts f${
    changed
      ? `
  LEFT JOIN subsidy_candidate_runs r ON r.subject_type = '${type}' AND r.subject_id = f.id WHERE r.fingerprint IS DISTINCT FROM f.fingerprint`
      : ''
  }`;

const SQL = queries(__filename, {
  contractPrints: prints('contract', contractFacts(false), false),
  contractPrintsChanged: prints('contract', contractFacts(false), true),
  contractPrintsOf: prints('contract', contractFacts(true), false),
  contractPrintsOfChanged: prints('contract', contractFacts(true), true),
  fundingPrints: prints('research_funding', fundingFacts(false), false),
  fundingPrintsChanged: prints('research_funding', fundingFacts(false), true),
  fundingPrintsOf: prints('research_funding', fundingFacts(true), false),
  fundingPrintsOfChanged: prints('research_funding', fundingFacts(true), true),
  fundings: `
    SELECT id, enterprise_id, platform_id, mode, amount_fen::text AS amount, to_char(received_on, 'YYYY-MM-DD') AS received_on, status,
           jsonb_array_length(documents) AS documents, agreement_number
      FROM research_fundings WHERE id = ANY($1::uuid[])`,
});

export interface FundingRow {
  id: string;
  enterprise_id: string;
  platform_id: string;
  mode: ResearchFundingFacts['mode'];
  amount: string;
  received_on: string;
  status: string;
  documents: number;
  agreement_number: string | null;
}

/** The research fundings with these ids (missing ones are absent). */
export async function selectFundings(m: Queryable, ids: readonly string[]): Promise<FundingRow[]> {
  return (await m.query(SQL.fundings, [ids])) as FundingRow[];
}

/**
 * (id, fingerprint) of the subjects of a type that have facts (registered contracts, confirmed
 * fundings): all of them, or those whose ids are given; with `onlyChanged`, only those whose
 * fingerprint differs from the one their candidates were computed on (or never computed).
 */
export async function selectFingerprints(
  m: Queryable,
  type: 'contract' | 'research_funding',
  ids: readonly string[] | undefined,
  onlyChanged: boolean,
): Promise<{ id: string; fingerprint: string }[]> {
  const statement =
    type === 'contract'
      ? ids
        ? onlyChanged
          ? SQL.contractPrintsOfChanged
          : SQL.contractPrintsOf
        : onlyChanged
          ? SQL.contractPrintsChanged
          : SQL.contractPrints
      : ids
        ? onlyChanged
          ? SQL.fundingPrintsOfChanged
          : SQL.fundingPrintsOf
        : onlyChanged
          ? SQL.fundingPrintsChanged
          : SQL.fundingPrints;
  return (await m.query(statement, ids ? [ids] : [])) as { id: string; fingerprint: string }[];
}
