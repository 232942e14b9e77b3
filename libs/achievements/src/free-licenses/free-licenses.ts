import { Body, Controller, Get, HttpCode, Inject, Injectable, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Clock, CLOCK, ConflictError, newId, NotFoundError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import { CurrentPrincipal, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import { NotificationsService } from '@zjp/identity';
import { DataSource } from 'typeorm';
import { isAdministrator, readableOrgsSql } from '../access';
import { DecisionDto } from '../justifications/justifications';

export class ApplyFreeLicenseDto {
  @ApiProperty({ example: '我司为柯桥区纺织企业，具备实施条件，拟用于新产品开发' }) @IsString() @Length(1, 4000) statement!: string;
}

export interface FreeLicenseApplicationView {
  id: string;
  achievementId: string;
  achievementTitle: string;
  holderId: string;
  enterpriseId: string;
  statement: string;
  status: string;
  appliedAt: string;
  decidedAt: string | null;
  decisionReason: string | null;
}

const SELECT = `SELECT f.id, f.achievement_id AS "achievementId", a.title AS "achievementTitle", a.holder_id AS "holderId",
  f.enterprise_id AS "enterpriseId", f.statement, f.status, f.applied_at AS "appliedAt", f.decided_at AS "decidedAt", f.decision_reason AS "decisionReason"
  FROM free_license_applications f JOIN achievements a ON a.id = f.achievement_id`;

/**
 * P-3Y 无偿实施: an enterprise applies for a free ordinary licence of an achievement idle for a
 * full 3 years; an administrator approves. The approved application is what the contracts
 * context turns into a free_license contract.
 */
@Injectable()
export class FreeLicensesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly notifications: NotificationsService,
  ) {}

  async apply(actor: Principal, achievementId: string, dto: ApplyFreeLicenseDto): Promise<FreeLicenseApplicationView> {
    return this.tx.run(async (m) => {
      const rows = (await m.query(`SELECT rule_state FROM achievements WHERE id = $1 AND registration_status = 'registered' FOR SHARE`, [achievementId])) as { rule_state: string }[];
      if (!rows[0]) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      if (rows[0].rule_state !== 'free_license_eligible') {
        throw new ConflictError('NOT_FREE_LICENSE_ELIGIBLE', 'This achievement is not eligible for a free licence (P-3Y)', { ruleState: rows[0].rule_state });
      }
      const id = newId(this.clock);
      // The partial unique index refuses a second open application by the same enterprise.
      await m.query(`INSERT INTO free_license_applications (id, achievement_id, enterprise_id, statement, applied_by, applied_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
        id, achievementId, actor.organizationId, dto.statement, actor.userId, this.clock.now(),
      ]).catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new ConflictError('FREE_LICENSE_ALREADY_APPLIED', 'Your organisation already has an open or approved application for this achievement');
        throw err;
      });
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'free_license.applied', subjectType: 'achievement', subjectId: achievementId, data: { applicationId: id }, occurredAt: this.clock.now() });
      const [achievement] = (await m.query(`SELECT holder_id, title FROM achievements WHERE id = $1`, [achievementId])) as { holder_id: string; title: string }[];
      await this.notifications.notify(m, { organizationId: achievement.holder_id, kind: 'free_license.applied', title: '有企业申请无偿实施您的成果', body: achievement.title, data: { achievementId, applicationId: id } });
      return this.view(m.query.bind(m), id);
    });
  }

  async decide(actor: Principal, id: string, approve: boolean, reason: string): Promise<FreeLicenseApplicationView> {
    return this.tx.run(async (m) => {
      const rows = (await m.query(`SELECT f.status, f.achievement_id, f.enterprise_id, a.rule_state FROM free_license_applications f JOIN achievements a ON a.id = f.achievement_id WHERE f.id = $1 FOR UPDATE OF f`, [id])) as {
        status: string; achievement_id: string; enterprise_id: string; rule_state: string;
      }[];
      if (!rows[0]) throw new NotFoundError('APPLICATION_NOT_FOUND', 'No such application');
      if (rows[0].status !== 'pending') throw new ConflictError('APPLICATION_ALREADY_DECIDED', `This application is already ${rows[0].status}`);
      if (approve && rows[0].rule_state !== 'free_license_eligible') {
        throw new ConflictError('NOT_FREE_LICENSE_ELIGIBLE', 'The achievement is no longer eligible for a free licence', { ruleState: rows[0].rule_state });
      }
      const now = this.clock.now();
      await m.query(`UPDATE free_license_applications SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1`, [id, approve ? 'approved' : 'rejected', actor.userId, now, reason]);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: approve ? 'free_license.approved' : 'free_license.rejected', subjectType: 'achievement', subjectId: rows[0].achievement_id, reason, data: { applicationId: id }, occurredAt: now });
      await this.notifications.notify(m, {
        organizationId: rows[0].enterprise_id,
        kind: approve ? 'free_license.approved' : 'free_license.rejected',
        title: approve ? '无偿实施申请已批准' : '无偿实施申请未获批准',
        body: reason,
        data: { applicationId: id, achievementId: rows[0].achievement_id },
      });
      return this.view(m.query.bind(m), id);
    });
  }

  /** Administrators see all; an enterprise its own applications; a holder those for its achievements. */
  async list(actor: Principal): Promise<FreeLicenseApplicationView[]> {
    if (isAdministrator(actor)) {
      // the operator all; an authority those whose enterprise or holder is in its region
      const e = await readableOrgsSql(this.db, actor, 'eo', 1);
      const h = await readableOrgsSql(this.db, actor, 'ho', 1);
      return (await this.db.query(
        `${SELECT} WHERE EXISTS (SELECT 1 FROM organization_directory eo WHERE eo.id = f.enterprise_id AND ${e.sql}) OR EXISTS (SELECT 1 FROM organization_directory ho WHERE ho.id = a.holder_id AND ${h.sql}) ORDER BY f.applied_at DESC LIMIT 200`,
        e.params,
      )) as FreeLicenseApplicationView[];
    }
    return (await this.db.query(`${SELECT} WHERE f.enterprise_id = $1 OR a.holder_id = $1 ORDER BY f.applied_at DESC LIMIT 200`, [actor.organizationId])) as FreeLicenseApplicationView[];
  }

  private async view(query: (sql: string, params: unknown[]) => Promise<unknown>, id: string): Promise<FreeLicenseApplicationView> {
    return ((await query(`${SELECT} WHERE f.id = $1`, [id])) as FreeLicenseApplicationView[])[0];
  }
}

@ApiTags('free licences (P-3Y)')
@ApiBearerAuth()
@Controller()
export class FreeLicensesController {
  constructor(private readonly freeLicenses: FreeLicensesService) {}

  @Roles('enterprise_admin')
  @OrgScope.none()
  @Post('achievements/:id/free-license-applications')
  apply(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: ApplyFreeLicenseDto): Promise<FreeLicenseApplicationView> {
    return this.freeLicenses.apply(actor, id, body);
  }

  @Roles('enterprise_admin', 'enterprise_member', 'holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.filtered('freeLicense')
  @Get('free-license-applications')
  list(@CurrentPrincipal() actor: Principal): Promise<FreeLicenseApplicationView[]> {
    return this.freeLicenses.list(actor);
  }

  @Roles('platform_admin')
  @OrgScope.owned('freeLicense')
  @Post('free-license-applications/:id/approve')
  @HttpCode(200)
  approve(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<FreeLicenseApplicationView> {
    return this.freeLicenses.decide(actor, id, true, body.reason);
  }

  @Roles('platform_admin')
  @OrgScope.owned('freeLicense')
  @Post('free-license-applications/:id/reject')
  @HttpCode(200)
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<FreeLicenseApplicationView> {
    return this.freeLicenses.decide(actor, id, false, body.reason);
  }
}
