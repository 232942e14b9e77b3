/**
 * Roles, by the kind of organisation whose users may hold them. Organisation boundaries are
 * checked in services on top of these (a holder_admin manages only its own organisation).
 */
export const ROLES = [
  'platform_admin', // market operator: runs sessions and the auctioneer console, registers contracts
  'authority_admin', // government administrator: justifications, subsidy policies and review
  'holder_admin', // university / institute / platform: manages its achievements and users
  'holder_member',
  'enterprise_admin', // enterprise: bids, signs, pays, applies for subsidies; manages its users
  'enterprise_member',
  'broker',
] as const;
export type Role = (typeof ROLES)[number];

export const ORGANIZATION_TYPES = ['holder', 'enterprise', 'authority', 'broker'] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

/** Which roles a user of each organisation type may be given. */
export const ROLES_BY_ORGANIZATION_TYPE: Record<OrganizationType, readonly Role[]> = {
  holder: ['holder_admin', 'holder_member'],
  enterprise: ['enterprise_admin', 'enterprise_member'],
  authority: ['platform_admin', 'authority_admin'],
  broker: ['broker'],
};

/** The authenticated caller, as every service sees it. */
export interface Principal {
  userId: string;
  organizationId: string;
  organizationType: OrganizationType;
  roles: readonly Role[];
  sessionId: string;
  /**
   * Set when a broker acts for this organisation under a mandate (README "Technology brokers"):
   * `userId` is then the broker's user and the organisation the principal's.
   */
  agent?: { organizationId: string; mandateId: string };
}
