import { queries, type Queryable } from '@zjp/database';
import type { RegionLevel } from '@zjp/core';
import type { PolicyDocument, PolicyTerms } from '../domain';

const SELECT = `SELECT p.id, p.kind, p.status, p.current_version AS version, p.document_number AS "documentNumber",
    p.budget_fen::text AS "budgetFen", p.reserved_fen::text AS "reservedFen", p.paid_fen::text AS "paidFen", p.created_at AS "createdAt", p.updated_at AS "updatedAt",
    v.name, to_char(v.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(v.effective_to, 'YYYY-MM-DD') AS "effectiveTo", v.document,
    o.id AS "authorityId", o.name AS "authorityName", o.authority_level AS "authorityLevel", o.region_code AS "authorityRegion"
  FROM subsidy_policies p
  JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
  JOIN organization_directory o ON o.id = p.authority_id`;

const LOAD = `SELECT p.id, p.authority_id, p.kind, p.status, p.current_version, p.budget_fen::text AS budget, p.reserved_fen::text AS reserved, p.paid_fen::text AS paid, p.document_number,
         v.name, v.document, o.authority_level, o.region_code
  FROM subsidy_policies p JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version JOIN organization_directory o ON o.id = p.authority_id
  WHERE p.id = $1`;

/** Subsidy policies, their immutable versions, and the budget columns the approvals reserve from. */
const SQL = queries(__filename, {
  withdraw: `UPDATE subsidy_policies SET status = 'withdrawn', withdrawn_at = $2, updated_at = $2 WHERE id = $1`,
  lockByDocumentNumber: `SELECT id FROM subsidy_policies WHERE authority_id = $1 AND document_number = $2 FOR UPDATE`,
  ofAuthority: `${SELECT} WHERE p.authority_id = $1 AND ($2::uuid IS NULL OR p.id = $2) ORDER BY p.created_at`,
  findView: `${SELECT} WHERE p.id = $1`,
  list: `${SELECT} WHERE ($1::uuid IS NULL OR p.authority_id = $1) AND ($2::text IS NULL OR p.kind = $2) AND ($3::text IS NULL OR p.status = $3)
         AND ($4::date IS NULL OR (v.effective_from <= $4 AND (v.effective_to IS NULL OR v.effective_to >= $4)))
       ORDER BY o.region_code, p.created_at, p.id LIMIT $5 OFFSET $6`,
  count: `SELECT count(*)::int AS total FROM subsidy_policies p
  JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
  WHERE ($1::uuid IS NULL OR p.authority_id = $1) AND ($2::text IS NULL OR p.kind = $2) AND ($3::text IS NULL OR p.status = $3)
         AND ($4::date IS NULL OR (v.effective_from <= $4 AND (v.effective_to IS NULL OR v.effective_to >= $4)))`,
  versions: `
    SELECT v.version, v.name, to_char(v.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(v.effective_to, 'YYYY-MM-DD') AS "effectiveTo", v.document,
           v.change_reason AS "changeReason", v.created_by AS "createdBy", u.display_name AS "createdByName", v.created_at AS "createdAt"
    FROM subsidy_policy_versions v LEFT JOIN user_directory u ON u.id = v.created_by
    WHERE v.policy_id = $1 ORDER BY v.version DESC LIMIT $2 OFFSET $3`,
  versionCount: `SELECT count(*)::int AS total FROM subsidy_policy_versions WHERE policy_id = $1`,
  load: LOAD,
  loadForUpdate: `${LOAD} FOR UPDATE OF p`,
  insert: `INSERT INTO subsidy_policies (id, authority_id, kind, document_number, budget_fen, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
  versionDocument: `SELECT document FROM subsidy_policy_versions WHERE policy_id = $1 AND version = $2`,
  setCurrentVersion: `UPDATE subsidy_policies SET current_version = $2, budget_fen = $3, document_number = $4, updated_at = $5 WHERE id = $1`,
  insertVersion: `
    INSERT INTO subsidy_policy_versions (policy_id, version, name, effective_from, effective_to, document, change_reason, created_by, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
  lock: `SELECT authority_id, kind, status, current_version, reserved_fen::text AS reserved, paid_fen::text AS paid FROM subsidy_policies WHERE id = $1 FOR UPDATE`,
});

export interface PolicyRow {
  id: string;
  kind: string;
  status: string;
  version: number;
  documentNumber: string;
  budgetFen: string;
  reservedFen: string;
  paidFen: string;
  createdAt: Date;
  updatedAt: Date;
  name: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  document: PolicyDocument;
  authorityId: string;
  authorityName: string;
  authorityLevel: RegionLevel;
  authorityRegion: string;
}

export interface PolicyVersionRow {
  version: number;
  name: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  document: PolicyDocument;
  changeReason: string | null;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
}

export interface PolicyTermsRow {
  id: string;
  authority_id: string;
  kind: PolicyTerms['kind'];
  status: string;
  current_version: number;
  budget: string;
  reserved: string;
  paid: string;
  document_number: string;
  name: string;
  document: PolicyDocument;
  authority_level: RegionLevel;
  region_code: string;
}

export interface LockedPolicy {
  authority_id: string;
  kind: string;
  status: string;
  current_version: number;
  reserved: string;
  paid: string;
}

export async function markWithdrawn(m: Queryable, id: string, at: Date): Promise<void> {
  await m.query(SQL.withdraw, [id, at]);
}

/** The authority's policy with this document number, locked; undefined when there is none. */
export async function lockIdByDocumentNumber(m: Queryable, authorityId: string, documentNumber: string): Promise<string | undefined> {
  const rows = (await m.query(SQL.lockByDocumentNumber, [authorityId, documentNumber])) as { id: string }[];
  return rows[0]?.id;
}

/** The authority's policies (or the one named), oldest first. */
export async function policyRowsOfAuthority(m: Queryable, authorityId: string, policyId: string | null): Promise<PolicyRow[]> {
  return (await m.query(SQL.ofAuthority, [authorityId, policyId])) as PolicyRow[];
}

export async function findPolicyRow(m: Queryable, id: string): Promise<PolicyRow | undefined> {
  const rows = (await m.query(SQL.findView, [id])) as PolicyRow[];
  return rows[0];
}

export async function listPolicyRows(
  m: Queryable,
  f: { authorityId: string | null; kind: string | null; status: string | null; inForceOn: string | null },
  page: { limit: number; offset: number },
): Promise<{ rows: PolicyRow[]; total: number }> {
  const params = [f.authorityId, f.kind, f.status, f.inForceOn];
  const [{ total }] = (await m.query(SQL.count, params)) as { total: number }[];
  return { rows: (await m.query(SQL.list, [...params, page.limit, page.offset])) as PolicyRow[], total };
}

/** A policy's versions, newest first. */
export async function policyVersions(m: Queryable, id: string, page: { limit: number; offset: number }): Promise<{ rows: PolicyVersionRow[]; total: number }> {
  const [{ total }] = (await m.query(SQL.versionCount, [id])) as { total: number }[];
  return { rows: (await m.query(SQL.versions, [id, page.limit, page.offset])) as PolicyVersionRow[], total };
}

/** The current version's terms with the authority's level and region (to parse them); `forUpdate` locks the budget row. */
export async function findPolicyTerms(m: Queryable, id: string, forUpdate: boolean): Promise<PolicyTermsRow | undefined> {
  const rows = (await m.query(forUpdate ? SQL.loadForUpdate : SQL.load, [id])) as PolicyTermsRow[];
  return rows[0];
}

/** Inserts a policy; the unique index on (authority, document number) refuses a duplicate (the caller maps it). */
export async function insertPolicy(
  m: Queryable,
  p: { id: string; authorityId: string; kind: string; documentNumber: string; budgetFen: bigint; createdBy: string; at: Date },
): Promise<void> {
  await m.query(SQL.insert, [p.id, p.authorityId, p.kind, p.documentNumber, p.budgetFen.toString(), p.createdBy, p.at]);
}

export async function versionDocument(m: Queryable, id: string, version: number): Promise<PolicyDocument | undefined> {
  const rows = (await m.query(SQL.versionDocument, [id, version])) as { document: PolicyDocument }[];
  return rows[0]?.document;
}

export async function setCurrentVersion(m: Queryable, id: string, version: number, budgetFen: bigint, documentNumber: string, at: Date): Promise<void> {
  await m.query(SQL.setCurrentVersion, [id, version, budgetFen.toString(), documentNumber, at]);
}

export async function insertPolicyVersion(
  m: Queryable,
  id: string,
  version: number,
  document: PolicyDocument,
  reason: string | null,
  createdBy: string,
  at: Date,
): Promise<void> {
  await m.query(SQL.insertVersion, [
    id,
    version,
    document.name,
    document.effectiveFrom,
    document.effectiveTo ?? null,
    JSON.stringify(document),
    reason,
    createdBy,
    at,
  ]);
}

export async function lockPolicy(m: Queryable, id: string): Promise<LockedPolicy | undefined> {
  const rows = (await m.query(SQL.lock, [id])) as LockedPolicy[];
  return rows[0];
}
