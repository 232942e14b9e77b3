import { NotificationsService, yuanText } from '@zjp/identity';
import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, DomainError, ForbiddenError, newId, NotFoundError, ValidationError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import type { PageOf, Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { assertOwnAuthority } from '../access';
import { SubjectFactsLoader, type LoadedSubject, type SubjectType } from '../candidates/subject-facts';
import { stackingConflict, type SubsidyExplanation } from '../domain';
import { SubsidyPoliciesService, type LoadedPolicy } from '../policies/policies.service';
import type { ApplyDto, ListApplicationsQuery, ReviewDto } from './applications.dto';
import {
  findApplicationRow,
  grantedPoliciesOfSubject,
  insertApplication,
  listApplicationRows,
  lockApplication,
  lockSubject,
  markApproved,
  markReviewed,
  markRevoked,
  markWithdrawn,
  rejectAtApproval,
  rejectAtReview,
  releaseBudget,
  reserveBudget,
  type ApplicationRow,
  type LockedApplication,
} from './applications.repository';
import { entitlement } from './entitlement';

export interface ApplicationView {
  id: string;
  policy: { id: string; name: string; documentNumber: string; version: number };
  authorityId: string;
  subjectType: SubjectType;
  subjectId: string;
  subjectLabel: string | null;
  enterprise: { id: string; name: string; regionCode: string };
  year: number;
  status: string;
  computedFen: string;
  recommendedFen: string | null;
  approvedFen: string | null;
  explanation: SubsidyExplanation;
  approvalExplanation: SubsidyExplanation | null;
  statement: string | null;
  attachments: unknown[];
  payee: { accountName: string; bankName: string; accountNumber: string };
  review: { decision: string; by: string; byName: string | null; at: Date; reason: string } | null;
  decision: { by: string; byName: string | null; at: Date; reason: string } | null;
  revocation: { by: string; byName: string | null; at: Date; reason: string } | null;
  batchId: string | null;
  submittedBy: string | null;
  submittedAt: Date;
  paidAt: Date | null;
}

export function toApplicationView(r: ApplicationRow): ApplicationView {
  return {
    id: r.id,
    policy: { id: r.policy_id, name: r.policy_name, documentNumber: r.document_number, version: r.policy_version },
    authorityId: r.authority_id,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    subjectLabel: r.subject_label,
    enterprise: { id: r.enterprise_id, name: r.enterprise_name, regionCode: r.enterprise_region_code },
    year: r.year,
    status: r.status,
    computedFen: r.computed_fen,
    recommendedFen: r.recommended_fen,
    approvedFen: r.approved_fen,
    explanation: r.explanation,
    approvalExplanation: r.approval_explanation,
    statement: r.statement,
    attachments: r.attachments,
    payee: r.payee,
    review:
      r.review_decision && r.reviewed_by && r.reviewed_at
        ? { decision: r.review_decision, by: r.reviewed_by, byName: r.reviewer_name ?? null, at: r.reviewed_at, reason: r.review_reason ?? '' }
        : null,
    decision: r.decided_by && r.decided_at ? { by: r.decided_by, byName: r.decider_name ?? null, at: r.decided_at, reason: r.decision_reason ?? '' } : null,
    revocation: r.revoked_by && r.revoked_at ? { by: r.revoked_by, byName: r.revoker_name ?? null, at: r.revoked_at, reason: r.revoke_reason ?? '' } : null,
    batchId: r.batch_id,
    submittedBy: r.submitted_by,
    submittedAt: r.submitted_at,
    paidAt: r.paid_at,
  };
}

/**
 * Applications, review and approval. An enterprise applies for a candidate; one administrator of
 * the issuing authority reviews it (approve, adjust or reject, with a reason); another approves
 * it (four-eyes), which reserves the amount from the budget under a lock of the policy row.
 */
@Injectable()
export class SubsidyApplicationsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    private readonly subjects: SubjectFactsLoader,
    private readonly policies: SubsidyPoliciesService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly notifications: NotificationsService,
  ) {}

  async apply(actor: Principal, dto: ApplyDto): Promise<ApplicationView> {
    const id = await this.tx.run(async (m) => {
      const policy = await this.policies.load(m, dto.policyId);
      if (policy.status !== 'active') throw new ConflictError('POLICY_WITHDRAWN', 'This policy has been withdrawn');
      if (policy.kind !== dto.subjectType)
        throw new ValidationError([
          { field: 'subjectType', code: 'policyKind', message: `this policy subsidises ${policy.kind === 'contract' ? 'contracts' : 'research funding'}` },
        ]);
      const subject = await this.subjects.load(m, dto.subjectType, dto.subjectId);
      if (!subject) throw new NotFoundError('SUBJECT_NOT_FOUND', `No such ${dto.subjectType.replace('_', ' ')}`);
      if (subject.enterpriseId !== actor.organizationId)
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the enterprise that bought or funded may apply');
      const year = this.claimYear(subject, dto.year);
      const result = await entitlement(m, policy, subject, year);
      if (!result.eligible) {
        throw new DomainError('NOT_ELIGIBLE', `Not eligible under this policy: ${result.failedCondition}`, {
          details: { failedCondition: result.failedCondition, explanation: result.explanation },
        });
      }
      if (result.amountFen === 0n)
        throw new DomainError('NOTHING_TO_CLAIM', 'Nothing left to claim under this policy (a cap or the budget is used up)', {
          details: { explanation: result.explanation },
        });
      const applicationId = newId(this.clock);
      const now = this.clock.now();
      try {
        await insertApplication(m, {
          id: applicationId,
          policyId: policy.id,
          authorityId: policy.authorityId,
          subjectType: subject.type,
          subjectId: subject.id,
          enterpriseId: subject.enterpriseId,
          year,
          enterpriseRegionCode: subject.enterpriseRegionCode,
          technicalField: subject.technicalField,
          subjectLabel: subject.label,
          policyVersion: policy.version,
          computedFen: result.amountFen,
          explanation: result.explanation,
          statement: dto.statement ?? null,
          attachments: dto.attachments,
          payee: dto.payee,
          submittedBy: actor.userId,
          submittedAt: now,
        });
      } catch (err) {
        // Invariant 5: the unique index refuses a second live application, whatever raced.
        if (isUniqueViolation(err))
          throw new ConflictError('DUPLICATE_APPLICATION', 'You have already applied for this subject under this policy for this year');
        throw err;
      }
      await this.audit(m, actor, 'subsidy_application.submitted', applicationId, null, {
        policyId: policy.id,
        subjectType: subject.type,
        subjectId: subject.id,
        year,
        computedFen: result.amountFen.toString(),
      });
      return applicationId;
    });
    return this.get(actor, id);
  }

  async review(actor: Principal, id: string, dto: ReviewDto): Promise<ApplicationView> {
    await this.tx.run(async (m) => {
      const a = await this.lock(m, id);
      assertOwnAuthority(actor, a.authority_id);
      if (a.status !== 'submitted') throw new ConflictError('APPLICATION_NOT_SUBMITTED', `This application is ${a.status}; only a submitted one is reviewed`);
      const now = this.clock.now();
      if (dto.decision === 'reject') {
        if (dto.amountFen !== undefined) throw new ValidationError([{ field: 'amountFen', code: 'notWithReject', message: 'a rejection has no amount' }]);
        await rejectAtReview(m, id, actor.userId, now, dto.reason);
        await this.audit(m, actor, 'subsidy_application.rejected', id, dto.reason, { stage: 'review' });
        await this.notifyDecision(m, a, 'rejected', dto.reason);
        return;
      }
      let recommended = BigInt(a.computed_fen);
      if (dto.decision === 'adjust') {
        if (dto.amountFen === undefined)
          throw new ValidationError([{ field: 'amountFen', code: 'required', message: 'an adjustment needs the amount recommended' }]);
        const amount = BigInt(dto.amountFen);
        if (amount <= 0n || amount > recommended) {
          throw new ValidationError([
            { field: 'amountFen', code: 'adjustmentRange', message: `an adjusted amount is more than 0 and at most the computed ${recommended} fen` },
          ]);
        }
        recommended = amount;
      } else if (dto.amountFen !== undefined && BigInt(dto.amountFen) !== recommended) {
        throw new ValidationError([{ field: 'amountFen', code: 'useAdjust', message: 'to change the amount, use decision "adjust"' }]);
      }
      await markReviewed(m, id, dto.decision, recommended, actor.userId, now, dto.reason);
      await this.audit(m, actor, 'subsidy_application.reviewed', id, dto.reason, { decision: dto.decision, recommendedFen: recommended.toString() });
    });
    return this.get(actor, id);
  }

  /**
   * The second administrator's approval. The policy row is locked, the entitlement recomputed on
   * today's facts, year-to-date and remaining budget, and the amount reserved by a conditional
   * update: concurrent approvals queue on the lock and can never overcommit the budget.
   */
  async approve(actor: Principal, id: string, reason: string): Promise<ApplicationView> {
    await this.tx.run(async (m) => {
      const a = await this.lock(m, id);
      assertOwnAuthority(actor, a.authority_id);
      if (a.status !== 'reviewed') throw new ConflictError('APPLICATION_NOT_REVIEWED', `This application is ${a.status}; only a reviewed one can be approved`);
      if (a.reviewed_by === actor.userId) throw new ForbiddenError('FOUR_EYES', 'The approver must not be the reviewer');
      // One subject's approvals, across policies, one at a time (stacking); then the policy's budget row.
      await lockSubject(m, a.subject_id);
      const policy = await this.policies.load(m, a.policy_id, true);
      if (policy.status !== 'active') throw new ConflictError('POLICY_WITHDRAWN', 'This policy has been withdrawn');
      const subject = await this.subjects.load(m, a.subject_type, a.subject_id);
      if (!subject) throw new NotFoundError('SUBJECT_NOT_FOUND', 'The subject of this application no longer exists');
      const amount = BigInt(a.recommended_fen ?? a.computed_fen);
      const result = await entitlement(m, policy, subject, a.year);
      if (!result.eligible) {
        throw new ConflictError('NOT_ELIGIBLE', `No longer eligible under this policy: ${result.failedCondition}`, {
          failedCondition: result.failedCondition,
          explanation: result.explanation,
        });
      }
      if (amount > result.amountFen) {
        const budgetBit = result.explanation.caps.find((c) => c.bit)?.name === 'budget';
        throw new ConflictError(
          budgetBit ? 'BUDGET_EXHAUSTED' : 'AMOUNT_EXCEEDS_ENTITLEMENT',
          `Only ${result.amountFen} fen can be granted now (recommended ${amount})`,
          {
            availableFen: result.amountFen.toString(),
            explanation: result.explanation,
          },
        );
      }
      await this.assertStacking(m, a, policy);
      const reserved = await reserveBudget(m, policy.id, amount, this.clock.now());
      if (!reserved) throw new ConflictError('BUDGET_EXHAUSTED', 'The policy budget does not cover this amount');
      const now = this.clock.now();
      await markApproved(m, id, amount, result.explanation, actor.userId, now, reason);
      await this.notifyDecision(m, a, 'approved', reason, amount);
      await this.audit(m, actor, 'subsidy_application.approved', id, reason, {
        approvedFen: amount.toString(),
        policyId: policy.id,
        reviewedBy: a.reviewed_by,
      });
    });
    return this.get(actor, id);
  }

  /**
   * Rejection at the second stage, or the revocation of an approval not yet in a settlement
   * batch, which releases its reserved budget.
   */
  async reject(actor: Principal, id: string, reason: string): Promise<ApplicationView> {
    await this.tx.run(async (m) => {
      const a = await this.lock(m, id);
      assertOwnAuthority(actor, a.authority_id);
      const now = this.clock.now();
      if (a.status === 'reviewed') {
        if (a.reviewed_by === actor.userId) throw new ForbiddenError('FOUR_EYES', 'The second decision must not be taken by the reviewer');
        await rejectAtApproval(m, id, actor.userId, now, reason);
        await this.notifyDecision(m, a, 'rejected', reason);
        await this.audit(m, actor, 'subsidy_application.rejected', id, reason, { stage: 'approval' });
      } else if (a.status === 'approved') {
        await releaseBudget(m, a.policy_id, a.approved_fen, now);
        await markRevoked(m, id, actor.userId, now, reason);
        await this.notifyDecision(m, a, 'revoked', reason);
        await this.audit(m, actor, 'subsidy_application.revoked', id, reason, { releasedFen: a.approved_fen });
      } else {
        throw new ConflictError('APPLICATION_NOT_REJECTABLE', `This application is ${a.status}; it can no longer be rejected`);
      }
    });
    return this.get(actor, id);
  }

  /** The enterprise takes its application back before a decision. */
  async withdraw(actor: Principal, id: string): Promise<ApplicationView> {
    await this.tx.run(async (m) => {
      const a = await this.lock(m, id);
      if (a.enterprise_id !== actor.organizationId)
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', "You may only withdraw your own organisation's applications");
      if (a.status !== 'submitted' && a.status !== 'reviewed')
        throw new ConflictError('APPLICATION_NOT_WITHDRAWABLE', `This application is ${a.status}; it can no longer be withdrawn`);
      await markWithdrawn(m, id);
      await this.audit(m, actor, 'subsidy_application.withdrawn', id, null, {});
    });
    return this.get(actor, id);
  }

  async get(actor: Principal, id: string): Promise<ApplicationView> {
    const r = await findApplicationRow(this.db, id);
    if (!r) throw new NotFoundError('APPLICATION_NOT_FOUND', 'No such subsidy application');
    const mayRead = actor.organizationId === r.enterprise_id || actor.organizationId === r.authority_id || actor.roles.includes('platform_admin');
    if (!mayRead) throw new NotFoundError('APPLICATION_NOT_FOUND', 'No such subsidy application');
    return toApplicationView(r);
  }

  /** Enterprises see their own applications; an authority's administrators those made to it. */
  async list(actor: Principal, query: ListApplicationsQuery): Promise<PageOf<ApplicationView>> {
    const all = actor.roles.includes('platform_admin');
    const page = { limit: query.limit, offset: query.offset };
    const { rows, total } = await listApplicationRows(
      this.db,
      {
        status: query.status ?? null,
        policyId: query.policyId ?? null,
        year: query.year ?? null,
        scope: all ? 'all' : actor.organizationType === 'enterprise' ? 'enterprise' : 'authority',
        organizationId: all ? null : actor.organizationId,
      },
      page,
    );
    return { items: rows.map(toApplicationView), total, ...page };
  }

  private claimYear(subject: LoadedSubject, requested: number | undefined): number {
    if (requested !== undefined) {
      if (!subject.claimYears.includes(requested)) {
        throw new ValidationError([
          { field: 'year', code: 'noBaseInYear', message: `nothing to count in ${requested}; years with a base: ${subject.claimYears.join(', ') || 'none'}` },
        ]);
      }
      return requested;
    }
    if (subject.claimYears.length === 1) return subject.claimYears[0];
    throw new ValidationError([{ field: 'year', code: 'required', message: `name the claim year: ${subject.claimYears.join(', ') || 'none has a base yet'}` }]);
  }

  private async assertStacking(m: EntityManager, a: LockedApplication, policy: LoadedPolicy): Promise<void> {
    const granted = await grantedPoliciesOfSubject(m, a.subject_type, a.subject_id, a.id);
    const conflict = stackingConflict({ policyId: policy.id, stacking: policy.terms.stacking }, granted);
    if (conflict)
      throw new ConflictError('STACKING_NOT_ALLOWED', 'This subject already has a subsidy under a policy that may not be combined with this one', {
        conflictingPolicyId: conflict,
      });
  }

  /** `subsidy_decision` to the applying enterprise, in the decision's transaction (pushed after the commit), once per decision. */
  private notifyDecision(
    m: EntityManager,
    a: LockedApplication,
    decision: 'approved' | 'rejected' | 'revoked',
    reason: string | null,
    amountFen?: bigint,
  ): Promise<void> {
    const text = {
      approved: `您的补贴申请已获批准，核定金额 ${yuanText(amountFen ?? 0n)} 元。`,
      rejected: `您的补贴申请未获批准${reason ? `：${reason}` : '。'}`,
      revoked: `您的补贴申请的批准已撤销${reason ? `：${reason}` : '。'}`,
    }[decision];
    return this.notifications.notify(m, {
      organizationId: a.enterprise_id,
      kind: 'subsidy_decision',
      title: { approved: '补贴申请已批准', rejected: '补贴申请未获批准', revoked: '补贴批准已撤销' }[decision],
      body: text,
      data: { applicationId: a.id, decision, ...(amountFen === undefined ? {} : { approvedFen: amountFen.toString() }) },
      dedupeKey: `subsidy_decision:${a.id}:${decision}`,
    });
  }

  private async lock(m: EntityManager, id: string): Promise<LockedApplication> {
    const row = await lockApplication(m, id);
    if (!row) throw new NotFoundError('APPLICATION_NOT_FOUND', 'No such subsidy application');
    return row;
  }

  private async audit(m: EntityManager, actor: Principal, action: string, id: string, reason: string | null, data: Record<string, unknown>): Promise<void> {
    await recordAudit(m, {
      actorUserId: actor.userId,
      actorOrganizationId: actor.organizationId,
      action,
      subjectType: 'subsidy_application',
      subjectId: id,
      reason,
      data,
      occurredAt: this.clock.now(),
    });
  }
}
