import { ForbiddenError } from '@zjp/core';
import { oversightOf, oversees, type Principal } from '@zjp/platform';
import { findHolderRegion } from './access.repository';

type Query = { query(sql: string, params?: unknown[]): Promise<unknown> };

export const isAdministrator = (p: Principal): boolean => p.roles.includes('platform_admin') || p.roles.includes('authority_admin');

/** A holder's users act on their own organisation's achievements; the operator on any. */
export function assertActsForHolder(p: Principal, holderId: string): void {
  if (p.roles.includes('platform_admin')) return;
  if (p.organizationId === holderId && (p.roles.includes('holder_admin') || p.roles.includes('holder_member'))) return;
  throw new ForbiddenError('ORGANIZATION_BOUNDARY', "You may only act on your own organisation's achievements");
}

/** Reading a holder's registry (drafts, compliance): its users, the operator, authorities whose region covers it (jurisdiction). */
export async function assertMayReadHolder(db: Query, p: Principal, holderId: string): Promise<void> {
  if (p.organizationId === holderId) return;
  const o = await oversightOf(db, p);
  const holder = await findHolderRegion(db, holderId);
  if (holder && oversees(o, holder)) return;
  throw new ForbiddenError('ORGANIZATION_BOUNDARY', "You may only see your own organisation's registry");
}

/**
 * The organisations the caller may read, as two parameters of a static statement: its own
 * organisation and the region prefix it oversees; both null for the operator, who reads all.
 * A statement checks them as `($a::uuid IS NULL OR o.id = $a OR ($b::text IS NOT NULL AND o.region_code LIKE $b || '%'))`,
 * the same rule as `overseesSql`.
 */
export async function readableOrgs(db: Query, p: Principal): Promise<ReadableOrgs> {
  const o = await oversightOf(db, p);
  return o.kind === 'all'
    ? { organizationId: null, regionPrefix: null }
    : { organizationId: o.organizationId, regionPrefix: o.kind === 'region' ? o.prefix : null };
}

export interface ReadableOrgs {
  organizationId: string | null;
  regionPrefix: string | null;
}
