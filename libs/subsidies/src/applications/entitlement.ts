import type { EntityManager } from 'typeorm';
import { calculateSubsidy, type SubsidyCalculation } from '../domain';
import type { LoadedSubject } from '../candidates/subject-facts';
import type { LoadedPolicy } from '../policies/policies.service';

type Query = Pick<EntityManager, 'query'>;

/** Subsidies that count against caps: approved, in a batch, or paid. */
export const GRANTED_STATUSES = ['approved', 'batched', 'paid'];

/**
 * The engine's inputs from the database: what the enterprise already has under the policy this
 * year (other subjects), what this subject had in other years, and the budget left. Then the
 * engine itself. Within an approval the policy row is locked, so these cannot move underneath.
 */
export async function entitlement(db: Query, policy: LoadedPolicy, subject: LoadedSubject, year: number): Promise<SubsidyCalculation> {
  const [row] = (await db.query(
    `SELECT coalesce(sum(approved_fen) FILTER (WHERE year = $3 AND NOT (subject_type = $4 AND subject_id = $5)), 0)::text AS ytd,
            coalesce(sum(approved_fen) FILTER (WHERE subject_type = $4 AND subject_id = $5 AND year <> $3), 0)::text AS prior
     FROM subsidy_applications WHERE policy_id = $1 AND enterprise_id = $2 AND status = ANY($6)`,
    [policy.id, subject.enterpriseId, year, subject.type, subject.id, GRANTED_STATUSES],
  )) as { ytd: string; prior: string }[];
  return calculateSubsidy({
    policy: policy.terms,
    subject: subject.subject,
    year,
    enterpriseYearToDateFen: BigInt(row.ytd),
    priorForSubjectFen: BigInt(row.prior),
    remainingBudgetFen: policy.budgetFen - policy.reservedFen - policy.paidFen,
  });
}
