import { Body, Controller, Get, HttpCode, Inject, Injectable, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { Clock, CLOCK, ConflictError, LocalDate, newId, NotFoundError, todayInShanghai, ValidationError } from '@zjp/core';
import { recordAudit, TransactionRunner } from '@zjp/database';
import { CurrentPrincipal, IsLocalDate, ParseIdPipe, Roles, type Principal, Omittable, OrgScope } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { assertActsForHolder, isAdministrator, readableOrgsSql } from '../access';
import { IdleScanService } from '../compliance/idle-scan.service';

export const JUSTIFICATION_CATEGORIES = ['negotiation_in_progress', 'confidentiality', 'litigation_or_dispute', 'further_development', 'other'] as const;

export class SubmitJustificationDto {
  @ApiProperty({ enum: JUSTIFICATION_CATEGORIES }) @IsIn(JUSTIFICATION_CATEGORIES) category!: string;
  @ApiProperty({ example: '正在与两家企业就独占许可进行谈判' }) @IsString() @Length(1, 4000) explanation!: string;
  @ApiProperty({ example: '2027-06-30', description: 'the last day the reason holds' }) @IsLocalDate() endsOn!: string;
}

export class DecisionDto {
  @ApiProperty({ example: '材料齐全，理由成立' }) @IsString() @Length(1, 2000) reason!: string;
}

export class ListJustificationsQuery {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'] }) @Omittable() @IsIn(['pending', 'approved', 'rejected']) status?: string;
}

export interface JustificationView {
  id: string;
  achievementId: string;
  holderId: string;
  category: string;
  explanation: string;
  endsOn: string;
  status: string;
  submittedAt: string;
  reviewedAt: string | null;
  reviewReason: string | null;
}

const SELECT = `SELECT j.id, j.achievement_id AS "achievementId", a.holder_id AS "holderId", j.category, j.explanation,
  to_char(j.ends_on, 'YYYY-MM-DD') AS "endsOn", j.status, j.submitted_at AS "submittedAt", j.reviewed_at AS "reviewedAt", j.review_reason AS "reviewReason"
  FROM justifications j JOIN achievements a ON a.id = j.achievement_id`;

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
      const rows = (await m.query(`SELECT holder_id, registration_status FROM achievements WHERE id = $1 FOR UPDATE`, [achievementId])) as { holder_id: string; registration_status: string }[];
      if (!rows[0]) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      assertActsForHolder(actor, rows[0].holder_id);
      const pending = (await m.query(`SELECT 1 FROM justifications WHERE achievement_id = $1 AND status = 'pending'`, [achievementId])) as unknown[];
      if (pending.length) throw new ConflictError('JUSTIFICATION_PENDING', 'A justification for this achievement is already awaiting review');
      const id = newId(this.clock);
      await m.query(`INSERT INTO justifications (id, achievement_id, category, explanation, ends_on, submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        id, achievementId, dto.category, dto.explanation, dto.endsOn, actor.userId, this.clock.now(),
      ]);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'justification.submitted', subjectType: 'achievement', subjectId: achievementId, data: { justificationId: id, category: dto.category, endsOn: dto.endsOn }, occurredAt: this.clock.now() });
      return this.view(m.query.bind(m), id);
    });
  }

  /** Approval or rejection re-evaluates the achievement at once: a suspension need not wait for the night's scan. */
  async decide(actor: Principal, id: string, approve: boolean, reason: string): Promise<JustificationView> {
    return this.tx.run(async (m) => {
      const rows = (await m.query(`SELECT achievement_id, status FROM justifications WHERE id = $1 FOR UPDATE`, [id])) as { achievement_id: string; status: string }[];
      if (!rows[0]) throw new NotFoundError('JUSTIFICATION_NOT_FOUND', 'No such justification');
      if (rows[0].status !== 'pending') throw new ConflictError('JUSTIFICATION_ALREADY_DECIDED', `This justification is already ${rows[0].status}`);
      const now = this.clock.now();
      await m.query(`UPDATE justifications SET status = $2, reviewed_by = $3, reviewed_at = $4, review_reason = $5 WHERE id = $1`, [id, approve ? 'approved' : 'rejected', actor.userId, now, reason]);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: approve ? 'justification.approved' : 'justification.rejected', subjectType: 'achievement', subjectId: rows[0].achievement_id, reason, data: { justificationId: id }, occurredAt: now });
      await this.scans.scanIn(m, todayInShanghai(this.clock), rows[0].achievement_id);
      return this.view(m.query.bind(m), id);
    });
  }

  async list(actor: Principal, status?: string): Promise<JustificationView[]> {
    const params: unknown[] = [status ?? null];
    let where = `WHERE ($1::text IS NULL OR j.status = $1)`;
    if (!isAdministrator(actor)) {
      params.push(actor.organizationId);
      where += ` AND a.holder_id = $2`;
    } else {
      const readable = await readableOrgsSql(this.db, actor, 'ho', 2);
      params.push(...readable.params);
      where += ` AND EXISTS (SELECT 1 FROM organization_directory ho WHERE ho.id = a.holder_id AND ${readable.sql})`;
    }
    return (await this.db.query(`${SELECT} ${where} ORDER BY j.submitted_at DESC LIMIT 200`, params)) as JustificationView[];
  }

  private async view(query: (sql: string, params: unknown[]) => Promise<unknown>, id: string): Promise<JustificationView> {
    return ((await query(`${SELECT} WHERE j.id = $1`, [id])) as JustificationView[])[0];
  }
}

@ApiTags('justifications')
@ApiBearerAuth()
@Controller()
export class JustificationsController {
  constructor(private readonly justifications: JustificationsService) {}

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('achievement')
  @Post('achievements/:id/justifications')
  submit(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: SubmitJustificationDto): Promise<JustificationView> {
    return this.justifications.submit(actor, id, body);
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.filtered('justification')
  @Get('justifications')
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListJustificationsQuery): Promise<JustificationView[]> {
    return this.justifications.list(actor, query.status);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('justification')
  @Post('justifications/:id/approve')
  @HttpCode(200)
  approve(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<JustificationView> {
    return this.justifications.decide(actor, id, true, body.reason);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('justification')
  @Post('justifications/:id/reject')
  @HttpCode(200)
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<JustificationView> {
    return this.justifications.decide(actor, id, false, body.reason);
  }
}
