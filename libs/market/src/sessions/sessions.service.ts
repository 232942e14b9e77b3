import { Inject, Injectable } from '@nestjs/common';
import { type Clock, CLOCK, ConflictError, newId, NotFoundError } from '@zjp/core';
import { type Queryable, recordAudit, TransactionRunner } from '@zjp/database';
import type { PageOf, Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import type { CreateSessionDto, ManageSessionsQuery } from './dto/create-session.dto';
import type { SessionDto, SessionSummaryDto } from './dto/session.dto';
import { insertSession, listSessions, lockSession, lotsOfSession, manageSessions, publishSession, sessionById } from './sessions.repository';

/** 专场: themed sessions grouping lots with a schedule; prepared as drafts, listed once published. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(actor: Principal, dto: CreateSessionDto): Promise<SessionDto> {
    return this.tx.run(async (m) => {
      const id = newId(this.clock);
      await insertSession(m, {
        id,
        name: dto.name,
        theme: dto.theme,
        runMode: dto.runMode,
        startsAt: new Date(dto.startsAt),
        createdBy: actor.userId,
        publishedAt: dto.draft ? null : this.clock.now(),
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'session.created',
        subjectType: 'auction_session',
        subjectId: id,
        data: { draft: dto.draft === true },
        occurredAt: this.clock.now(),
      });
      return this.get(id, m); // in the transaction: read on another connection, the new session would not exist yet
    });
  }

  /** A draft session goes public: it must hold at least one lot. Publishing twice changes nothing. */
  async publish(actor: Principal, id: string): Promise<SessionDto> {
    return this.tx.run(async (m) => {
      const session = await lockSession(m, id);
      if (!session) throw new NotFoundError('SESSION_NOT_FOUND', 'No such session');
      if (session.published_at === null) {
        if ((await lotsOfSession(m, id)).length === 0) throw new ConflictError('SESSION_EMPTY', 'Add at least one lot before publishing the session');
        await publishSession(m, id, this.clock.now());
        await recordAudit(m, {
          actorUserId: actor.userId,
          actorOrganizationId: actor.organizationId,
          action: 'session.published',
          subjectType: 'auction_session',
          subjectId: id,
          occurredAt: this.clock.now(),
        });
      }
      return this.get(id, m);
    });
  }

  async list(page: { limit: number; offset: number }): Promise<PageOf<SessionSummaryDto>> {
    const { items, total } = await listSessions(this.db, page.limit, page.offset);
    return { items: items as unknown as SessionSummaryDto[], total, limit: page.limit, offset: page.offset };
  }

  async manage(query: ManageSessionsQuery): Promise<PageOf<SessionSummaryDto>> {
    const { items, total } = await manageSessions(
      this.db,
      { status: query.status ?? null, theme: query.theme ?? null, sort: query.sort ?? 'startsAt', order: query.order ?? 'desc' },
      query.limit,
      query.offset,
    );
    return { items: items as unknown as SessionSummaryDto[], total, limit: query.limit, offset: query.offset };
  }

  async get(id: string, m: Queryable = this.db): Promise<SessionDto> {
    const session = await sessionById(m, id);
    if (!session) throw new NotFoundError('SESSION_NOT_FOUND', 'No such session');
    return { ...session, lots: await lotsOfSession(m, id) } as unknown as SessionDto;
  }
}
