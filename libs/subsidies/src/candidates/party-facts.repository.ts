import { queries, type Queryable } from '@zjp/database';
import type { PartyFacts } from '../domain';

/** Organisations as eligibility reads them (identity's published organization_directory) with this context's 高新技术企业 certificates. */
const SQL = queries(__filename, {
  selectMany: `
    SELECT o.id, o.type, o.region_code, o.holder_category, o.high_level_platform, o.sme,
           (SELECT coalesce(json_agg(json_build_array(to_char(h.issued_on, 'YYYY-MM-DD'), to_char(h.expires_on, 'YYYY-MM-DD')) ORDER BY h.issued_on, h.expires_on), '[]'::json)
              FROM high_tech_certificates h WHERE h.organization_id = o.id) AS certificates
      FROM organization_directory o WHERE o.id = ANY($1::uuid[])`,
});

export interface PartyRow {
  id: string;
  type: PartyFacts['organizationType'];
  region_code: string;
  holder_category: PartyFacts['holderCategory'];
  high_level_platform: boolean;
  sme: boolean;
  /** [issued on, expires on], YYYY-MM-DD, in that order. */
  certificates: [string, string][];
}

/** The organisations with these ids (missing ones are absent). */
export async function selectParties(m: Queryable, organizationIds: readonly string[]): Promise<PartyRow[]> {
  return (await m.query(SQL.selectMany, [organizationIds])) as PartyRow[];
}
