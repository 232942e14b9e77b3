import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, LocalDate, newId, NotFoundError, todayInShanghai, ValidationError } from '@zjp/core';
import { recordAudit, TransactionRunner } from '@zjp/database';
import type { PageOf, Principal } from '@zjp/platform';
import type { EntityManager } from 'typeorm';
import { assertActsForHolder, assertMayReadHolder } from '../access';
import { holderOf } from '../achievements/achievements.repository';
import { IdleScanService } from '../compliance/idle-scan.service';
import type { ContractTookEffect } from './contract-took-effect';
import type { DeclareImplementationDto, TransformationView } from './dto/transformation.dto';
import {
  decideTransformation,
  insertContractTransformation,
  insertDeclaredImplementation,
  listTransformations,
  lockTransformation,
  transformationOfContract,
  transformationView,
} from './transformations.repository';

/** 实施转化: transfers, licences and equity come from contracts; own implementation is declared and confirmed. */
@Injectable()
export class TransformationsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly scans: IdleScanService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async declare(actor: Principal, achievementId: string, dto: DeclareImplementationDto): Promise<TransformationView> {
    if (LocalDate.parse(dto.startedOn).isAfter(todayInShanghai(this.clock))) {
      throw new ValidationError([{ field: 'startedOn', code: 'inFuture', message: 'startedOn cannot be in the future' }]);
    }
    return this.tx.run(async (m) => {
      const holderId = await this.holderOf(m, achievementId);
      assertActsForHolder(actor, holderId);
      const id = newId(this.clock);
      await insertDeclaredImplementation(m, {
        id,
        achievementId,
        description: dto.description,
        evidence: { startedOn: dto.startedOn, files: dto.evidence ?? [] },
        declaredBy: actor.userId,
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'transformation.declared',
        subjectType: 'achievement',
        subjectId: achievementId,
        data: { transformationId: id },
        occurredAt: this.clock.now(),
      });
      return transformationView(m, id);
    });
  }

  /** An administrator confirms: the implementation takes effect from the declared start, and the rule is re-applied. */
  async decide(actor: Principal, id: string, confirm: boolean, reason: string): Promise<TransformationView> {
    return this.tx.run(async (m) => {
      const t = await lockTransformation(m, id);
      if (!t) throw new NotFoundError('TRANSFORMATION_NOT_FOUND', 'No such transformation');
      if (t.status !== 'pending') throw new ConflictError('TRANSFORMATION_ALREADY_DECIDED', `This transformation is already ${t.status}`);
      const now = this.clock.now();
      await decideTransformation(m, id, {
        status: confirm ? 'effective' : 'rejected',
        tookEffectOn: confirm ? t.evidence.startedOn : null,
        decidedBy: actor.userId,
        decidedAt: now,
        reason,
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: confirm ? 'transformation.confirmed' : 'transformation.rejected',
        subjectType: 'achievement',
        subjectId: t.achievementId,
        reason,
        data: { transformationId: id },
        occurredAt: now,
      });
      await this.scans.scanIn(m, todayInShanghai(this.clock), t.achievementId);
      return transformationView(m, id);
    });
  }

  /** Idempotent per contract: a redelivered event records nothing twice. */
  async recordFromContract(event: ContractTookEffect): Promise<TransformationView> {
    return this.tx.run(async (m) => {
      await insertContractTransformation(m, {
        id: newId(this.clock),
        achievementId: event.achievementId,
        kind: event.kind,
        licenseType: event.kind === 'license' ? (event.licenseType ?? 'ordinary') : null,
        contractId: event.contractId,
        tookEffectOn: event.tookEffectOn,
      });
      await this.scans.scanIn(m, todayInShanghai(this.clock), event.achievementId);
      return transformationOfContract(m, event.contractId);
    });
  }

  async listFor(actor: Principal, achievementId: string, page: { limit: number; offset: number }): Promise<PageOf<TransformationView>> {
    return this.tx.run(async (m) => {
      const holderId = await this.holderOf(m, achievementId);
      await assertMayReadHolder(m, actor, holderId);
      return { ...(await listTransformations(m, achievementId, page)), limit: page.limit, offset: page.offset };
    });
  }

  private async holderOf(m: EntityManager, achievementId: string): Promise<string> {
    const holderId = await holderOf(m, achievementId);
    if (!holderId) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
    return holderId;
  }
}
