import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { OrgResourceLocation } from './org-scope.decorators';
import type { Principal } from './roles';

export const ACTS_FOR_METADATA = 'zjp:acts-for';

/** What a mandate (委托) may allow a broker to do for its principal. Signing is never one of them. */
export const MANDATE_PERMISSIONS = ['list', 'register_and_bid', 'negotiate'] as const;
export type MandatePermission = (typeof MANDATE_PERMISSIONS)[number];

/** The kind of resource an operation done for a principal names, which the mandate must cover. */
export type MandatedResource = 'lot' | 'listing' | 'achievement';

export interface ActsForRule {
  action: MandatePermission;
  resource: MandatedResource;
  at: OrgResourceLocation;
}

/**
 * A route a broker may call for a principal (header `X-On-Behalf-Of: <principal organisation id>`)
 * when an active mandate of that principal allows `action` on the resource at `at`. Routes without
 * it (signing a contract, paying, anything else) are never done for another organisation.
 */
export const ActsFor = (action: MandatePermission, resource: MandatedResource, at: OrgResourceLocation = 'param:id') =>
  applyDecorators(
    SetMetadata(ACTS_FOR_METADATA, { action, resource, at } satisfies ActsForRule),
    ApiHeader({
      name: 'X-On-Behalf-Of',
      required: false,
      description: `a broker acting for a principal: the principal's organisation id; needs an active mandate allowing ${action} on this ${resource}`,
    }),
  );

export const ON_BEHALF_OF_HEADER = 'x-on-behalf-of';

/**
 * Turns a broker's request made for a principal into the principal's own (the brokerage context
 * provides it): checks the mandate and answers the principal as the acting party, with the broker
 * as its agent, or throws the refusal.
 */
export interface ActingForResolver {
  resolve(
    broker: Principal,
    principalOrganizationId: string,
    request: { rule: ActsForRule | undefined; resourceId: unknown; operation: string },
  ): Promise<Principal>;
}
export const ACTING_FOR_RESOLVER = Symbol.for('zjp.ActingForResolver');
