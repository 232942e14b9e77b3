import { queries, type Queryable } from '@zjp/database';
import type { ReadableOrgs } from '../access';

const SELECT = `SELECT id, enterprise_id AS "enterpriseId", platform_id AS "platformId", mode, purpose, agreement_number AS "agreementNumber", amount_fen::text AS "amountFen",
  to_char(received_on, 'YYYY-MM-DD') AS "receivedOn", documents, status, declared_at AS "declaredAt", decided_at AS "decidedAt", decision_reason AS "decisionReason" FROM research_fundings`;

/** Research fundings (P-DON's base): declared by an enterprise, confirmed or rejected by the receiving platform. */
const SQL = queries(__filename, {
  organizationType: `SELECT type FROM organization_directory WHERE id = $1`,
  insert: `
    INSERT INTO research_fundings (id, enterprise_id, platform_id, mode, purpose, agreement_number, amount_fen, received_on, documents, declared_by, declared_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
  lock: `SELECT platform_id, status FROM research_fundings WHERE id = $1 FOR UPDATE`,
  decide: `UPDATE research_fundings SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1`,
  find: `${SELECT} WHERE id = $1`,
  // The reader's organisation and region prefix (both null for the operator), as access.readableOrgs gives them.
  anyReadable: `
    SELECT 1 FROM organization_directory o
     WHERE o.id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR o.id = $2 OR ($3::text IS NOT NULL AND o.region_code LIKE $3 || '%'))`,
  listReadable: `
    ${SELECT} WHERE EXISTS (SELECT 1 FROM organization_directory o WHERE o.id IN (enterprise_id, platform_id)
       AND ($1::uuid IS NULL OR o.id = $1 OR ($2::text IS NOT NULL AND o.region_code LIKE $2 || '%')))
     ORDER BY declared_at DESC, id DESC LIMIT $3 OFFSET $4`,
  countReadable: `
    SELECT count(*)::int AS total FROM research_fundings WHERE EXISTS (SELECT 1 FROM organization_directory o WHERE o.id IN (enterprise_id, platform_id)
       AND ($1::uuid IS NULL OR o.id = $1 OR ($2::text IS NOT NULL AND o.region_code LIKE $2 || '%')))`,
});

export interface ResearchFundingRow {
  id: string;
  enterpriseId: string;
  platformId: string;
  mode: string;
  purpose: string;
  agreementNumber: string | null;
  amountFen: string;
  receivedOn: string;
  documents: unknown[];
  status: string;
  declaredAt: Date;
  decidedAt: Date | null;
  decisionReason: string | null;
}

export interface NewResearchFunding {
  id: string;
  enterpriseId: string;
  platformId: string;
  mode: string;
  purpose: string;
  agreementNumber: string | null;
  amountFen: string;
  receivedOn: string;
  documents: unknown;
  declaredBy: string;
  declaredAt: Date;
}

/** The organisation's type (identity's published organization_directory); undefined for an unknown one. */
export async function organizationType(m: Queryable, id: string): Promise<string | undefined> {
  const [org] = (await m.query(SQL.organizationType, [id])) as { type: string }[];
  return org?.type;
}

export async function insertResearchFunding(m: Queryable, f: NewResearchFunding): Promise<void> {
  await m.query(SQL.insert, [
    f.id,
    f.enterpriseId,
    f.platformId,
    f.mode,
    f.purpose,
    f.agreementNumber,
    f.amountFen,
    f.receivedOn,
    JSON.stringify(f.documents),
    f.declaredBy,
    f.declaredAt,
  ]);
}

export async function lockResearchFunding(m: Queryable, id: string): Promise<{ platform_id: string; status: string } | undefined> {
  const rows = (await m.query(SQL.lock, [id])) as { platform_id: string; status: string }[];
  return rows[0];
}

export async function decideResearchFunding(m: Queryable, id: string, status: 'confirmed' | 'rejected', by: string, at: Date, reason: string): Promise<void> {
  await m.query(SQL.decide, [id, status, by, at, reason]);
}

export async function findResearchFunding(m: Queryable, id: string): Promise<ResearchFundingRow | undefined> {
  const rows = (await m.query(SQL.find, [id])) as ResearchFundingRow[];
  return rows[0];
}

/** Whether any of these organisations is one the reader may read. */
export async function anyOrganizationReadable(m: Queryable, organizationIds: readonly string[], readable: ReadableOrgs): Promise<boolean> {
  return ((await m.query(SQL.anyReadable, [organizationIds, readable.organizationId, readable.regionPrefix])) as unknown[]).length > 0;
}

/** The newest 500 fundings with a party the reader may read. */
export async function listReadableResearchFundings(
  m: Queryable,
  readable: ReadableOrgs,
  page: { limit: number; offset: number },
): Promise<{ rows: ResearchFundingRow[]; total: number }> {
  const params = [readable.organizationId, readable.regionPrefix];
  const [{ total }] = (await m.query(SQL.countReadable, params)) as { total: number }[];
  return { rows: (await m.query(SQL.listReadable, [...params, page.limit, page.offset])) as ResearchFundingRow[], total };
}
