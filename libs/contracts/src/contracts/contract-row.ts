import { LocalDate, NotFoundError } from '@zjp/core';
import { type Principal, overseesSql, oversightOf } from '@zjp/platform';
import type { EntityManager } from 'typeorm';
import type { ContractStatus, ContractTerms, ContractType } from '../domain';

/** A contract as loaded, with the names the views and the document need. */
export interface ContractRow {
  id: string;
  type: ContractType;
  source: 'auction' | 'fixed_price' | 'negotiated' | 'free_license' | 'drafted';
  dealId: string | null;
  freeLicenseApplicationId: string | null;
  achievementId: string;
  achievementTitle: string;
  sellerId: string;
  sellerName: string;
  buyerId: string;
  buyerName: string;
  buyerSme: boolean;
  title: string;
  status: ContractStatus;
  version: number;
  terms: ContractTerms;
  priceFen: string;
  depositFen: string;
  signedAt: Date | null;
  tookEffectOn: string | null;
  signedTermsSha256: string | null;
  effectRecordedAt: Date | null;
  depositAppliedAt: Date | null;
  trialEndsOn: string | null;
  convertedOn: string | null;
  registrationNumber: string | null;
  registeredOn: string | null;
  registry: string | null;
  registeredBy: string | null;
  registeredAt: Date | null;
  completedAt: Date | null;
  terminatedAt: Date | null;
  terminationKind: string | null;
  terminationReason: string | null;
  defaultRecordedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const date = (column: string, alias: string) => `to_char(${column}, 'YYYY-MM-DD') AS "${alias}"`;

export const CONTRACT_SELECT = `SELECT c.id, c.type, c.source, c.deal_id AS "dealId", c.free_license_application_id AS "freeLicenseApplicationId",
  c.achievement_id AS "achievementId", a.title AS "achievementTitle", c.seller_id AS "sellerId", s.name AS "sellerName",
  c.buyer_id AS "buyerId", b.name AS "buyerName", b.sme AS "buyerSme", c.title, c.status, c.version, c.terms,
  c.price_fen::text AS "priceFen", c.deposit_fen::text AS "depositFen", c.signed_at AS "signedAt", ${date('c.took_effect_on', 'tookEffectOn')},
  c.signed_terms_sha256 AS "signedTermsSha256", c.effect_recorded_at AS "effectRecordedAt", c.deposit_applied_at AS "depositAppliedAt",
  ${date('c.trial_ends_on', 'trialEndsOn')}, ${date('c.converted_on', 'convertedOn')}, c.registration_number AS "registrationNumber",
  ${date('c.registered_on', 'registeredOn')}, c.registry, c.registered_by AS "registeredBy", c.registered_at AS "registeredAt",
  c.completed_at AS "completedAt", c.terminated_at AS "terminatedAt", c.termination_kind AS "terminationKind",
  c.termination_reason AS "terminationReason", c.default_recorded_at AS "defaultRecordedAt", c.created_at AS "createdAt", c.updated_at AS "updatedAt"
  FROM contracts c JOIN achievement_directory a ON a.id = c.achievement_id JOIN organization_directory s ON s.id = c.seller_id JOIN organization_directory b ON b.id = c.buyer_id`;

export async function loadContract(m: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<ContractRow | null> {
  if (options.lock) await m.query(`SELECT 1 FROM contracts WHERE id = $1 FOR UPDATE`, [id]);
  const rows = (await m.query(`${CONTRACT_SELECT} WHERE c.id = $1`, [id])) as ContractRow[];
  return rows[0] ?? null;
}

export const isContractAdministrator = (p: Principal): boolean => p.roles.includes('platform_admin') || p.roles.includes('authority_admin');

export type Party = 'seller' | 'buyer';

export function partyOf(p: Principal, c: Pick<ContractRow, 'sellerId' | 'buyerId'>): Party | null {
  if (p.organizationId === c.sellerId) return 'seller';
  if (p.organizationId === c.buyerId) return 'buyer';
  return null;
}

/**
 * Organisation boundary: the parties' users and administrators see a contract; anyone else is
 * told it does not exist (404), so that a third party learns nothing about other deals.
 */
export async function loadVisible(m: EntityManager, actor: Principal, id: string, options: { lock?: boolean } = {}): Promise<ContractRow> {
  const c = await loadContract(m, id, options);
  if (!c || (!partyOf(actor, c) && !(await overseesParty(m, actor, c)))) throw new NotFoundError('CONTRACT_NOT_FOUND', 'No such contract');
  return c;
}

/** The operator sees every contract; an authority those with a party in its region (jurisdiction). */
export async function overseesParty(m: Pick<EntityManager, 'query'>, actor: Principal, c: Pick<ContractRow, 'sellerId' | 'buyerId'>): Promise<boolean> {
  if (!isContractAdministrator(actor)) return false;
  const readable = overseesSql(await oversightOf(m, actor), 'o', 2);
  const rows = (await m.query(`SELECT 1 FROM organization_directory o WHERE o.id = ANY($1::uuid[]) AND ${readable.sql}`, [[c.sellerId, c.buyerId], ...readable.params])) as unknown[];
  return rows.length > 0;
}

/** The day fees start counting: the day it took effect; for use-first, the day the enterprise converted. */
export function feeStartOf(c: Pick<ContractRow, 'type' | 'tookEffectOn' | 'convertedOn'>): LocalDate | null {
  if (c.type === 'use_first') return c.convertedOn ? LocalDate.parse(c.convertedOn) : null;
  return c.tookEffectOn ? LocalDate.parse(c.tookEffectOn) : null;
}
