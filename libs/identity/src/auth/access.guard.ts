import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthenticatedError } from '@zjp/core';
import {
  ACCESS_METADATA,
  AccessRule,
  ACTING_FOR_RESOLVER,
  type ActingForResolver,
  ACTS_FOR_METADATA,
  type ActsForRule,
  authorize,
  ON_BEHALF_OF_HEADER,
  PRINCIPAL_KEY,
  Principal,
} from '@zjp/platform';
import type { Request } from 'express';
import { TokenService } from './token.service';

/**
 * Default deny: a route or socket event without an access declaration (@Public, @Authenticated,
 * @Roles) refuses everyone, so a forgotten decorator fails closed. A broker's request made for a
 * principal (header X-On-Behalf-Of) becomes the principal's here, before the role rule, when the
 * brokerage context's resolver finds a mandate that covers it (README "Technology brokers").
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    @Optional() @Inject(ACTING_FOR_RESOLVER) private readonly actingFor?: ActingForResolver,
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
    const onBehalfOf = req.headers[ON_BEHALF_OF_HEADER];
    const acting = onBehalfOf === undefined ? principal : await this.actFor(context, req, principal, onBehalfOf);
    req[PRINCIPAL_KEY] = acting;
    return acting;
  }

  private async actFor(
    context: ExecutionContext,
    req: Request & Record<string, unknown>,
    broker: Principal,
    onBehalfOf: string | string[],
  ): Promise<Principal> {
    if (!this.actingFor || !broker.roles.includes('broker'))
      throw new ForbiddenError('NOT_A_BROKER', 'Only a broker organisation acts for another organisation (X-On-Behalf-Of)');
    const rule = this.reflector.get<ActsForRule | undefined>(ACTS_FOR_METADATA, context.getHandler());
    let resourceId: unknown;
    if (rule) {
      const [where, field] = rule.at.split(':');
      resourceId = where === 'param' ? (req.params as Record<string, unknown>)[field] : (req.body as Record<string, unknown> | undefined)?.[field];
    }
    const route = (req as { route?: { path?: string } }).route?.path ?? req.path;
    return this.actingFor.resolve(broker, Array.isArray(onBehalfOf) ? onBehalfOf.join(',') : onBehalfOf, {
      rule,
      resourceId,
      operation: `${req.method} ${route}`,
    });
  }

  /** Sockets authenticate once, at the handshake (see the realtime gateway); the principal is on the client. */
  private fromSocket(context: ExecutionContext): Principal {
    const client = context.switchToWs().getClient<{ data?: Record<string, unknown> }>();
    const principal = client.data?.[PRINCIPAL_KEY] as Principal | undefined;
    if (!principal) throw new UnauthenticatedError();
    return principal;
  }
}
