import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, LocalDate, NotFoundError, regionCovers, regionLevel, shanghaiDate } from '@zjp/core';
import type { Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { authorityOf, isPlatformAdmin, mayReadAuthority } from '../access';
import { bandInputs, GrantedAmounts, loadGranted } from '../applications/entitlement';
import { SubjectFactsLoader } from '../candidates/subject-facts';
import {
  budgetOutlook,
  calculateSubsidy,
  duePayments,
  expectedFromSchedule,
  type ExpectedSubsidy,
  type Outlook,
  type PaymentFact,
  type PolicyTerms,
  type ScheduledObligation,
} from '../domain';
import { SubsidyPoliciesService, type LoadedPolicy } from '../policies/policies.service';
import { activePolicyIdsOf, applicationTotals, appliedSubjects, regionSchedules, type ScheduleRow } from './outlook.repository';

/** A budget the engine's budget cap never reaches: the outlook weighs demand against the budget itself. */
const UNLIMITED_FEN = 2n ** 62n;

export interface PolicyOutlook extends Outlook {
  policy: { id: string | null; name: string; documentNumber: string; status: string };
  today: string;
  paidFen: bigint;
  committedCount: number;
  pendingCount: number;
  /** Of the expected amount, what contracts earned already on what was paid and nobody applied for yet. */
  expectedEarnedFen: bigint;
  /** Contracts in force whose schedules were read. */
  contractsConsidered: number;
}

/** The JSON of an outlook: every fen amount as a string of digits. */
export function outlookJson(o: PolicyOutlook) {
  const fen = (v: bigint) => v.toString();
  return {
    policy: o.policy,
    year: o.year,
    today: o.today,
    budgetFen: fen(o.budgetFen),
    committedFen: fen(o.committedFen),
    paidFen: fen(o.paidFen),
    committedCount: o.committedCount,
    pendingFen: fen(o.pendingFen),
    pendingCount: o.pendingCount,
    expectedFen: fen(o.expectedFen),
    expectedEarnedFen: fen(o.expectedEarnedFen),
    expectedLaterFen: fen(o.expectedLaterFen),
    projectedFen: fen(o.projectedFen),
    remainingFen: fen(o.remainingFen),
    projectedRemainingFen: fen(o.projectedRemainingFen),
    contractsConsidered: o.contractsConsidered,
    months: o.months.map((m) => ({
      month: m.month,
      committedFen: fen(m.committedFen),
      pendingFen: fen(m.pendingFen),
      expectedFen: fen(m.expectedFen),
      cumulativeFen: fen(m.cumulativeFen),
      remainingFen: fen(m.remainingFen),
    })),
    exhaustion: o.exhaustion,
  };
}

export type PolicyOutlookJson = ReturnType<typeof outlookJson>;

interface OutlookPolicy {
  id: string | null;
  name: string;
  documentNumber: string;
  status: string;
  terms: PolicyTerms;
  budgetFen: bigint;
}

/**
 * The subsidy budget outlook of a policy (a saved one, or the editor's draft): committed and
 * pending from its applications (summed by PostgreSQL), expected from the payment schedules of the
 * contracts in force in its authority's region, each due payment credited with what it adds to the
 * contract's subsidy under the policy's own formula (the engine the applications use), then placed
 * by month and weighed against the budget by the pure `budgetOutlook`.
 */
@Injectable()
export class SubsidyOutlookService {
  constructor(
    private readonly db: DataSource,
    private readonly policies: SubsidyPoliciesService,
    private readonly subjects: SubjectFactsLoader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** One policy's outlook: its authority's administrators, authorities above it, and the operator (the route's OrgScope checks). */
  async forPolicy(actor: Principal, id: string): Promise<PolicyOutlook> {
    const view = await this.policies.get(id);
    if (!(await mayReadAuthority(this.db, actor, view.authority))) throw new NotFoundError('POLICY_NOT_FOUND', 'No such subsidy policy');
    const loaded = await this.policies.load(this.db, id);
    return this.compute(this.asOutlookPolicy(loaded, view.status));
  }

  /** Every active policy of the caller's authority. */
  async forAuthority(actor: Principal): Promise<PolicyOutlook[]> {
    const authority = await authorityOf(this.db, actor);
    const out: PolicyOutlook[] = [];
    for (const id of await activePolicyIdsOf(this.db, authority.id)) {
      out.push(await this.compute(this.asOutlookPolicy(await this.policies.load(this.db, id), 'active')));
    }
    return out;
  }

  /**
   * The editor's preview: the draft's terms and budget; with `policyId` (a policy of the caller's
   * authority being edited), its applications' committed and pending amounts and caps' inputs.
   */
  async forDraft(
    actor: Principal,
    draft: { terms: PolicyTerms; budgetFen: bigint; name: string; documentNumber: string },
    policyId?: string,
  ): Promise<PolicyOutlook> {
    if (policyId) {
      const view = await this.policies.get(policyId);
      if (!isPlatformAdmin(actor) && view.authority.id !== actor.organizationId)
        throw new NotFoundError('POLICY_NOT_FOUND', 'No such policy of your authority');
    }
    return this.compute({
      id: policyId ?? null,
      name: draft.name,
      documentNumber: draft.documentNumber,
      status: 'draft',
      terms: draft.terms,
      budgetFen: draft.budgetFen,
    });
  }

  private asOutlookPolicy(p: LoadedPolicy, status: string): OutlookPolicy {
    return { id: p.id, name: p.name, documentNumber: p.documentNumber, status, terms: p.terms, budgetFen: p.budgetFen };
  }

  private async compute(p: OutlookPolicy): Promise<PolicyOutlook> {
    const today = shanghaiDate(this.clock.now());
    const year = today.year;
    const totals = p.id ? await applicationTotals(this.db, p.id) : { committedFen: '0', paidFen: '0', pendingFen: '0', committedCount: 0, pendingCount: 0 };
    const { expected, earnedFen, contracts } = p.terms.kind === 'contract' ? await this.expected(p, today) : { expected: [], earnedFen: 0n, contracts: 0 };
    const outlook = budgetOutlook({
      today,
      budgetFen: p.budgetFen,
      committedFen: BigInt(totals.committedFen),
      pendingFen: BigInt(totals.pendingFen),
      expected,
    });
    return {
      ...outlook,
      policy: { id: p.id, name: p.name, documentNumber: p.documentNumber, status: p.status },
      today: today.toString(),
      year,
      paidFen: BigInt(totals.paidFen),
      committedCount: totals.committedCount,
      pendingCount: totals.pendingCount,
      expectedEarnedFen: earnedFen,
      contractsConsidered: contracts,
    };
  }

  /** The subsidies the contracts in force of the authority's region are expected to earn this year, by due day. */
  private async expected(p: OutlookPolicy, today: LocalDate): Promise<{ expected: ExpectedSubsidy[]; earnedFen: bigint; contracts: number }> {
    const region = p.terms.authority.regionCode;
    const digits = { province: 2, city: 4, county: 6 }[regionLevel(region)];
    const rows = await regionSchedules(this.db, digits, region, `${today.year}-12-31`);
    const schedules = new Map<string, ScheduleRow[]>();
    for (const r of rows) schedules.set(r.contractId, [...(schedules.get(r.contractId) ?? []), r]);
    const subjects = await this.subjects.loadMany(this.db, 'contract', [...schedules.keys()]);
    const policyId = p.id ?? 'draft';
    const granted = p.id
      ? await loadGranted(
          this.db,
          [p.id],
          [...subjects.values()].map((s) => s.enterpriseId),
        )
      : new GrantedAmounts([]);
    const applied = p.id ? await appliedSubjects(this.db, p.id, today.year) : new Set<string>();
    // The engine's policy: the draft's or the saved terms, with a budget its cap never reaches.
    const policy = { id: policyId, terms: p.terms, budgetFen: UNLIMITED_FEN, reservedFen: 0n, paidFen: 0n } as LoadedPolicy;
    const expected: ExpectedSubsidy[] = [];
    let earnedFen = 0n;
    // What the outlook has credited each enterprise so far this year: its other contracts' expected
    // subsidies count towards the per-enterprise yearly cap, as granted ones do.
    const credited = new Map<string, bigint>();
    for (const id of [...subjects.keys()].sort()) {
      const subject = subjects.get(id)!;
      if (subject.subject.kind !== 'contract' || !regionCovers(region, subject.enterpriseRegionCode)) continue;
      const facts = subject.subject.facts;
      const obligations: ScheduledObligation[] = (schedules.get(id) ?? []).map((s) => ({
        key: s.key,
        amountFen: BigInt(s.amountFen),
        dueOn: s.dueOn ? LocalDate.parse(s.dueOn) : null,
      }));
      const due = duePayments(obligations, facts.payments, today);
      const subsidyOn = (payments: readonly PaymentFact[]) => {
        const result = calculateSubsidy({
          policy: policy.terms,
          subject: { kind: 'contract', facts: { ...facts, payments: [...payments] } },
          year: today.year,
          enterpriseYearToDateFen: granted.yearToDate(policy.id, subject, today.year) + (credited.get(subject.enterpriseId) ?? 0n),
          priorForSubjectFen: granted.prior(policy.id, subject, today.year),
          ...bandInputs(policy, subject, today.year, granted),
          remainingBudgetFen: UNLIMITED_FEN,
        });
        return result.eligible ? result.amountFen : 0n;
      };
      const r = expectedFromSchedule(facts.payments, due, subsidyOn);
      // Earned on what was paid, with nobody's application yet: claimable now.
      if (!applied.has(id) && r.earnedFen > 0n) {
        expected.push({ dueOn: today, fen: r.earnedFen });
        earnedFen += r.earnedFen;
      }
      expected.push(...r.expected);
      const total = (applied.has(id) ? 0n : r.earnedFen) + r.expected.reduce((sum, e) => sum + e.fen, 0n);
      credited.set(subject.enterpriseId, (credited.get(subject.enterpriseId) ?? 0n) + total);
    }
    return { expected, earnedFen, contracts: subjects.size };
  }
}
