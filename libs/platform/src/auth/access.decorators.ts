import { SetMetadata } from '@nestjs/common';
import { ForbiddenError, UnauthenticatedError } from '@zjp/core';
import type { Principal, Role } from './roles';

export const ACCESS_METADATA = 'zjp:access';

export type AccessRule = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'roles'; roles: readonly Role[] };

/** Anyone, without a token. */
export const Public = () => SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessRule);
/** Any signed-in user; the service checks organisation boundaries. */
export const Authenticated = () => SetMetadata(ACCESS_METADATA, { kind: 'authenticated' } satisfies AccessRule);
/** Signed-in users holding at least one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ACCESS_METADATA, { kind: 'roles', roles } satisfies AccessRule);

/**
 * Applies an access rule to a caller (the one rule of the AccessGuard and of plain socket
 * listeners): no rule refuses everyone, `public` admits anyone, the others need a principal and,
 * for `roles`, one of the roles. Returns the principal (undefined only for public operations).
 */
export function authorize(rule: AccessRule | undefined, principal: Principal | undefined): Principal | undefined {
  if (!rule) throw new ForbiddenError('ACCESS_NOT_DECLARED', 'This operation declares no access rule and is refused');
  if (rule.kind === 'public') return principal;
  if (!principal) throw new UnauthenticatedError();
  if (rule.kind === 'roles' && !rule.roles.some((r) => principal.roles.includes(r))) {
    throw new ForbiddenError('FORBIDDEN_ROLE', `Requires one of the roles: ${rule.roles.join(', ')}`, { requiredRoles: rule.roles });
  }
  return principal;
}

export const SOCKET_LISTENER_METADATA = 'zjp:socket-listener';

/**
 * A socket.io event handled by a plain listener instead of Nest's message pipeline (guards,
 * pipes, interceptors and rxjs per message): for the hot path of live bidding. The method still
 * declares its access rule (@Roles …), which the listener applies with `authorize`, and validates
 * its own input; see bindSocketListeners in libs/realtime.
 */
export const SocketListener = (event: string) => SetMetadata(SOCKET_LISTENER_METADATA, event);
