import { SetMetadata } from '@nestjs/common';

export const ORG_SCOPE_METADATA = 'zjp:org-scope';

/**
 * The kinds of organisation data a route reaches. Each belongs to one or more organisations
 * (an achievement to its holder, a contract to its two parties, a subsidy application to its
 * enterprise and its authority …). The access matrix (test/e2e/access-matrix.e2e-spec.ts) keeps a
 * fixture of each kind per organisation.
 */
export const ORG_RESOURCES = [
  'organization',
  'notification',
  'achievement',
  'ipRight',
  'justification',
  'transformation',
  'freeLicense',
  'listing',
  'deal',
  'contract',
  'contractPayment',
  'researchFunding',
  'highTechCertificate',
  'subsidyPolicy',
  'subsidyCandidate',
  'subsidyApplication',
  'subsidyBatch',
  'mandate',
] as const;
export type OrgResource = (typeof ORG_RESOURCES)[number];

/** Where the route names the resource: a path parameter (default `param:id`) or a body field. */
export type OrgResourceLocation = `param:${string}` | `body:${string}`;

/**
 * The organisation rule of a route or socket event, declared next to its role rule:
 * - `none`: reaches no other organisation's data (public data, or only the caller's own
 *   organisation, implicitly, e.g. "my registration", "create in my organisation").
 * - `owned`: names one resource of an organisation; a caller who may not see it gets 404 with the
 *   resource's NOT_FOUND code, exactly as if it did not exist (no existence leak). Who may see it:
 *   the organisations it belongs to, the platform administrator, and authority administrators
 *   whose jurisdiction covers one of those organisations (libs/identity/src/domain/jurisdiction.ts).
 * - `filtered`: a list, filtered by the same rule.
 */
export type OrgScopeRule = { kind: 'none' } | { kind: 'owned'; resource: OrgResource; at: OrgResourceLocation } | { kind: 'filtered'; resource: OrgResource };

export const OrgScope = {
  none: () => SetMetadata(ORG_SCOPE_METADATA, { kind: 'none' } satisfies OrgScopeRule),
  owned: (resource: OrgResource, at: OrgResourceLocation = 'param:id') =>
    SetMetadata(ORG_SCOPE_METADATA, { kind: 'owned', resource, at } satisfies OrgScopeRule),
  filtered: (resource: OrgResource) => SetMetadata(ORG_SCOPE_METADATA, { kind: 'filtered', resource } satisfies OrgScopeRule),
};
