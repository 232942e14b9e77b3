import { LocalDate, NotFoundError } from '@zjp/core';
import type { Queryable } from '@zjp/database';
import { type Principal, oversightOf } from '@zjp/platform';
import type { ContractStatus, ContractTerms, ContractType } from '../domain';
import { anyOverseen, findContract } from './contracts.repository';

/** A contract as loaded, with the names the views and the document need. */
export interface ContractRow {
  id: string;
  /** YYYY-RRRRRR-NNNNNN, assigned when the contract is created */
  contractNumber: string;
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

/** The contract, locked first when `lock` (FOR UPDATE). */
export async function loadContract(m: Queryable, id: string, options: { lock?: boolean } = {}): Promise<ContractRow | null> {
  return findContract(m, id, options);
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
export async function loadVisible(m: Queryable, actor: Principal, id: string, options: { lock?: boolean } = {}): Promise<ContractRow> {
  const c = await loadContract(m, id, options);
  if (!c || (!partyOf(actor, c) && !(await overseesParty(m, actor, c)))) throw new NotFoundError('CONTRACT_NOT_FOUND', 'No such contract');
  return c;
}

/** The operator sees every contract; an authority those with a party in its region (jurisdiction). */
export async function overseesParty(m: Queryable, actor: Principal, c: Pick<ContractRow, 'sellerId' | 'buyerId'>): Promise<boolean> {
  if (!isContractAdministrator(actor)) return false;
  return anyOverseen(m, [c.sellerId, c.buyerId], await oversightOf(m, actor));
}

/** The day fees start counting: the day it took effect; for use-first, the day the enterprise converted. */
export function feeStartOf(c: Pick<ContractRow, 'type' | 'tookEffectOn' | 'convertedOn'>): LocalDate | null {
  if (c.type === 'use_first') return c.convertedOn ? LocalDate.parse(c.convertedOn) : null;
  return c.tookEffectOn ? LocalDate.parse(c.tookEffectOn) : null;
}
