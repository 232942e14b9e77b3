import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, DomainError, ForbiddenError, newId, NotFoundError, ValidationError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { assertOwnAuthority } from '../access';
import { SubjectFactsLoader, type LoadedSubject, type SubjectType } from '../candidates/subject-facts';
import { stackingConflict, type Stacking, type SubsidyExplanation } from '../domain';
import { SubsidyPoliciesService, type LoadedPolicy } from '../policies/policies.service';
import type { ApplyDto, ListApplicationsQuery, ReviewDto } from './applications.dto';
import { updateReturning } from '../sql';
import { entitlement, GRANTED_STATUSES } from './entitlement';

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
  review: { decision: string; by: string; at: Date; reason: string } | null;
  decision: { by: string; at: Date; reason: string } | null;
  revocation: { by: string; at: Date; reason: string } | null;
  batchId: string | null;
  submittedBy: string | null;
  submittedAt: Date;
  paidAt: Date | null;
}

interface ApplicationRow {
  id: string;
  policy_id: string;
  policy_name: string;
  document_number: string;
  policy_version: number;
  authority_id: string;
  subject_type: SubjectType;
  subject_id: string;
  subject_label: string | null;
  enterprise_id: string;
  enterprise_name: string;
  enterprise_region_code: string;
  year: number;
  status: string;
  computed_fen: string;
  recommended_fen: string | null;
  approved_fen: string | null;
  explanation: SubsidyExplanation;
  approval_explanation: SubsidyExplanation | null;
  statement: string | null;
  attachments: unknown[];
  payee: ApplicationView['payee'];
  review_decision: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  revoked_by: string | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
  batch_id: string | null;
  submitted_by: string | null;
  submitted_at: Date;
  paid_at: Date | null;
}

const SELECT = `SELECT a.id, a.policy_id, v.name AS policy_name, p.document_number, a.policy_version, a.authority_id, a.subject_type, a.subject_id, a.subject_label,
    a.enterprise_id, e.name AS enterprise_name, a.enterprise_region_code, a.year, a.status, a.computed_fen::text, a.recommended_fen::text, a.approved_fen::text,
    a.explanation, a.approval_explanation, a.statement, a.attachments, a.payee, a.review_decision, a.reviewed_by, a.reviewed_at, a.review_reason,
    a.decided_by, a.decided_at, a.decision_reason, a.revoked_by, a.revoked_at, a.revoke_reason, a.batch_id, a.submitted_by, a.submitted_at, a.paid_at
  FROM subsidy_applications a
  JOIN subsidy_policies p ON p.id = a.policy_id
  JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
  JOIN organization_directory e ON e.id = a.enterprise_id`;

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
    review: r.review_decision && r.reviewed_by && r.reviewed_at ? { decision: r.review_decision, by: r.reviewed_by, at: r.reviewed_at, reason: r.review_reason ?? '' } : null,
    decision: r.decided_by && r.decided_at ? { by: r.decided_by, at: r.decided_at, reason: r.decision_reason ?? '' } : null,
    revocation: r.revoked_by && r.revoked_at ? { by: r.revoked_by, at: r.revoked_at, reason: r.revoke_reason ?? '' } : null,
    batchId: r.batch_id,
    submittedBy: r.submitted_by,
    submittedAt: r.submitted_at,
    paidAt: r.paid_at,
  };
}

