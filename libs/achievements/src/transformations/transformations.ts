import { Body, Controller, Get, HttpCode, Inject, Injectable, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { Clock, CLOCK, ConflictError, LocalDate, newId, NotFoundError, todayInShanghai, ValidationError } from '@zjp/core';
import { recordAudit, TransactionRunner } from '@zjp/database';
import { Authenticated, CurrentPrincipal, IsLocalDate, ParseIdPipe, Roles, type Principal, Omittable, OrgScope } from '@zjp/platform';
import type { EntityManager } from 'typeorm';
import { assertActsForHolder, assertMayReadHolder } from '../access';
import { AttachmentDto } from '../achievements/dto/register-achievement.dto';
import { IdleScanService } from '../compliance/idle-scan.service';
import { DecisionDto } from '../justifications/justifications';

export class DeclareImplementationDto {
  @ApiProperty({ example: '在本单位中试基地实施，年产能100吨' }) @IsString() @Length(1, 4000) description!: string;
  @ApiProperty({ example: '2025-09-01' }) @IsLocalDate() startedOn!: string;
  @ApiPropertyOptional({ type: [AttachmentDto] }) @Omittable() @IsArray() @ArrayMaxSize(20) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => AttachmentDto) evidence?: AttachmentDto[];
}

/** What the contracts context publishes when a contract takes effect. */
export interface ContractTookEffect {
  contractId: string;
  achievementId: string;
  kind: 'transfer' | 'license' | 'equity';
  licenseType?: 'exclusive' | 'sole' | 'ordinary';
  tookEffectOn: string;
}

export interface TransformationView {
  id: string;
  achievementId: string;
  kind: string;
  licenseType: string | null;
  source: string;
  contractId: string | null;
  status: string;
  tookEffectOn: string | null;
  description: string;
  decisionReason: string | null;
  createdAt: string;
}

const SELECT = `SELECT id, achievement_id AS "achievementId", kind, license_type AS "licenseType", source, contract_id AS "contractId", status,
  to_char(took_effect_on, 'YYYY-MM-DD') AS "tookEffectOn", description, decision_reason AS "decisionReason", created_at AS "createdAt" FROM transformations`;

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
      await m.query(
        `INSERT INTO transformations (id, achievement_id, kind, source, status, description, evidence, declared_by, decision_reason)
         VALUES ($1, $2, 'own_implementation', 'declaration', 'pending', $3, $4, $5, NULL)`,
        [id, achievementId, dto.description, JSON.stringify({ startedOn: dto.startedOn, files: dto.evidence ?? [] }), actor.userId],
      );
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'transformation.declared', subjectType: 'achievement', subjectId: achievementId, data: { transformationId: id }, occurredAt: this.clock.now() });
      return this.view(m, id);
    });
  }

  /** An administrator confirms: the implementation takes effect from the declared start, and the rule is re-applied. */
  async decide(actor: Principal, id: string, confirm: boolean, reason: string): Promise<TransformationView> {
    return this.tx.run(async (m) => {
      const rows = (await m.query(`SELECT achievement_id, status, evidence FROM transformations WHERE id = $1 FOR UPDATE`, [id])) as { achievement_id: string; status: string; evidence: { startedOn: string } }[];
      if (!rows[0]) throw new NotFoundError('TRANSFORMATION_NOT_FOUND', 'No such transformation');
      if (rows[0].status !== 'pending') throw new ConflictError('TRANSFORMATION_ALREADY_DECIDED', `This transformation is already ${rows[0].status}`);
      const now = this.clock.now();
      await m.query(`UPDATE transformations SET status = $2, took_effect_on = $3, decided_by = $4, decided_at = $5, decision_reason = $6 WHERE id = $1`, [
        id, confirm ? 'effective' : 'rejected', confirm ? rows[0].evidence.startedOn : null, actor.userId, now, reason,
      ]);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: confirm ? 'transformation.confirmed' : 'transformation.rejected', subjectType: 'achievement', subjectId: rows[0].achievement_id, reason, data: { transformationId: id }, occurredAt: now });
      await this.scans.scanIn(m, todayInShanghai(this.clock), rows[0].achievement_id);
      return this.view(m, id);
    });
  }

  /** Idempotent per contract: a redelivered event records nothing twice. */
  async recordFromContract(event: ContractTookEffect): Promise<TransformationView> {
    return this.tx.run(async (m) => {
      await m.query(
        `INSERT INTO transformations (id, achievement_id, kind, license_type, source, contract_id, status, took_effect_on)
         VALUES ($1, $2, $3, $4, 'contract', $5, 'effective', $6)
         ON CONFLICT (contract_id) DO NOTHING`,
        [newId(this.clock), event.achievementId, event.kind, event.kind === 'license' ? (event.licenseType ?? 'ordinary') : null, event.contractId, event.tookEffectOn],
      );
      await this.scans.scanIn(m, todayInShanghai(this.clock), event.achievementId);
      const rows = (await m.query(`${SELECT} WHERE contract_id = $1`, [event.contractId])) as TransformationView[];
      return rows[0];
    });
  }

  async listFor(actor: Principal, achievementId: string): Promise<TransformationView[]> {
    return this.tx.run(async (m) => {
      const holderId = await this.holderOf(m, achievementId);
      await assertMayReadHolder(m, actor, holderId);
      return (await m.query(`${SELECT} WHERE achievement_id = $1 ORDER BY created_at`, [achievementId])) as TransformationView[];
    });
  }

  private async holderOf(m: EntityManager, achievementId: string): Promise<string> {
    const rows = (await m.query(`SELECT holder_id FROM achievements WHERE id = $1`, [achievementId])) as { holder_id: string }[];
    if (!rows[0]) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
    return rows[0].holder_id;
  }

  private async view(m: EntityManager, id: string): Promise<TransformationView> {
    return ((await m.query(`${SELECT} WHERE id = $1`, [id])) as TransformationView[])[0];
  }
}

@ApiTags('transformations')
@ApiBearerAuth()
@Controller()
export class TransformationsController {
  constructor(private readonly transformations: TransformationsService) {}

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('achievement')
  @Post('achievements/:id/implementations')
  declare(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DeclareImplementationDto): Promise<TransformationView> {
    return this.transformations.declare(actor, id, body);
  }

  @Authenticated()
  @OrgScope.owned('achievement')
  @Get('achievements/:id/transformations')
  list(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<TransformationView[]> {
    return this.transformations.listFor(actor, id);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('transformation')
  @Post('transformations/:id/confirm')
  @HttpCode(200)
  confirm(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<TransformationView> {
    return this.transformations.decide(actor, id, true, body.reason);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('transformation')
  @Post('transformations/:id/reject')
  @HttpCode(200)
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<TransformationView> {
    return this.transformations.decide(actor, id, false, body.reason);
  }
}
