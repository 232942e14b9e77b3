import type { FieldError } from '@zjp/core';

export type MandatePermission = 'list' | 'register_and_bid' | 'negotiate';
export type PrincipalType = 'holder' | 'enterprise';
export type MandateStatus = 'active' | 'revoked' | 'lapsed';

/** What each kind of principal may ask a broker to do. Signing a contract is never delegated. */
export const PERMISSIONS_BY_PRINCIPAL: Record<PrincipalType, readonly MandatePermission[]> = {
  holder: ['list', 'negotiate'],
  enterprise: ['register_and_bid', 'negotiate'],
};

/** How far ahead a mandate may run (a longer one is granted again). */
export const MAX_MANDATE_YEARS = 3;

export interface MandateTerms {
  achievementIds: readonly string[];
  lotIds: readonly string[];
  permissions: readonly MandatePermission[];
  endsOn: string;
  revokedAt: Date | null;
}

/** Revoked whenever the principal revoked it; lapsed after its end date (inclusive: it holds all of `endsOn`, Beijing time). */
export function mandateStatus(m: Pick<MandateTerms, 'endsOn' | 'revokedAt'>, today: string): MandateStatus {
  if (m.revokedAt) return 'revoked';
  return m.endsOn < today ? 'lapsed' : 'active';
}

/** The keys a resource is known by: itself, its achievement, and for a listing its lots. */
export interface ResourceKeys {
  lotIds: readonly string[];
  achievementId: string | null;
}

export type Coverage = { ok: true } | { ok: false; code: 'MANDATE_ACTION_NOT_GRANTED' | 'MANDATE_SCOPE_EXCLUDES' };

/** Whether an active mandate allows `action` on a resource: the action granted, and the resource one of its lots or of its achievements. */
export function covers(m: MandateTerms, action: MandatePermission, keys: ResourceKeys): Coverage {
  if (!m.permissions.includes(action)) return { ok: false, code: 'MANDATE_ACTION_NOT_GRANTED' };
  const inScope = (keys.achievementId !== null && m.achievementIds.includes(keys.achievementId)) || keys.lotIds.some((id) => m.lotIds.includes(id));
  return inScope ? { ok: true } : { ok: false, code: 'MANDATE_SCOPE_EXCLUDES' };
}

/** The grant's own rules (the ids' ownership is checked against the registry by the service). */
export function grantErrors(
  principal: PrincipalType,
  g: {
    permissions: readonly MandatePermission[];
    achievementIds: readonly string[];
    lotIds: readonly string[];
    endsOn: string;
    rateBp?: number;
    fixedFen?: string;
  },
  today: string,
  latest: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const allowed = PERMISSIONS_BY_PRINCIPAL[principal];
  const foreign = g.permissions.filter((p) => !allowed.includes(p));
  if (foreign.length)
    errors.push({ field: 'permissions', code: 'notForPrincipal', message: `a ${principal} may grant only ${allowed.join(', ')} (not ${foreign.join(', ')})` });
  if (g.achievementIds.length + g.lotIds.length === 0)
    errors.push({ field: 'achievementIds', code: 'emptyScope', message: 'name at least one achievement or lot the mandate covers' });
  if (g.endsOn < today) errors.push({ field: 'endsOn', code: 'inPast', message: `the end date must be today (${today}) or later` });
  else if (g.endsOn > latest) errors.push({ field: 'endsOn', code: 'tooFar', message: `a mandate runs at most ${MAX_MANDATE_YEARS} years (until ${latest})` });
  if ((g.rateBp === undefined) === (g.fixedFen === undefined))
    errors.push({
      field: 'commissionRateBp',
      code: 'oneCommission',
      message: 'agree either a commission rate (basis points) or a fixed amount (fen), not both',
    });
  return errors;
}
