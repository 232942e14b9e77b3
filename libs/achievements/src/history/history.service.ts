import { Inject, Injectable } from '@nestjs/common';
import {
  type Clock,
  CLOCK,
  ConflictError,
  type FieldError,
  ForbiddenError,
  LocalDate,
  newId,
  NotFoundError,
  todayInShanghai,
  ValidationError,
} from '@zjp/core';
import { recordAudit, TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import type { EntityManager } from 'typeorm';
import { assertMayReadHolder } from '../access';
import { IdleScanService } from '../compliance/idle-scan.service';
import type { RecordedHistoryDto, RecordJustificationDto, RecordRegistrationDto, RecordTransformationDto } from './dto/history.dto';
import {
  type HistoryFacts,
  insertRecordedJustification,
  insertRecordedTransformation,
  lockHistoryFacts,
  recordedHistory,
  recordRegistration,
  ruleStateOf,
} from './history.repository';

/**
 * Recorded history (issue 18): a registry joining the platform brings years of facts. The holder's
 * administrator or the operator records them with documents; each is marked as recorded history
 * with who and when (and in the audit log), and the achievement's P-2Y / P-3Y state is recomputed
 * from the whole history as of today, in the same transaction.
 */
@Injectable()
export class HistoryService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly scans: IdleScanService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async recordRegistration(actor: Principal, achievementId: string, dto: RecordRegistrationDto): Promise<RecordedHistoryDto> {
    return this.record(actor, achievementId, 'history.registration_recorded', (facts, today) => {
      const errors = [
        ...notFuture('registeredOn', dto.registeredOn, today),
        ...notBefore('registeredOn', dto.registeredOn, facts.obtainedOn, 'the achievement was obtained'),
      ];
      return {
        errors,
        apply: (m, now) => recordRegistration(m, achievementId, dto.registeredOn, actor.userId, now, dto.documents),
        data: { registeredOn: dto.registeredOn },
      };
    });
  }

  async recordTransformation(actor: Principal, achievementId: string, dto: RecordTransformationDto): Promise<RecordedHistoryDto> {
    return this.record(actor, achievementId, 'history.transformation_recorded', (facts, today) => {
      const errors = [...notFuture('tookEffectOn', dto.tookEffectOn, today), ...notBeforeIpRight('tookEffectOn', dto.tookEffectOn, facts)];
      if ((dto.kind === 'license') !== (dto.licenseType !== undefined))
        errors.push({ field: 'licenseType', code: 'licenseTypeMismatch', message: 'licenseType is required for a licence and only for a licence' });
      const id = newId(this.clock);
      return {
        errors,
        apply: (m, now) =>
          insertRecordedTransformation(m, {
            id,
            achievementId,
            kind: dto.kind,
            licenseType: dto.licenseType ?? null,
            tookEffectOn: dto.tookEffectOn,
            description: dto.description ?? '',
            documents: dto.documents,
            by: actor.userId,
            at: now,
            contractReference: dto.contractReference,
            counterparty: dto.counterparty ?? null,
          }),
        data: { transformationId: id, kind: dto.kind, tookEffectOn: dto.tookEffectOn, contractReference: dto.contractReference },
      };
    });
  }

  async recordJustification(actor: Principal, achievementId: string, dto: RecordJustificationDto): Promise<RecordedHistoryDto> {
    return this.record(actor, achievementId, 'history.justification_recorded', (facts, today) => {
      const errors = [...notFuture('startsOn', dto.startsOn, today), ...notBeforeIpRight('startsOn', dto.startsOn, facts)];
      if (LocalDate.parse(dto.endsOn).isBefore(LocalDate.parse(dto.startsOn)))
        errors.push({ field: 'endsOn', code: 'endsBeforeStart', message: 'endsOn cannot be before startsOn' });
      const id = newId(this.clock);
      return {
        errors,
        apply: (m, now) =>
          insertRecordedJustification(m, {
            id,
            achievementId,
            category: dto.category,
            explanation: dto.explanation,
            startsOn: dto.startsOn,
            endsOn: dto.endsOn,
            by: actor.userId,
            at: now,
            documents: dto.documents,
          }),
        data: { justificationId: id, startsOn: dto.startsOn, endsOn: dto.endsOn },
      };
    });
  }

  async history(actor: Principal, achievementId: string): Promise<RecordedHistoryDto> {
    return this.tx.run(async (m) => {
      const facts = await lockHistoryFacts(m, achievementId);
      if (!facts) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      await assertMayReadHolder(m, actor, facts.holderId);
      return this.view(m, achievementId);
    });
  }

  private async record(
    actor: Principal,
    achievementId: string,
    action: string,
    plan: (
      facts: HistoryFacts,
      today: LocalDate,
    ) => { errors: FieldError[]; apply: (m: EntityManager, now: Date) => Promise<void>; data: Record<string, unknown> },
  ): Promise<RecordedHistoryDto> {
    return this.tx.run(async (m) => {
      const facts = await lockHistoryFacts(m, achievementId);
      if (!facts) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      assertRecordsFor(actor, facts.holderId);
      if (facts.registrationStatus === 'withdrawn') throw new ConflictError('ACHIEVEMENT_WITHDRAWN', 'A withdrawn achievement has no history to record');
      const today = todayInShanghai(this.clock);
      const { errors, apply, data } = plan(facts, today);
      if (errors.length > 0) throw new ValidationError(errors);
      const now = this.clock.now();
      await apply(m, now);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action,
        subjectType: 'achievement',
        subjectId: achievementId,
        data: { ...data, recordedHistory: true },
        occurredAt: now,
      });
      await this.scans.scanIn(m, today, achievementId);
      return this.view(m, achievementId);
    });
  }

  private async view(m: EntityManager, achievementId: string): Promise<RecordedHistoryDto> {
    const entries = await recordedHistory(m, achievementId);
    return { entries: entries.map((e) => ({ ...e, recordedAt: e.recordedAt.toISOString() })), ruleState: await ruleStateOf(m, achievementId) };
  }
}

/** History is recorded by the holder's administrator or the operator (not by members, not by authorities). */
function assertRecordsFor(p: Principal, holderId: string): void {
  if (p.roles.includes('platform_admin')) return;
  if (p.organizationId === holderId && p.roles.includes('holder_admin')) return;
  throw new ForbiddenError('ORGANIZATION_BOUNDARY', "Only the holder's administrator or the operator may record its history");
}

function notFuture(field: string, date: string, today: LocalDate): FieldError[] {
  return LocalDate.parse(date).isAfter(today) ? [{ field, code: 'inFuture', message: `${field} cannot be after today (${today.toString()})` }] : [];
}

function notBefore(field: string, date: string, earliest: string, what: string): FieldError[] {
  return LocalDate.parse(date).isBefore(LocalDate.parse(earliest))
    ? [{ field, code: 'beforeIpRight', message: `${field} cannot be before ${earliest}, when ${what}` }]
    : [];
}

/** Nothing happens to an IP right before it exists: its grant, or the achievement's obtaining when none is granted. */
function notBeforeIpRight(field: string, date: string, facts: HistoryFacts): FieldError[] {
  return facts.earliestGrant
    ? notBefore(field, date, facts.earliestGrant, 'its first IP right was granted')
    : notBefore(field, date, facts.obtainedOn, 'the achievement was obtained');
}
