import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UnauthenticatedError } from '@zjp/core';
import { ACCESS_METADATA, AccessRule, authorize, PRINCIPAL_KEY, Principal } from '@zjp/platform';
import type { Request } from 'express';
import { TokenService } from './token.service';

/**
 * Default deny: a route or socket event without an access declaration (@Public, @Authenticated,
 * @Roles) refuses everyone, so a forgotten decorator fails closed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
    // No rule refuses at once; a public operation needs no token.
    const principal = !rule || rule.kind === 'public' ? undefined : context.getType() === 'ws' ? this.fromSocket(context) : await this.fromHttp(context);
    authorize(rule, principal);
    return true;
  }

  private async fromHttp(context: ExecutionContext): Promise<Principal> {
    const req = context.switchToHttp().getRequest<Request & Record<string, unknown>>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
    if (!match) throw new UnauthenticatedError('UNAUTHENTICATED', 'Send an access token: Authorization: Bearer <token>');
    const { principal } = await this.tokens.verifyAccess(match[1]);
    req[PRINCIPAL_KEY] = principal;
    return principal;
  }

  /** Sockets authenticate once, at the handshake (see the realtime gateway); the principal is on the client. */
  private fromSocket(context: ExecutionContext): Principal {
    const client = context.switchToWs().getClient<{ data?: Record<string, unknown> }>();
    const principal = client.data?.[PRINCIPAL_KEY] as Principal | undefined;
    if (!principal) throw new UnauthenticatedError();
    return principal;
  }
}
