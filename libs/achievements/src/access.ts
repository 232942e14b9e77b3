import { ForbiddenError } from '@zjp/core';
import type { Principal } from '@zjp/platform';

export const isAdministrator = (p: Principal): boolean => p.roles.includes('platform_admin') || p.roles.includes('authority_admin');

/** A holder's users act on their own organisation's achievements; the operator on any. */
export function assertActsForHolder(p: Principal, holderId: string): void {
  if (p.roles.includes('platform_admin')) return;
  if (p.organizationId === holderId && (p.roles.includes('holder_admin') || p.roles.includes('holder_member'))) return;
  throw new ForbiddenError('ORGANIZATION_BOUNDARY', "You may only act on your own organisation's achievements");
}

/** Reading a holder's registry (drafts, compliance): its users and administrators. */
export function assertMayReadHolder(p: Principal, holderId: string): void {
  if (isAdministrator(p) || p.organizationId === holderId) return;
  throw new ForbiddenError('ORGANIZATION_BOUNDARY', "You may only see your own organisation's registry");
}