interface LockedApplication {
  id: string;
  policy_id: string;
  authority_id: string;
  subject_type: SubjectType;
  subject_id: string;
  enterprise_id: string;
  year: number;
  status: string;
  computed_fen: string;
  recommended_fen: string | null;
  approved_fen: string | null;
  reviewed_by: string | null;
  batch_id: string | null;
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
  ) {}

  async apply(actor: Principal, dto: ApplyDto): Promise<ApplicationView> {
    const id = await this.tx.run(async (m) => {
      const policy = await this.policies.load(m, dto.policyId);
      if (policy.status !== 'active') throw new ConflictError('POLICY_WITHDRAWN', 'This policy has been withdrawn');
      if (policy.kind !== dto.subjectType) throw new ValidationError([{ field: 'subjectType', code: 'policyKind', message: `this policy subsidises ${policy.kind === 'contract' ? 'contracts' : 'research funding'}` }]);
      const subject = await this.subjects.load(m, dto.subjectType, dto.subjectId);
      if (!subject) throw new NotFoundError('SUBJECT_NOT_FOUND', `No such ${dto.subjectType.replace('_', ' ')}`);
      if (subject.enterpriseId !== actor.organizationId) throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the enterprise that bought or funded may apply');
      const year = this.claimYear(subject, dto.year);
      const result = await entitlement(m, policy, subject, year);
      if (!result.eligible) {
        throw new DomainError('NOT_ELIGIBLE', `Not eligible under this policy: ${result.failedCondition}`, { details: { failedCondition: result.failedCondition, explanation: result.explanation } });
      }
      if (result.amountFen === 0n) throw new DomainError('NOTHING_TO_CLAIM', 'Nothing left to claim under this policy (a cap or the budget is used up)', { details: { explanation: result.explanation } });
      const applicationId = newId(this.clock);
      const now = this.clock.now();
      try {
        await m.query(
          `INSERT INTO subsidy_applications (id, policy_id, authority_id, subject_type, subject_id, enterprise_id, year, enterprise_region_code, technical_field, subject_label,
             policy_version, computed_fen, explanation, statement, attachments, payee, submitted_by, submitted_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
          [
            applicationId, policy.id, policy.authorityId, subject.type, subject.id, subject.enterpriseId, year, subject.enterpriseRegionCode, subject.technicalField, subject.label,
            policy.version, result.amountFen.toString(), JSON.stringify(result.explanation), dto.statement ?? null, JSON.stringify(dto.attachments), JSON.stringify(dto.payee), actor.userId, now,
          ],
        );
      } catch (err) {
        // Invariant 5: the unique index refuses a second live application, whatever raced.
        if (isUniqueViolation(err)) throw new ConflictError('DUPLICATE_APPLICATION', 'You have already applied for this subject under this policy for this year');
        throw err;
      }
      await this.audit(m, actor, 'subsidy_application.submitted', applicationId, null, { policyId: policy.id, subjectType: subject.type, subjectId: subject.id, year, computedFen: result.amountFen.toString() });
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
        await m.query(`UPDATE subsidy_applications SET status = 'rejected', review_decision = 'reject', reviewed_by = $2, reviewed_at = $3, review_reason = $4 WHERE id = $1`, [id, actor.userId, now, dto.reason]);
        await this.audit(m, actor, 'subsidy_application.rejected', id, dto.reason, { stage: 'review' });
        return;
      }
      let recommended = BigInt(a.computed_fen);
      if (dto.decision === 'adjust') {
        if (dto.amountFen === undefined) throw new ValidationError([{ field: 'amountFen', code: 'required', message: 'an adjustment needs the amount recommended' }]);
        const amount = BigInt(dto.amountFen);
        if (amount <= 0n || amount > recommended) {
          throw new ValidationError([{ field: 'amountFen', code: 'adjustmentRange', message: `an adjusted amount is more than 0 and at most the computed ${recommended} fen` }]);
        }
        recommended = amount;
      } else if (dto.amountFen !== undefined && BigInt(dto.amountFen) !== recommended) {
        throw new ValidationError([{ field: 'amountFen', code: 'useAdjust', message: 'to change the amount, use decision "adjust"' }]);
      }
      await m.query(`UPDATE subsidy_applications SET status = 'reviewed', review_decision = $2, recommended_fen = $3, reviewed_by = $4, reviewed_at = $5, review_reason = $6 WHERE id = $1`, [
        id, dto.decision, recommended.toString(), actor.userId, now, dto.reason,
      ]);
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
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('subsidy-subject:' || $1))`, [a.subject_id]);
      const policy = await this.policies.load(m, a.policy_id, true);
      if (policy.status !== 'active') throw new ConflictError('POLICY_WITHDRAWN', 'This policy has been withdrawn');
      const subject = await this.subjects.load(m, a.subject_type, a.subject_id);
      if (!subject) throw new NotFoundError('SUBJECT_NOT_FOUND', 'The subject of this application no longer exists');
      const amount = BigInt(a.recommended_fen ?? a.computed_fen);
      const result = await entitlement(m, policy, subject, a.year);
      if (!result.eligible) {
        throw new ConflictError('NOT_ELIGIBLE', `No longer eligible under this policy: ${result.failedCondition}`, { failedCondition: result.failedCondition, explanation: result.explanation });
      }
      if (amount > result.amountFen) {
        const budgetBit = result.explanation.caps.find((c) => c.bit)?.name === 'budget';
        throw new ConflictError(budgetBit ? 'BUDGET_EXHAUSTED' : 'AMOUNT_EXCEEDS_ENTITLEMENT', `Only ${result.amountFen} fen can be granted now (recommended ${amount})`, {
          availableFen: result.amountFen.toString(),
          explanation: result.explanation,
        });
      }
      await this.assertStacking(m, a, policy);
      const reserved = await updateReturning(
        m,
        `UPDATE subsidy_policies SET reserved_fen = reserved_fen + $2, updated_at = $3 WHERE id = $1 AND budget_fen - reserved_fen - paid_fen >= $2 RETURNING id`,
        [policy.id, amount.toString(), this.clock.now()],
      );
      if (reserved.length === 0) throw new ConflictError('BUDGET_EXHAUSTED', 'The policy budget does not cover this amount');
      const now = this.clock.now();
      await m.query(
        `UPDATE subsidy_applications SET status = 'approved', approved_fen = $2, approval_explanation = $3, decided_by = $4, decided_at = $5, decision_reason = $6 WHERE id = $1`,
        [id, amount.toString(), JSON.stringify(result.explanation), actor.userId, now, reason],
      );
      await this.audit(m, actor, 'subsidy_application.approved', id, reason, { approvedFen: amount.toString(), policyId: policy.id, reviewedBy: a.reviewed_by });
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
        await m.query(`UPDATE subsidy_applications SET status = 'rejected', decided_by = $2, decided_at = $3, decision_reason = $4 WHERE id = $1`, [id, actor.userId, now, reason]);
        await this.audit(m, actor, 'subsidy_application.rejected', id, reason, { stage: 'approval' });
      } else if (a.status === 'approved') {
        await m.query(`SELECT 1 FROM subsidy_policies WHERE id = $1 FOR UPDATE`, [a.policy_id]);
        await m.query(`UPDATE subsidy_policies SET reserved_fen = reserved_fen - $2, updated_at = $3 WHERE id = $1`, [a.policy_id, a.approved_fen, now]);
        await m.query(`UPDATE subsidy_applications SET status = 'rejected', revoked_by = $2, revoked_at = $3, revoke_reason = $4 WHERE id = $1`, [id, actor.userId, now, reason]);
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
      if (a.enterprise_id !== actor.organizationId) throw new ForbiddenError('ORGANIZATION_BOUNDARY', "You may only withdraw your own organisation's applications");
      if (a.status !== 'submitted' && a.status !== 'reviewed') throw new ConflictError('APPLICATION_NOT_WITHDRAWABLE', `This application is ${a.status}; it can no longer be withdrawn`);
      await m.query(`UPDATE subsidy_applications SET status = 'withdrawn' WHERE id = $1`, [id]);
      await this.audit(m, actor, 'subsidy_application.withdrawn', id, null, {});
    });
    return this.get(actor, id);
  }

  async get(actor: Principal, id: string): Promise<ApplicationView> {
    const rows = (await this.db.query(`${SELECT} WHERE a.id = $1`, [id])) as ApplicationRow[];
    const r = rows[0];
    if (!r) throw new NotFoundError('APPLICATION_NOT_FOUND', 'No such subsidy application');
    const mayRead = actor.organizationId === r.enterprise_id || actor.organizationId === r.authority_id || actor.roles.includes('platform_admin');
    if (!mayRead) throw new NotFoundError('APPLICATION_NOT_FOUND', 'No such subsidy application');
    return toApplicationView(r);
  }

  /** Enterprises see their own applications; an authority's administrators those made to it. */
  async list(actor: Principal, query: ListApplicationsQuery): Promise<ApplicationView[]> {
    const scope = actor.roles.includes('platform_admin') ? 'TRUE' : actor.organizationType === 'enterprise' ? 'a.enterprise_id = $4' : 'a.authority_id = $4';
    const rows = (await this.db.query(
      `${SELECT} WHERE ($1::text IS NULL OR a.status = $1) AND ($2::uuid IS NULL OR a.policy_id = $2) AND ($3::int IS NULL OR a.year = $3) AND (${scope} OR $4::uuid IS NULL)
       ORDER BY a.submitted_at DESC LIMIT 500`,
      [query.status ?? null, query.policyId ?? null, query.year ?? null, actor.roles.includes('platform_admin') ? null : actor.organizationId],
    )) as ApplicationRow[];
    return rows.map(toApplicationView);
  }

  private claimYear(subject: LoadedSubject, requested: number | undefined): number {
    if (requested !== undefined) {
      if (!subject.claimYears.includes(requested)) {
        throw new ValidationError([{ field: 'year', code: 'noBaseInYear', message: `nothing to count in ${requested}; years with a base: ${subject.claimYears.join(', ') || 'none'}` }]);
      }
      return requested;
    }
    if (subject.claimYears.length === 1) return subject.claimYears[0];
    throw new ValidationError([{ field: 'year', code: 'required', message: `name the claim year: ${subject.claimYears.join(', ') || 'none has a base yet'}` }]);
  }

  private async assertStacking(m: EntityManager, a: LockedApplication, policy: LoadedPolicy): Promise<void> {
    const granted = (await m.query(
      `SELECT a.policy_id AS "policyId", v.document->>'stacking' AS stacking FROM subsidy_applications a
       JOIN subsidy_policies p ON p.id = a.policy_id JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
       WHERE a.subject_type = $1 AND a.subject_id = $2 AND a.status = ANY($3) AND a.id <> $4`,
      [a.subject_type, a.subject_id, GRANTED_STATUSES, a.id],
    )) as { policyId: string; stacking: Stacking }[];
    const conflict = stackingConflict({ policyId: policy.id, stacking: policy.terms.stacking }, granted);
    if (conflict) throw new ConflictError('STACKING_NOT_ALLOWED', 'This subject already has a subsidy under a policy that may not be combined with this one', { conflictingPolicyId: conflict });
  }

  private async lock(m: EntityManager, id: string): Promise<LockedApplication> {
    const rows = (await m.query(
      `SELECT id, policy_id, authority_id, subject_type, subject_id, enterprise_id, year, status, computed_fen::text, recommended_fen::text, approved_fen::text, reviewed_by, batch_id
       FROM subsidy_applications WHERE id = $1 FOR UPDATE`,
      [id],
    )) as LockedApplication[];
    if (!rows[0]) throw new NotFoundError('APPLICATION_NOT_FOUND', 'No such subsidy application');
    return rows[0];
  }

  private async audit(m: EntityManager, actor: Principal, action: string, id: string, reason: string | null, data: Record<string, unknown>): Promise<void> {
    await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action, subjectType: 'subsidy_application', subjectId: id, reason, data, occurredAt: this.clock.now() });
  }
}
