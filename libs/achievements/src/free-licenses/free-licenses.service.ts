import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, newId, NotFoundError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import { NotificationsService } from '@zjp/identity';
import type { PageOf, Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { isAdministrator, readableOrgs } from '../access';
import { holderAndTitle, registeredRuleStateForShare } from '../achievements/achievements.repository';
import type { ApplyFreeLicenseDto, FreeLicenseApplicationView } from './dto/free-license.dto';
import {
  decideFreeLicenseApplication,
  freeLicenseApplicationView,
  type FreeLicenseForContract,
  insertFreeLicenseApplication,
  isApplicationOf,
  listFreeLicenseApplicationsOf,
  listReadableFreeLicenseApplications,
  lockFreeLicenseApplication,
  lockFreeLicenseForContract,
} from './free-licenses.repository';

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
    private readonly notifications: NotificationsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async apply(actor: Principal, achievementId: string, dto: ApplyFreeLicenseDto): Promise<FreeLicenseApplicationView> {
    return this.tx.run(async (m) => {
      const ruleState = await registeredRuleStateForShare(m, achievementId);
      if (!ruleState) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      if (ruleState !== 'free_license_eligible') {
        throw new ConflictError('NOT_FREE_LICENSE_ELIGIBLE', 'This achievement is not eligible for a free licence (P-3Y)', { ruleState });
      }
      const id = newId(this.clock);
      // The partial unique index refuses a second open application by the same enterprise.
      await insertFreeLicenseApplication(m, {
        id,
        achievementId,
        enterpriseId: actor.organizationId,
        statement: dto.statement,
        appliedBy: actor.userId,
        appliedAt: this.clock.now(),
      }).catch((err: unknown) => {
        if (isUniqueViolation(err))
          throw new ConflictError('FREE_LICENSE_ALREADY_APPLIED', 'Your organisation already has an open or approved application for this achievement');
        throw err;
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'free_license.applied',
        subjectType: 'achievement',
        subjectId: achievementId,
        data: { applicationId: id },
        occurredAt: this.clock.now(),
      });
      const achievement = (await holderAndTitle(m, achievementId))!;
      await this.notifications.notify(m, {
        organizationId: achievement.holderId,
        kind: 'free_license.applied',
        title: '有企业申请无偿实施您的成果',
        body: achievement.title,
        data: { achievementId, applicationId: id },
      });
      return freeLicenseApplicationView(m, id);
    });
  }

  async decide(actor: Principal, id: string, approve: boolean, reason: string): Promise<FreeLicenseApplicationView> {
    return this.tx.run(async (m) => {
      const application = await lockFreeLicenseApplication(m, id);
      if (!application) throw new NotFoundError('APPLICATION_NOT_FOUND', 'No such application');
      if (application.status !== 'pending') throw new ConflictError('APPLICATION_ALREADY_DECIDED', `This application is already ${application.status}`);
      if (approve && application.ruleState !== 'free_license_eligible') {
        throw new ConflictError('NOT_FREE_LICENSE_ELIGIBLE', 'The achievement is no longer eligible for a free licence', { ruleState: application.ruleState });
      }
      const now = this.clock.now();
      await decideFreeLicenseApplication(m, id, { status: approve ? 'approved' : 'rejected', decidedBy: actor.userId, decidedAt: now, reason });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: approve ? 'free_license.approved' : 'free_license.rejected',
        subjectType: 'achievement',
        subjectId: application.achievementId,
        reason,
        data: { applicationId: id },
        occurredAt: now,
      });
      await this.notifications.notify(m, {
        organizationId: application.enterpriseId,
        kind: approve ? 'free_license.approved' : 'free_license.rejected',
        title: approve ? '无偿实施申请已批准' : '无偿实施申请未获批准',
        body: reason,
        data: { applicationId: id, achievementId: application.achievementId },
      });
      return freeLicenseApplicationView(m, id);
    });
  }

  // What the contracts context reads of an application, in its transaction (`m`): it turns an approved one into a free_license contract.

  /** Whether the application is the enterprise's own (an enterprise asks only for its own). */
  isApplicationOf(m: EntityManager, applicationId: string, enterpriseId: string | null): Promise<boolean> {
    return isApplicationOf(m, applicationId, enterpriseId);
  }

  /** The application with its achievement's holder and title, share-locked until the caller's transaction ends; undefined when there is none (any status). */
  findForContract(m: EntityManager, applicationId: string): Promise<FreeLicenseForContract | undefined> {
    return lockFreeLicenseForContract(m, applicationId);
  }

  /** Administrators see all; an enterprise its own applications; a holder those for its achievements. */
  async list(actor: Principal, page: { limit: number; offset: number }): Promise<PageOf<FreeLicenseApplicationView>> {
    const p = { limit: page.limit, offset: page.offset };
    if (!isAdministrator(actor)) return { ...(await listFreeLicenseApplicationsOf(this.db, actor.organizationId, p)), ...p };
    // the operator all; an authority those whose enterprise or holder is in its region
    const readable = await readableOrgs(this.db, actor);
    return { ...(await listReadableFreeLicenseApplications(this.db, readable.organizationId, readable.regionPrefix, p)), ...p };
  }
}
