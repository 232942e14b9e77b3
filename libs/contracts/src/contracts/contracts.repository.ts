import { queries, type Queryable } from '@zjp/database';
import type { Oversight } from '@zjp/platform';
import type { ContractStatus, ContractTerms, ContractType } from '../domain';
import type { ContractListItem, SignatureView } from './contract.views';
import type { ContractRow } from './contract-row';

const date = (column: string, alias: string) => `to_char(${column}, 'YYYY-MM-DD') AS "${alias}"`;

const CONTRACT_SELECT = `SELECT c.id, c.contract_number AS "contractNumber", c.type, c.source, c.deal_id AS "dealId", c.free_license_application_id AS "freeLicenseApplicationId",
  c.achievement_id AS "achievementId", a.title AS "achievementTitle", c.seller_id AS "sellerId", s.name AS "sellerName",
  c.buyer_id AS "buyerId", b.name AS "buyerName", b.sme AS "buyerSme", c.title, c.status, c.version, c.terms,
  c.price_fen::text AS "priceFen", c.deposit_fen::text AS "depositFen", c.signed_at AS "signedAt", ${date('c.took_effect_on', 'tookEffectOn')},
  c.signed_terms_sha256 AS "signedTermsSha256", c.effect_recorded_at AS "effectRecordedAt", c.deposit_applied_at AS "depositAppliedAt",
  ${date('c.trial_ends_on', 'trialEndsOn')}, ${date('c.converted_on', 'convertedOn')}, c.registration_number AS "registrationNumber",
  ${date('c.registered_on', 'registeredOn')}, c.registry, c.registered_by AS "registeredBy", c.registered_at AS "registeredAt",
  c.completed_at AS "completedAt", c.terminated_at AS "terminatedAt", c.termination_kind AS "terminationKind",
  c.termination_reason AS "terminationReason", c.default_recorded_at AS "defaultRecordedAt", c.created_at AS "createdAt", c.updated_at AS "updatedAt"
  FROM contracts c JOIN achievement_directory a ON a.id = c.achievement_id JOIN organization_directory s ON s.id = c.seller_id JOIN organization_directory b ON b.id = c.buyer_id`;

/** Jurisdiction over organization_directory o: $n null = all; else the organisation itself or its region (prefix $n+1). */
const oversees = (alias: string, first: number) =>
  `($${first}::uuid IS NULL OR ${alias}.id = $${first} OR ($${first + 1}::text IS NOT NULL AND ${alias}.region_code LIKE $${first + 1} || '%'))`;

