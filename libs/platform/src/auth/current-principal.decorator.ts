import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { UnauthenticatedError } from '@zjp/core';
import type { Principal } from './roles';

export const PRINCIPAL_KEY = 'principal';

/** The caller attached by the access guard (HTTP request or socket.io client). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const holder =
    ctx.getType() === 'ws' ? ctx.switchToWs().getClient<{ data: Record<string, unknown> }>().data : ctx.switchToHttp().getRequest<Record<string, unknown>>();
  const principal = holder?.[PRINCIPAL_KEY] as Principal | undefined;
  if (!principal) throw new UnauthenticatedError();
  return principal;
});
