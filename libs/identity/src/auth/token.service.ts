import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '@zjp/core';
import { APP_CONFIG, AppConfig, OrganizationType, Principal, RedisConnectionFactory, Role } from '@zjp/platform';

interface AccessClaims {
  sub: string;
  org: string;
  orgType: OrganizationType;
  roles: Role[];
  sid: string;
}

/**
 * Short-lived signed access tokens (HTTP and socket.io use the same one) and opaque refresh tokens
 * stored only as SHA-256 hashes. Logout marks the session revoked in Redis for as long as an access
 * token of that session could still be valid, so a logged-out token stops working at once.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly redis: RedisConnectionFactory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get accessTtlSeconds(): number {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  signAccess(principal: Principal, now: Date): string {
    const claims: AccessClaims = {
      sub: principal.userId,
      org: principal.organizationId,
      orgType: principal.organizationType,
      roles: [...principal.roles],
      sid: principal.sessionId,
    };
    const iat = Math.floor(now.getTime() / 1000);
    return this.jwt.sign({ ...claims, iat }, { expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS });
  }

  /** Verifies signature, expiry and session revocation; returns the caller and the token's expiry. */
  async verifyAccess(token: string): Promise<{ principal: Principal; expiresAt: Date }> {
    let claims: AccessClaims & { exp: number };
    try {
      claims = await this.jwt.verifyAsync<AccessClaims & { exp: number }>(token, { algorithms: ['HS256'] });
    } catch (err) {
      const expired = err instanceof Error && err.name === 'TokenExpiredError';
      throw new UnauthenticatedError(
        expired ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN',
        expired ? 'The access token has expired; refresh it' : 'The access token is not valid',
      );
    }
    if (await this.isSessionRevoked(claims.sid)) {
      throw new UnauthenticatedError('SESSION_REVOKED', 'This session has ended; sign in again');
    }
    return {
      principal: { userId: claims.sub, organizationId: claims.org, organizationType: claims.orgType, roles: claims.roles, sessionId: claims.sid },
      expiresAt: new Date(claims.exp * 1000),
    };
  }

  async markSessionRevoked(sessionId: string): Promise<void> {
    // Kept a little longer than an access token lives, so no token of the session outlives the mark.
    await this.redis.client().set(this.revokedKey(sessionId), '1', 'EX', this.config.ACCESS_TOKEN_TTL_SECONDS + 60);
  }

  private async isSessionRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.client().exists(this.revokedKey(sessionId))) === 1;
  }

  private revokedKey(sessionId: string): string {
    return `${this.redis.prefix}revoked-session:${sessionId}`;
  }

  newRefreshToken(): { token: string; hash: Buffer } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: TokenService.hashRefreshToken(token) };
  }

  static hashRefreshToken(token: string): Buffer {
    return createHash('sha256').update(token).digest();
  }
}
