import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles';

export const ACCESS_METADATA = 'zjp:access';

export type AccessRule = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'roles'; roles: readonly Role[] };

/** Anyone, without a token. */
export const Public = () => SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessRule);
/** Any signed-in user; the service checks organisation boundaries. */
export const Authenticated = () => SetMetadata(ACCESS_METADATA, { kind: 'authenticated' } satisfies AccessRule);
/** Signed-in users holding at least one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ACCESS_METADATA, { kind: 'roles', roles } satisfies AccessRule);
