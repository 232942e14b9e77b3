import { ForbiddenError, regionCovers, type RegionLevel } from '@zjp/core';
import { oversightOf, type Principal } from '@zjp/platform';
import type { EntityManager } from 'typeorm';
import { findAuthority } from './authorities.repository';

export interface Authority {
  id: string;
  name: string;
  level: RegionLevel;
  regionCode: string;
}

type Query = Pick<EntityManager, 'query'>;

/** The authority (government body) an administrator acts for: their own organisation. */
export async function authorityOf(db: Query, actor: Principal): Promise<Authority> {
  const authority = await findAuthority(db, actor.organizationId);
  if (!authority || !actor.roles.includes('authority_admin')) {
    throw new ForbiddenError('NOT_AN_AUTHORITY', 'Only an authority administrator manages subsidy policies and applications');
  }
  return authority;
}

export const isPlatformAdmin = (p: Principal): boolean => p.roles.includes('platform_admin');

/** Policies and applications are handled by the issuing authority's own administrators. */
export function assertOwnAuthority(actor: Principal, authorityId: string): void {
  if (actor.roles.includes('authority_admin') && actor.organizationId === authorityId) return;
  throw new ForbiddenError('ORGANIZATION_BOUNDARY', "You may only act on your own authority's subsidy policies and applications");
}

/** Reading (reports, batches): the authority itself, an authority above it in the region hierarchy, or the operator. */
export async function mayReadAuthority(db: Query, actor: Principal, authority: { id: string; regionCode: string }): Promise<boolean> {
  if (isPlatformAdmin(actor) || actor.organizationId === authority.id) return true;
  if (!actor.roles.includes('authority_admin')) return false;
  const own = await authorityOf(db, actor);
  return regionCovers(own.regionCode, authority.regionCode);
}

/** The organisations the caller may read, as two parameters of a static statement (both null for the operator); the rule of `overseesSql`. */
export interface ReadableOrgs {
  organizationId: string | null;
  regionPrefix: string | null;
}

export async function readableOrgs(db: Query, p: Principal): Promise<ReadableOrgs> {
  const o = await oversightOf(db, p);
  return o.kind === 'all'
    ? { organizationId: null, regionPrefix: null }
    : { organizationId: o.organizationId, regionPrefix: o.kind === 'region' ? o.prefix : null };
}
