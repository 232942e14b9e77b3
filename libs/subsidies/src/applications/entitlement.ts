import type { Queryable } from '@zjp/database';
import { grantedAmounts, grantedBandShares } from './applications.repository';
import { calculateSubsidy, type BandShare, type SubsidyCalculation } from '../domain';
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
  /** The same by band of a tiered rate (band = its fromFen): `…|band`. */
  private readonly bandByYear = new Map<string, bigint>();
  private readonly bandBySubject = new Map<string, Map<number, bigint>>();

  constructor(
    rows: readonly { policyId: string; enterpriseId: string; year: number; subjectType: string; subjectId: string; fen: bigint }[],
    bandRows: readonly { policyId: string; enterpriseId: string; year: number; subjectType: string; subjectId: string; band: string; fen: bigint }[] = [],
  ) {
    for (const r of bandRows) {
      const yearKey = `${r.policyId}|${r.enterpriseId}|${r.year}|${r.band}`;
      this.bandByYear.set(yearKey, (this.bandByYear.get(yearKey) ?? 0n) + r.fen);
      const subjectKey = `${r.policyId}|${r.enterpriseId}|${r.subjectType}|${r.subjectId}|${r.band}`;
      const years = this.bandBySubject.get(subjectKey) ?? new Map<number, bigint>();
      years.set(r.year, (years.get(r.year) ?? 0n) + r.fen);
      this.bandBySubject.set(subjectKey, years);
    }
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

  /** By band: what the enterprise has from each band of the policy in the year, for its other subjects. */
  bandYearToDate(
    policyId: string,
    subject: { type: SubjectType; id: string; enterpriseId: string },
    year: number,
    bands: readonly string[],
  ): Map<string, bigint> {
    return new Map(
      bands.map((band) => {
        const all = this.bandByYear.get(`${policyId}|${subject.enterpriseId}|${year}|${band}`) ?? 0n;
        const own = this.bandBySubject.get(`${policyId}|${subject.enterpriseId}|${subject.type}|${subject.id}|${band}`)?.get(year) ?? 0n;
        return [band, all - own];
      }),
    );
  }

  /** By band: what this subject had from each band in other years. */
  bandPrior(policyId: string, subject: { type: SubjectType; id: string; enterpriseId: string }, year: number, bands: readonly string[]): Map<string, bigint> {
    return new Map(
      bands.map((band) => {
        let sum = 0n;
        for (const [y, fen] of this.bandBySubject.get(`${policyId}|${subject.enterpriseId}|${subject.type}|${subject.id}|${band}`) ?? [])
          if (y !== year) sum += fen;
        return [band, sum];
      }),
    );
  }

  private ofSubject(policyId: string, subject: { type: SubjectType; id: string; enterpriseId: string }): Map<number, bigint> {
    return this.bySubject.get(`${policyId}|${subject.enterpriseId}|${subject.type}|${subject.id}`) ?? new Map();
  }
}

/** The granted amounts under these policies for these enterprises, in one query. */
export async function loadGranted(db: Query, policyIds: readonly string[], enterpriseIds: readonly string[]): Promise<GrantedAmounts> {
  if (policyIds.length === 0 || enterpriseIds.length === 0) return new GrantedAmounts([]);
  const rows = await grantedAmounts(db, policyIds, enterpriseIds);
  const banded = await grantedBandShares(db, policyIds, enterpriseIds);
  // Band caps count what each band paid: the band shares of the explanation the amount was approved
  // on, trimmed from the top band down when the approval adjusted the amount below them.
  const bandRows = banded.flatMap((r) => bandUse(r.bands, r.fen).map((b) => ({ ...r, band: b.fromFen, fen: b.fen })));
  return new GrantedAmounts(rows, bandRows);
}

/** The band shares of a granted amount: as explained, less what an approval took off, from the top band down. */
export function bandUse(bands: readonly BandShare[], grantedFen: bigint): { fromFen: string; fen: bigint }[] {
  let left = grantedFen;
  return bands.map((b) => {
    const fen = BigInt(b.amountFen) < left ? BigInt(b.amountFen) : left;
    left -= fen;
    return { fromFen: b.fromFen, fen };
  });
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
    ...bandInputs(policy, subject, year, granted),
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

/** The band caps' inputs, for a tiered policy whose bands carry caps. */
export function bandInputs(policy: LoadedPolicy, subject: LoadedSubject, year: number, granted: GrantedAmounts) {
  const rate = policy.terms.rate;
  if (rate.kind === 'single' || !rate.tiers.some((t) => t.caps.perContractFen !== null || t.caps.perEnterprisePerYearFen !== null)) return {};
  const bands = rate.tiers.map((t) => t.fromFen.toString());
  return {
    bandYearToDateFen: granted.bandYearToDate(policy.id, subject, year, bands),
    bandPriorForSubjectFen: granted.bandPrior(policy.id, subject, year, bands),
  };
}
