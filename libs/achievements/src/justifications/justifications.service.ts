import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, LocalDate, newId, NotFoundError, todayInShanghai, ValidationError } from '@zjp/core';
import { recordAudit, TransactionRunner } from '@zjp/database';
import type { PageOf, Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { assertActsForHolder, isAdministrator, readableOrgs } from '../access';
import { lockHolderOf } from '../achievements/achievements.repository';
import { IdleScanService } from '../compliance/idle-scan.service';
import type { JustificationView, ListJustificationsQuery, SubmitJustificationDto } from './dto/justification.dto';
import {
  decideJustification,
  hasPendingJustification,
  insertJustification,
  justificationView,
  listHolderJustifications,
  listReadableJustifications,
  lockJustification,
} from './justifications.repository';

/** 正当理由: a holder's reason for not transforming yet; an approved, unexpired one suspends P-2Y / P-3Y. */
@Injectable()
export class JustificationsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    private readonly scans: IdleScanService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async submit(actor: Principal, achievementId: string, dto: SubmitJustificationDto): Promise<JustificationView> {
    const today = todayInShanghai(this.clock);
    if (LocalDate.parse(dto.endsOn).isBefore(today)) throw new ValidationError([{ field: 'endsOn', code: 'inPast', message: 'endsOn cannot be in the past' }]);
    return this.tx.run(async (m) => {
      const achievement = await lockHolderOf(m, achievementId);
      if (!achievement) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      assertActsForHolder(actor, achievement.holderId);
      if (await hasPendingJustification(m, achievementId))
        throw new ConflictError('JUSTIFICATION_PENDING', 'A justification for this achievement is already awaiting review');
      const id = newId(this.clock);
      await insertJustification(m, {
        id,
        achievementId,
        category: dto.category,
        explanation: dto.explanation,
        endsOn: dto.endsOn,
        submittedBy: actor.userId,
        submittedAt: this.clock.now(),
        documents: dto.documents ?? [],
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'justification.submitted',
        subjectType: 'achievement',
        subjectId: achievementId,
        data: { justificationId: id, category: dto.category, endsOn: dto.endsOn },
        occurredAt: this.clock.now(),
      });
      return justificationView(m, id);
    });
  }

  /** Approval or rejection re-evaluates the achievement at once: a suspension need not wait for the night's scan. */
  async decide(actor: Principal, id: string, approve: boolean, reason: string, endsOn?: string): Promise<JustificationView> {
    const today = todayInShanghai(this.clock);
    if (endsOn && LocalDate.parse(endsOn).isBefore(today))
      throw new ValidationError([{ field: 'endsOn', code: 'inPast', message: 'the approved period cannot end in the past' }]);
    return this.tx.run(async (m) => {
      const j = await lockJustification(m, id);
      if (!j) throw new NotFoundError('JUSTIFICATION_NOT_FOUND', 'No such justification');
      if (j.status !== 'pending') throw new ConflictError('JUSTIFICATION_ALREADY_DECIDED', `This justification is already ${j.status}`);
      const now = this.clock.now();
      await decideJustification(m, id, {
        status: approve ? 'approved' : 'rejected',
        reviewedBy: actor.userId,
        reviewedAt: now,
        reason,
        endsOn: approve ? (endsOn ?? null) : null,
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: approve ? 'justification.approved' : 'justification.rejected',
        subjectType: 'achievement',
        subjectId: j.achievementId,
        reason,
        data: { justificationId: id, ...(approve ? { endsOn: endsOn ?? j.endsOn, askedEndsOn: j.endsOn } : {}) },
        occurredAt: now,
      });
      await this.scans.scanIn(m, today, j.achievementId);
      return justificationView(m, id);
    });
  }

  async list(actor: Principal, query: ListJustificationsQuery): Promise<PageOf<JustificationView>> {
    const filter = { status: query.status ?? null, achievementId: query.achievementId ?? null, limit: query.limit, offset: query.offset };
    const page = !isAdministrator(actor)
      ? await listHolderJustifications(this.db, actor.organizationId, filter)
      : await (async () => {
          const readable = await readableOrgs(this.db, actor);
          return listReadableJustifications(this.db, readable.organizationId, readable.regionPrefix, filter);
        })();
    return { ...page, limit: query.limit, offset: query.offset };
  }
}
