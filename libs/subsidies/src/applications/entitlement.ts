import type { Queryable } from '@zjp/database';
import { grantedAmounts } from './applications.repository';
import { calculateSubsidy, type SubsidyCalculation } from '../domain';
import type { LoadedSubject, SubjectType } from '../candidates/subject-facts';
import type { LoadedPolicy } from '../policies/policies.service';

type Query = Queryable;

export { GRANTED_STATUSES } from './applications.repository';

/**
 * What was granted (approved, batched or paid) under some policies to some enterprises, by policy,
 * enterprise, year and subject: the caps' inputs for any subject of those enterprises.
 */
export class GrantedAmounts {
  /** `policy|enterprise|year` → total; `policy|enterprise|type|subject` → by year. */
  private readonly byYear = new Map<string, bigint>();
  private readonly bySubject = new Map<string, Map<number, bigint>>();

  constructor(rows: readonly { policyId: string; enterpriseId: string; year: number; subjectType: string; subjectId: string; fen: bigint }[]) {
    for (const r of rows) {
      const yearKey = `${r.policyId}|${r.enterpriseId}|${r.year}`;
      this.byYear.set(yearKey, (this.byYear.get(yearKey) ?? 0n) + r.fen);
      const subjectKey = `${r.policyId}|${r.enterpriseId}|${r.subjectType}|${r.subjectId}`;
      const years = this.bySubject.get(subjectKey) ?? new Map<number, bigint>();
      years.set(r.year, (years.get(r.year) ?? 0n) + r.fen);
      this.bySubject.set(subjectKey, years);
    }
  }

  /** What the enterprise already has under the policy in the year, for its other subjects. */
  yearToDate(policyId: string, subject: { type: SubjectType; id: string; enterpriseId: string }, year: number): bigint {
    const all = this.byYear.get(`${policyId}|${subject.enterpriseId}|${year}`) ?? 0n;
    return all - (this.ofSubject(policyId, subject).get(year) ?? 0n);
  }

  /** What this subject had under the policy in other years. */
  prior(policyId: string, subject: { type: SubjectType; id: string; enterpriseId: string }, year: number): bigint {
    let sum = 0n;
    for (const [y, fen] of this.ofSubject(policyId, subject)) if (y !== year) sum += fen;
    return sum;
  }

  private ofSubject(policyId: string, subject: { type: SubjectType; id: string; enterpriseId: string }): Map<number, bigint> {
    return this.bySubject.get(`${policyId}|${subject.enterpriseId}|${subject.type}|${subject.id}`) ?? new Map();
  }
}

/** The granted amounts under these policies for these enterprises, in one query. */
export async function loadGranted(db: Query, policyIds: readonly string[], enterpriseIds: readonly string[]): Promise<GrantedAmounts> {
  if (policyIds.length === 0 || enterpriseIds.length === 0) return new GrantedAmounts([]);
  return new GrantedAmounts(await grantedAmounts(db, policyIds, enterpriseIds));
}

/**
 * The engine on what the enterprise already has under the policy this year (other subjects),
 * what this subject had in other years, and the budget left.
 */
export function entitlementFrom(policy: LoadedPolicy, subject: LoadedSubject, year: number, granted: GrantedAmounts): SubsidyCalculation {
  return calculateSubsidy({
    policy: policy.terms,
    subject: subject.subject,
    year,
    enterpriseYearToDateFen: granted.yearToDate(policy.id, subject, year),
    priorForSubjectFen: granted.prior(policy.id, subject, year),
    remainingBudgetFen: policy.budgetFen - policy.reservedFen - policy.paidFen,
  });
}

/**
 * The engine's inputs from the database for one subject, then the engine. Within an approval the
 * policy row is locked, so these cannot move underneath.
 */
export async function entitlement(db: Query, policy: LoadedPolicy, subject: LoadedSubject, year: number): Promise<SubsidyCalculation> {
  return entitlementFrom(policy, subject, year, await loadGranted(db, [policy.id], [subject.enterpriseId]));
}
