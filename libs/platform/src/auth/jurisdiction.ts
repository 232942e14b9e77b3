import { regionLevel } from '@zjp/core';
import { selectAuthorityRegion } from './jurisdiction.repository';
import type { Principal } from './roles';

/**
 * Who sees which organisations' data, in one place (README "Access control"):
 * - the platform administrator (market operator) sees every organisation;
 * - an authority administrator sees the organisations registered in its own region and its
 *   sub-regions (GB/T 2260: a province 330000 covers 33xxxx, a city 330600 covers 3306xx, a county
 *   330603 only itself), and nothing outside it;
 * - everyone else sees only their own organisation.
 */
export type Oversight = { kind: 'all' } | { kind: 'region'; prefix: string; organizationId: string } | { kind: 'own'; organizationId: string };

/** The leading digits of the codes an authority at `authorityRegion` oversees. */
export function jurisdictionPrefix(authorityRegion: string): string {
  return authorityRegion.slice(0, { province: 2, city: 4, county: 6 }[regionLevel(authorityRegion)]);
}

export function jurisdictionCovers(authorityRegion: string, regionCode: string): boolean {
  return regionCode.startsWith(jurisdictionPrefix(authorityRegion));
}

type Query = { query(sql: string, params?: unknown[]): Promise<unknown> };

export async function oversightOf(db: Query, actor: Principal): Promise<Oversight> {
  if (actor.roles.includes('platform_admin')) return { kind: 'all' };
  if (actor.roles.includes('authority_admin')) {
    const region = await selectAuthorityRegion(db, actor.organizationId);
    if (region) return { kind: 'region', prefix: jurisdictionPrefix(region), organizationId: actor.organizationId };
  }
  return { kind: 'own', organizationId: actor.organizationId };
}

/** Whether the caller oversees an organisation (its own is always included). */
export function oversees(o: Oversight, org: { id: string; regionCode: string }): boolean {
  if (o.kind === 'all') return true;
  if (org.id === o.organizationId) return true;
  return o.kind === 'region' && org.regionCode.startsWith(o.prefix);
}

/**
 * The same rule as SQL over an organisation row alias: `${sql}` is true for the organisations the
 * caller oversees; its two parameters are numbered from `first`.
 */
export function overseesSql(o: Oversight, alias: string, first: number): { sql: string; params: unknown[] } {
  if (o.kind === 'all') return { sql: 'true', params: [] };
  return {
    sql: `(${alias}.id = $${first}::uuid OR ($${first + 1}::text IS NOT NULL AND ${alias}.region_code LIKE $${first + 1}::text || '%'))`,
    params: [o.organizationId, o.kind === 'region' ? o.prefix : null],
  };
}
