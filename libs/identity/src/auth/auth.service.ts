import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, UnauthenticatedError } from '@zjp/core';
import { TransactionRunner } from '@zjp/database';
import { APP_CONFIG, AppConfig, Principal } from '@zjp/platform';
import type { EntityManager } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { PasswordHasher } from './password-hasher';
import { insertRefreshToken, insertSession, lockRefreshToken, markRefreshTokenRotated, purgeSessionsEndedBefore, revokeSession } from './sessions.repository';
import { TokenService } from './token.service';

export interface SignedIn {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: User;
}

type RefreshOutcome = { ok: true; signedIn: SignedIn } | { ok: false; code: string; message: string; revokedSessionId?: string };

const DAY_MS = 86_400_000;

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(email: string, password: string): Promise<SignedIn> {
    const user = await this.users.findForLogin(email);
    const valid = await this.hasher.verify(user?.passwordHash, password);
    // One answer for unknown email, wrong password and disabled account: no account enumeration.
    if (!user || !valid || !user.active) throw new UnauthenticatedError('INVALID_CREDENTIALS', 'Email or password is wrong');
    const now = this.clock.now();
    return this.tx.run(async (m) => {
      const sessionId = await insertSession(m, user.id, now, new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_DAYS * DAY_MS));
      await m.update(User, { id: user.id }, { lastLoginAt: now });
      return this.issue(m, user, user.organization, sessionId, now);
    });
  }

  /**
   * Rotates the refresh token. A token used twice means it leaked: the whole session is revoked.
   * The revocation commits before the error is returned, so a rollback cannot undo it.
   */
  async refresh(refreshToken: string): Promise<SignedIn> {
    const hash = TokenService.hashRefreshToken(refreshToken);
    const now = this.clock.now();
    const outcome = await this.tx.run<RefreshOutcome>(async (m) => {
      const row = await lockRefreshToken(m, hash);
      if (!row) return { ok: false, code: 'INVALID_REFRESH_TOKEN', message: 'The refresh token is not valid' };
      if (row.revokedAt || row.expiresAt <= now) return { ok: false, code: 'SESSION_ENDED', message: 'This session has ended; sign in again' };
      if (row.rotatedAt) {
        await revokeSession(m, row.sessionId, 'token_reuse', now);
        return {
          ok: false,
          code: 'REFRESH_TOKEN_REUSED',
          message: 'This refresh token was already used; the session is revoked',
          revokedSessionId: row.sessionId,
        };
      }
      const user = await m.findOneBy(User, { id: row.userId });
      const org = user && (await m.findOneBy(Organization, { id: user.organizationId }));
      if (!user || !org || !user.active) {
        await revokeSession(m, row.sessionId, 'admin', now);
        return { ok: false, code: 'SESSION_ENDED', message: 'This account is no longer active' };
      }
      await markRefreshTokenRotated(m, hash, now);
      return { ok: true, signedIn: await this.issue(m, user, org, row.sessionId, now) };
    });
    if (!outcome.ok) {
      if (outcome.revokedSessionId) await this.tokens.markSessionRevoked(outcome.revokedSessionId);
      throw new UnauthenticatedError(outcome.code, outcome.message);
    }
    return outcome.signedIn;
  }

  /** Ends the caller's session: its refresh tokens and its access tokens stop working at once. */
  async logout(principal: Principal): Promise<void> {
    await this.tx.run((m) => revokeSession(m, principal.sessionId, 'logout', this.clock.now()));
    await this.tokens.markSessionRevoked(principal.sessionId);
  }

  /** Housekeeping for the worker: sessions that ended more than a day ago go, with their tokens. */
  async purgeEndedSessions(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - DAY_MS);
    return this.tx.run((m) => purgeSessionsEndedBefore(m, cutoff));
  }

  private async issue(m: EntityManager, user: User, org: Organization, sessionId: string, now: Date): Promise<SignedIn> {
    const { token, hash } = this.tokens.newRefreshToken();
    await insertRefreshToken(m, hash, sessionId, now);
    const principal: Principal = { userId: user.id, organizationId: org.id, organizationType: org.type, roles: user.roles, sessionId };
    return { accessToken: this.tokens.signAccess(principal, now), expiresIn: this.tokens.accessTtlSeconds, refreshToken: token, user };
  }
}
