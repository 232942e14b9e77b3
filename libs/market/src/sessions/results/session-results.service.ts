import { Inject, Injectable } from '@nestjs/common';
import { type Clock, CLOCK, ConflictError, NotFoundError } from '@zjp/core';
import { type Queryable, recordAudit, TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { renderResultPdf, renderResultXlsx, type SessionResultView, toResultView } from './session-result.document';
import { allLotsClosed, computeResult, lockSessionForResult, resultLots, sessionState, type StoredResult, storedResult } from './session-results.repository';

/**
 * 成交结果 of a themed session. Computed in PostgreSQL (one statement) and stored when the
 * session's last lot closes, in that lot's closing transaction; read from the stored row; an
 * administrator may recompute it (e.g. after a correction). A session closed before results were
 * stored gets its row on the first read.
 */
@Injectable()
export class SessionResultsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * In the closing transaction of a lot of `sessionId`, after the lot is closed: when no lot of the
   * session is left open, the result is computed and stored. The session row is locked first, so of
   * two last lots closing at once the second waits for the first to commit, then sees both closed.
   */
  async afterLotClosed(m: Queryable, sessionId: string): Promise<boolean> {
    await lockSessionForResult(m, sessionId);
    if (!(await allLotsClosed(m, sessionId))) return false;
    await computeResult(m, sessionId, this.clock.now());
    return true;
  }

  async result(id: string): Promise<SessionResultView> {
    const session = await this.closedSession(id);
    const stored = (await storedResult(this.db, id)) ?? (await this.compute(id));
    return toResultView(session, stored, await resultLots(this.db, id));
  }

  async recompute(actor: Principal, id: string): Promise<SessionResultView> {
    const session = await this.closedSession(id);
    const stored = await this.tx.run(async (m) => {
      const r = await this.computeIn(m, id);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'session.result_recomputed',
        subjectType: 'auction_session',
        subjectId: id,
        data: { hammerTotalFen: r.hammerTotalFen, lotsSold: r.lotsSold, premiumHundredths: r.premiumHundredths },
        occurredAt: this.clock.now(),
      });
      return r;
    });
    return toResultView(session, stored, await resultLots(this.db, id));
  }

  async xlsx(id: string): Promise<Buffer> {
    return renderResultXlsx(await this.result(id));
  }

  async pdf(id: string): Promise<Buffer> {
    return renderResultPdf(await this.result(id));
  }

  /** 404 for no (published) session, 409 while a lot is still to close or when it holds none. */
  private async closedSession(id: string) {
    const session = await sessionState(this.db, id);
    if (!session) throw new NotFoundError('SESSION_NOT_FOUND', 'No such session');
    if (session.lots === 0) throw new ConflictError('SESSION_HAS_NO_LOTS', 'The session holds no lots, so it has no result');
    if (session.openLots > 0)
      throw new ConflictError('SESSION_NOT_CLOSED', `The result is published when the session's last lot closes (${session.openLots} still open)`, {
        openLots: session.openLots,
      });
    return session;
  }

  private compute(id: string): Promise<StoredResult> {
    return this.tx.run((m) => this.computeIn(m, id));
  }

  private async computeIn(m: Queryable, id: string): Promise<StoredResult> {
    await lockSessionForResult(m, id);
    return computeResult(m, id, this.clock.now());
  }
}