/** Contracts, their versions of the terms, their signatures and the signed document. */
const SQL = queries(__filename, {
  achievementToDraft: `SELECT holder_id, title, registration_status FROM achievement_directory WHERE id = $1`,
  buyerToDraft: `SELECT type, sme FROM organization_directory WHERE id = $1`,
  partyDetails: `
    SELECT id, credit_code AS "creditCode", region_code AS "regionCode", type AS "organizationType", holder_category AS "holderCategory", sme
      FROM organization_directory WHERE id = ANY($1::uuid[])`,
  dealDraftNames: `SELECT a.title, b.sme FROM achievement_directory a CROSS JOIN organization_directory b WHERE a.id = $1 AND b.id = $2`,
  lockContract: `SELECT 1 FROM contracts WHERE id = $1 FOR UPDATE`,
  selectContract: `${CONTRACT_SELECT} WHERE c.id = $1`,
  anyPartyOverseen: `SELECT 1 FROM organization_directory o WHERE o.id = ANY($1::uuid[]) AND ${oversees('o', 2)}`,
  idByDeal: `SELECT id FROM contracts WHERE deal_id = $1`,
  idByFreeLicense: `SELECT id FROM contracts WHERE free_license_application_id = $1`,
  insertContract: `
    INSERT INTO contracts (id, type, source, deal_id, free_license_application_id, achievement_id, seller_id, buyer_id, title, terms, price_fen, deposit_fen, created_by, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) ON CONFLICT DO NOTHING RETURNING id`,
  insertVersion: `INSERT INTO contract_versions (contract_id, version, terms, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
  amendTerms: `UPDATE contracts SET terms = $2, version = $3, status = 'draft', updated_at = $4 WHERE id = $1`,
  submit: `UPDATE contracts SET status = 'awaiting_signatures', updated_at = $2 WHERE id = $1`,
  insertSignature: `
    INSERT INTO contract_signatures (contract_id, version, party, organization_id, user_id, signed_at, terms_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT DO NOTHING RETURNING party`,
  signatures: `
    SELECT s.party, s.version, s.organization_id AS "organizationId", s.user_id AS "userId", u.display_name AS "signerName", s.signed_at AS "signedAt",
           s.terms_sha256 AS "termsSha256"
      FROM contract_signatures s JOIN user_directory u ON u.id = s.user_id
     WHERE s.contract_id = $1 AND ($2::int IS NULL OR s.version = $2) ORDER BY s.version, s.party = 'buyer', s.signed_at`,
  markSigned: `UPDATE contracts SET status = 'signed', signed_at = $2, took_effect_on = $3, signed_terms_sha256 = $4, trial_ends_on = $5, updated_at = $2 WHERE id = $1`,
  insertDocument: `INSERT INTO contract_documents (contract_id, version, sha256, pdf, created_at) VALUES ($1, $2, $3, $4, $5)`,
  documentSha256: `SELECT sha256 FROM contract_documents WHERE contract_id = $1`,
  document: `SELECT pdf, sha256, version FROM contract_documents WHERE contract_id = $1`,
  markDepositApplied: `UPDATE contracts SET deposit_applied_at = $2 WHERE id = $1 AND deposit_applied_at IS NULL`,
  markEffectRecorded: `UPDATE contracts SET effect_recorded_at = $2 WHERE id = $1 AND effect_recorded_at IS NULL`,
  markDefaultRecorded: `UPDATE contracts SET default_recorded_at = $2 WHERE id = $1 AND default_recorded_at IS NULL`,
  register: `
    UPDATE contracts SET status = 'registered', registration_number = $2, registered_on = $3, registry = $4, registered_by = $5, registered_at = $6, updated_at = $6
     WHERE id = $1`,
  convert: `UPDATE contracts SET converted_on = $2, updated_at = $3 WHERE id = $1`,
  terminate: `
    UPDATE contracts SET status = 'terminated', terminated_at = $2, termination_kind = $3, termination_reason = $4, terminated_by = $5, updated_at = $2
     WHERE id = $1`,
  advancePerformance: `
    UPDATE contracts SET status = $2, completed_at = CASE WHEN $2 = 'completed' THEN $3::timestamptz ELSE completed_at END, updated_at = $3 WHERE id = $1`,
  list: `
    SELECT c.id, c.contract_number AS "contractNumber", c.type, c.title, c.status, c.seller_id AS "sellerId", c.buyer_id AS "buyerId", c.achievement_id AS "achievementId", c.deal_id AS "dealId",
           c.registration_number AS "registrationNumber", c.created_at AS "createdAt"
      FROM contracts c
     WHERE CASE WHEN $1::boolean
                THEN EXISTS (SELECT 1 FROM organization_directory o WHERE o.id IN (c.seller_id, c.buyer_id) AND ${oversees('o', 4)})
                ELSE CASE $3::text WHEN 'seller' THEN c.seller_id = $2::uuid WHEN 'buyer' THEN c.buyer_id = $2::uuid ELSE (c.seller_id = $2::uuid OR c.buyer_id = $2::uuid) END
           END
       AND ($6::text IS NULL OR c.status::text = $6)
     ORDER BY CASE WHEN $9 = 'title' AND $10 = 'asc' THEN c.title END ASC, CASE WHEN $9 = 'title' AND $10 = 'desc' THEN c.title END DESC,
              CASE WHEN $10 = 'asc' THEN c.created_at END ASC, c.created_at DESC, c.id DESC
     LIMIT $7 OFFSET $8`,
  count: `
    SELECT count(*)::int AS total
      FROM contracts c
     WHERE CASE WHEN $1::boolean
                THEN EXISTS (SELECT 1 FROM organization_directory o WHERE o.id IN (c.seller_id, c.buyer_id) AND ${oversees('o', 4)})
                ELSE CASE $3::text WHEN 'seller' THEN c.seller_id = $2::uuid WHEN 'buyer' THEN c.buyer_id = $2::uuid ELSE (c.seller_id = $2::uuid OR c.buyer_id = $2::uuid) END
           END
       AND ($6::text IS NULL OR c.status::text = $6)`,
  signedUnfinished: `SELECT id FROM contracts WHERE signed_at IS NOT NULL AND (effect_recorded_at IS NULL OR deposit_applied_at IS NULL) LIMIT 500`,
  trialsEnded: `
    SELECT id FROM contracts
     WHERE type = 'use_first' AND converted_on IS NULL AND trial_ends_on < $1 AND status IN ('signed', 'registered', 'in_performance') LIMIT 500`,
  defaultsUnrecorded: `SELECT id, deal_id, termination_reason FROM contracts WHERE termination_kind = 'buyer_default' AND default_recorded_at IS NULL LIMIT 500`,
  performing: `SELECT id FROM contracts WHERE status IN ('registered', 'in_performance') LIMIT 2000`,
  dealsWithoutContract: `
    SELECT d.id FROM deal_directory d
     WHERE d.status = 'awaiting_contract' AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.deal_id = d.id)
     ORDER BY d.concluded_at LIMIT 500`,
  freeLicensesWithoutContract: `
    SELECT f.id FROM free_license_directory f
     WHERE f.status = 'approved' AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.free_license_application_id = f.id) LIMIT 500`,
});

/** Oversight as the two parameters of the jurisdiction condition. */
const oversightParams = (o: Oversight): [string | null, string | null] =>
  o.kind === 'all' ? [null, null] : [o.organizationId, o.kind === 'region' ? o.prefix : null];

/** The achievement a holder drafts a contract for (achievement_directory, achievements' read model); empty when unknown. */
export async function achievementToDraft(m: Queryable, id: string): Promise<{ holder_id: string; title: string; registration_status: string }[]> {
  return (await m.query(SQL.achievementToDraft, [id])) as { holder_id: string; title: string; registration_status: string }[];
}

/** The prospective buyer (organization_directory, identity's read model); empty when unknown. */
export async function buyerToDraft(m: Queryable, id: string): Promise<{ type: string; sme: boolean }[]> {
  return (await m.query(SQL.buyerToDraft, [id])) as { type: string; sme: boolean }[];
}

/** A deal's draft needs the achievement's title and whether the buyer is a small or micro enterprise (both read models); undefined when either is unknown. */
export async function dealDraftNames(m: Queryable, achievementId: string, buyerId: string): Promise<{ title: string; sme: boolean } | undefined> {
  return ((await m.query(SQL.dealDraftNames, [achievementId, buyerId])) as { title: string; sme: boolean }[])[0];
}

/** The contract with its parties' and achievement's names; `lock` takes its row lock first (FOR UPDATE). */
export async function findContract(m: Queryable, id: string, options: { lock?: boolean } = {}): Promise<ContractRow | null> {
  if (options.lock) await m.query(SQL.lockContract, [id]);
  const rows = (await m.query(SQL.selectContract, [id])) as ContractRow[];
  return rows[0] ?? null;
}

/** Whether the oversight covers one of the organisations. */
export async function anyOverseen(m: Queryable, organizationIds: string[], o: Oversight): Promise<boolean> {
  return ((await m.query(SQL.anyPartyOverseen, [organizationIds, ...oversightParams(o)])) as unknown[]).length > 0;
}

export async function contractIdByDeal(m: Queryable, dealId: string): Promise<string | null> {
  return ((await m.query(SQL.idByDeal, [dealId])) as { id: string }[])[0]?.id ?? null;
}

export async function contractIdByFreeLicense(m: Queryable, applicationId: string): Promise<string | null> {
  return ((await m.query(SQL.idByFreeLicense, [applicationId])) as { id: string }[])[0]?.id ?? null;
}

export interface NewContract {
  id: string;
  type: ContractType;
  source: ContractRow['source'];
  dealId: string | null;
  applicationId: string | null;
  achievementId: string;
  sellerId: string;
  buyerId: string;
  title: string;
  terms: ContractTerms;
  priceFen: string;
  depositFen: string;
  createdBy: string | null;
  createdAt: Date;
}

/** The parties' registration details (organization_directory), by id. */
export async function partyDetails(
  m: Queryable,
  ids: string[],
): Promise<Map<string, { creditCode: string | null; regionCode: string; organizationType: string; holderCategory: string | null; sme: boolean }>> {
  const rows = (await m.query(SQL.partyDetails, [ids])) as {
    id: string;
    creditCode: string | null;
    regionCode: string;
    organizationType: string;
    holderCategory: string | null;
    sme: boolean;
  }[];
  return new Map(rows.map(({ id, ...r }) => [id, r]));
}

/** Inserts the contract; false when one exists already for the deal or the application (a concurrent draft). */
export async function insertContract(m: Queryable, x: NewContract): Promise<boolean> {
  const inserted = (await m.query(SQL.insertContract, [
    x.id,
    x.type,
    x.source,
    x.dealId,
    x.applicationId,
    x.achievementId,
    x.sellerId,
    x.buyerId,
    x.title,
    JSON.stringify(x.terms),
    x.priceFen,
    x.depositFen,
    x.createdBy,
    x.createdAt,
  ])) as { id: string }[];
  return inserted.length > 0;
}

export async function insertVersion(
  m: Queryable,
  contractId: string,
  version: number,
  terms: ContractTerms,
  note: string | null,
  createdBy: string | null,
  at: Date,
): Promise<void> {
  await m.query(SQL.insertVersion, [contractId, version, JSON.stringify(terms), note, createdBy, at]);
}

/** The new version of the terms becomes current, back in draft. */
export async function amendTerms(m: Queryable, id: string, terms: ContractTerms, version: number, at: Date): Promise<void> {
  await m.query(SQL.amendTerms, [id, JSON.stringify(terms), version, at]);
}

export async function markAwaitingSignatures(m: Queryable, id: string, at: Date): Promise<void> {
  await m.query(SQL.submit, [id, at]);
}

export interface NewSignature {
  contractId: string;
  version: number;
  party: 'seller' | 'buyer';
  organizationId: string | null;
  userId: string;
  signedAt: Date;
  termsSha256: string;
}

/** Records the party's signature of the version; false when that party signed it already. */
export async function insertSignature(m: Queryable, s: NewSignature): Promise<boolean> {
  const rows = (await m.query(SQL.insertSignature, [s.contractId, s.version, s.party, s.organizationId, s.userId, s.signedAt, s.termsSha256])) as unknown[];
  return rows.length > 0;
}

/** The signatures (of one version, or all), seller first. */
export async function signaturesOf(m: Queryable, contractId: string, version?: number): Promise<SignatureView[]> {
  return (await m.query(SQL.signatures, [contractId, version ?? null])) as SignatureView[];
}

export async function markSigned(
  m: Queryable,
  id: string,
  x: { at: Date; tookEffectOn: string; termsSha256: string; trialEndsOn: string | null },
): Promise<void> {
  await m.query(SQL.markSigned, [id, x.at, x.tookEffectOn, x.termsSha256, x.trialEndsOn]);
}

export async function insertSignedDocument(m: Queryable, contractId: string, version: number, sha256: string, pdf: Buffer, at: Date): Promise<void> {
  await m.query(SQL.insertDocument, [contractId, version, sha256, pdf, at]);
}

export async function signedDocumentSha256(m: Queryable, contractId: string): Promise<string | null> {
  return ((await m.query(SQL.documentSha256, [contractId])) as { sha256: string }[])[0]?.sha256 ?? null;
}

export async function signedDocument(m: Queryable, contractId: string): Promise<{ pdf: Buffer; sha256: string; version: number } | null> {
  return ((await m.query(SQL.document, [contractId])) as { pdf: Buffer; sha256: string; version: number }[])[0] ?? null;
}

export async function markDepositApplied(m: Queryable, id: string, at: Date): Promise<void> {
  await m.query(SQL.markDepositApplied, [id, at]);
}

export async function markEffectRecorded(m: Queryable, id: string, at: Date): Promise<void> {
  await m.query(SQL.markEffectRecorded, [id, at]);
}

export async function markDefaultRecorded(m: Queryable, id: string, at: Date): Promise<void> {
  await m.query(SQL.markDefaultRecorded, [id, at]);
}

export async function markRegistered(
  m: Queryable,
  id: string,
  x: { number: string; registeredOn: string; registry: string; by: string; at: Date },
): Promise<void> {
  await m.query(SQL.register, [id, x.number, x.registeredOn, x.registry, x.by, x.at]);
}

export async function markConverted(m: Queryable, id: string, on: string, at: Date): Promise<void> {
  await m.query(SQL.convert, [id, on, at]);
}

export async function markTerminated(m: Queryable, id: string, x: { at: Date; kind: string; reason: string; by: string | null }): Promise<void> {
  await m.query(SQL.terminate, [id, x.at, x.kind, x.reason, x.by]);
}

/** One performance step (in_performance or completed; completed_at set with the latter). */
export async function advancePerformance(m: Queryable, id: string, status: ContractStatus, at: Date): Promise<void> {
  await m.query(SQL.advancePerformance, [id, status, at]);
}

/** One page of a party's contracts (by role), or for an administrator those its oversight covers; newest first unless sorted; and how many there are. */
export async function listContracts(
  m: Queryable,
  scope: { administrator: true; oversight: Oversight } | { administrator: false; organizationId: string | null; role?: 'seller' | 'buyer' },
  status: string | undefined,
  page: { limit: number; offset: number; sort?: 'createdAt' | 'title'; order?: 'asc' | 'desc' },
): Promise<{ items: ContractListItem[]; total: number }> {
  const [overseer, prefix] = scope.administrator ? oversightParams(scope.oversight) : [null, null];
  const params = scope.administrator
    ? [true, null, null, overseer, prefix, status ?? null]
    : [false, scope.organizationId, scope.role ?? null, null, null, status ?? null];
  const [{ total }] = (await m.query(SQL.count, params)) as { total: number }[];
  const items = (await m.query(SQL.list, [...params, page.limit, page.offset, page.sort ?? 'createdAt', page.order ?? 'desc'])) as ContractListItem[];
  return { items, total };
}

const ids = async (m: Queryable, sql: string, params: unknown[] = []): Promise<string[]> => ((await m.query(sql, params)) as { id: string }[]).map((r) => r.id);

/** Signed contracts whose follow-up (deposit applied, effect recorded) did not finish. */
export const signedUnfinished = (m: Queryable): Promise<string[]> => ids(m, SQL.signedUnfinished);

/** Use-first contracts whose trial ended before `today` without conversion, still alive. */
export const trialsEndedBefore = (m: Queryable, today: string): Promise<string[]> => ids(m, SQL.trialsEnded, [today]);

/** Deals awaiting a contract that have none yet (deal_directory, the market's read model), oldest first. */
export const dealsWithoutContract = (m: Queryable): Promise<string[]> => ids(m, SQL.dealsWithoutContract);

/** Approved free-licence applications (free_license_directory, achievements' read model) that have no contract yet. */
export const freeLicensesWithoutContract = (m: Queryable): Promise<string[]> => ids(m, SQL.freeLicensesWithoutContract);

export const performingContracts = (m: Queryable): Promise<string[]> => ids(m, SQL.performing);

/** Buyer defaults whose deal default is not yet recorded. */
export async function unrecordedDefaults(m: Queryable): Promise<{ id: string; deal_id: string; termination_reason: string }[]> {
  return (await m.query(SQL.defaultsUnrecorded)) as { id: string; deal_id: string; termination_reason: string }[];
}
