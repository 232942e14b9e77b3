import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, CLOCK, regionCovers } from '@zjp/core';
import { TransactionRunner } from '@zjp/database';
import type { PageOf, Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { entitlementFrom, loadGranted } from '../applications/entitlement';
import { inForceDuring, resolveStacking, type SubsidyCalculation, type SubsidyExplanation } from '../domain';
import { SubsidyPoliciesService, type LoadedPolicy } from '../policies/policies.service';
import {
  activePolicyRows,
  deleteCandidatesExcept,
  deleteRuns,
  disableJit,
  candidateRowsOfSubjects,
  listCandidateRows,
  lockSubjects,
  upsertCandidates,
  upsertRuns,
} from './candidates.repository';
import { SubjectFactsLoader, type SubjectType } from './subject-facts';

export interface CandidateView {
  id: string;
  policy: { id: string; name: string; documentNumber: string; authorityName: string; stacking: string };
  subjectType: SubjectType;
  subjectId: string;
  enterpriseId: string;
  year: number;
  eligible: boolean;
  failedCondition: string | null;
  amountFen: string;
  /** Where policies may not be combined, whether this one is part of the best option for the subject. */
  stacking: 'applies' | 'superseded' | null;
  applicationId: string | null;
  applicationStatus: string | null;
  explanation: SubsidyExplanation;
  computedAt: Date;
}

/** Subjects per transaction of the sweep (each holds one advisory lock per subject until it commits). */
const SWEEP_BATCH = 1000;
/**
 * Batches of the sweep in flight at once: while PostgreSQL writes one batch's candidates, the
 * engine computes the next one's. Their subjects are disjoint, so they never wait on each other.
 */
const SWEEP_CONCURRENCY = 2;

interface CandidateRow {
  policyId: string;
  policyVersion: number;
  subjectId: string;
  enterpriseId: string;
  year: number;
  result: SubsidyCalculation;
}

/**
 * Candidates: what each enterprise may claim for each subject (a registered, paid contract or a
 * confirmed research funding) under every policy in force whose region covers it. Computed by
 * the worker; idempotent (a recomputation replaces the rows of the subject).
 */
@Injectable()
export class SubsidyCandidatesService {
  private readonly logger = new Logger(SubsidyCandidatesService.name);
  /** Parsed policy terms by `id:version` (versions never change once written). */
  private readonly termsCache = new Map<string, LoadedPolicy>();

  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    private readonly subjects: SubjectFactsLoader,
    private readonly policies: SubsidyPoliciesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Recomputes one subject under every active policy. Returns how many candidates it has now. */
  async computeSubject(type: SubjectType, id: string): Promise<{ candidates: number }> {
    return this.computeMany(type, [id]);
  }

  /**
   * Recomputes some subjects under every active policy, in one transaction and set-wise: their
   * fingerprints, facts, parties and granted amounts are each read by one query, the engine runs
   * in memory, and the candidates are written by one upsert. A subject without facts (not
   * registered, not confirmed, gone) loses its candidates. Returns how many candidates they have now.
   */
  async computeMany(type: SubjectType, ids: readonly string[]): Promise<{ candidates: number }> {
    if (ids.length === 0) return { candidates: 0 };
    return this.tx.run(async (m) => {
      // Serialises recomputations of a subject across workers; in the order of the keys, so that
      // two batches (or a batch and one subject's job) never wait on each other in a cycle.
      await lockSubjects(m, ids);
      // Without JIT: the statements below take milliseconds, but their estimates on a candidates
      // table not analysed since it filled can exceed jit_above_cost, and compiling costs more.
      await disableJit(m);
      const prints = new Map((await this.subjects.fingerprints(m, type, { ids, onlyChanged: false })).map((p) => [p.id, p.fingerprint]));
      const subjects = await this.subjects.loadMany(m, type, [...prints.keys()]);
      const policies = await this.activePolicies(m, type);
      const granted = await loadGranted(
        m,
        policies.map((p) => p.id),
        [...subjects.values()].map((s) => s.enterpriseId),
      );
      const rows: CandidateRow[] = [];
      for (const subject of subjects.values()) {
        for (const policy of policies) {
          // Only policies whose authority covers the enterprise's region: others are not its to claim.
          if (!regionCovers(policy.regionCode, subject.enterpriseRegionCode)) continue;
          for (const year of subject.claimYears) {
            if (!inForceDuring(policy.terms, year)) continue;
            rows.push({
              policyId: policy.id,
              policyVersion: policy.version,
              subjectId: subject.id,
              enterpriseId: subject.enterpriseId,
              year,
              result: entitlementFrom(policy, subject, year, granted),
            });
          }
        }
      }
      const now = this.clock.now();
      const kept = await upsertCandidates(
        m,
        type,
        rows.map(({ result, ...r }) => ({
          ...r,
          eligible: result.eligible,
          failedCondition: result.failedCondition,
          amountFen: result.amountFen,
          explanation: result.explanation,
        })),
        now,
      );
      await deleteCandidatesExcept(m, type, ids, kept);
      const gone = ids.filter((id) => !subjects.has(id));
      if (gone.length) await deleteRuns(m, type, gone);
      if (subjects.size) {
        await upsertRuns(
          m,
          type,
          [...subjects.keys()],
          [...subjects.keys()].map((id) => prints.get(id)),
          now,
        );
      }
      return { candidates: kept.length };
    });
  }

  /**
   * The sweep: every subject whose facts changed since its candidates were computed (so a lost
   * job loses nothing), or, after a policy changed, every subject. The changed ones are found by
   * one query, then recomputed in batches.
   */
  async sweep(options: { all?: boolean; batchSize?: number; concurrency?: number } = {}): Promise<{ subjects: number }> {
    const batchSize = options.batchSize ?? SWEEP_BATCH;
    let subjects = 0;
    for (const type of ['contract', 'research_funding'] as const) {
      const ids = await this.changedSubjects(type, !options.all);
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const batch = ids.slice(next, next + batchSize);
          next += batchSize;
          await this.computeMany(type, batch);
        }
      };
      await Promise.all(Array.from({ length: options.concurrency ?? SWEEP_CONCURRENCY }, worker));
      subjects += ids.length;
    }
    if (subjects) this.logger.log(`subsidy candidates recomputed for ${subjects} subjects`);
    return { subjects };
  }

  /**
   * The subjects whose facts changed since their candidates were computed (or all of them), by
   * one set-wise query. Without JIT: compiling the query's expressions cost more than running them
   * (≈ 0.4 s of a 1 s query at 100,000 contracts).
   */
  private async changedSubjects(type: SubjectType, onlyChanged: boolean): Promise<string[]> {
    return this.tx.run(async (m) => {
      await disableJit(m);
      return (await this.subjects.fingerprints(m, type, { onlyChanged })).map((s) => s.id);
    });
  }

  /** What the caller's enterprise may claim (administrators: any enterprise's, by query). */
  async list(
    actor: Principal,
    query: { enterpriseId?: string; year?: number; subjectId?: string; eligibleOnly?: boolean; limit?: number; offset?: number },
  ): Promise<PageOf<CandidateView>> {
    const page = { limit: query.limit ?? 20, offset: query.offset ?? 0 };
    const enterpriseId = actor.organizationType === 'enterprise' ? actor.organizationId : (query.enterpriseId ?? null);
    // An authority's administrators see the candidates under their own policies; the operator all.
    const authorityId = actor.organizationType === 'authority' && !actor.roles.includes('platform_admin') ? actor.organizationId : null;
    const filter = { enterpriseId, year: query.year ?? null, subjectId: query.subjectId ?? null, eligibleOnly: query.eligibleOnly ?? false, authorityId };
    const { rows, total } = await listCandidateRows(this.db, filter, page);
    // Which candidates of a subject and year form the best option (combinable together, or the best exclusive one), over whole groups.
    const whole = rows.length ? await candidateRowsOfSubjects(this.db, filter, [...new Set(rows.map((r) => r.subjectId))]) : [];
    const groups = new Map<string, typeof rows>();
    for (const r of whole) groups.set(`${r.subjectId}:${r.year}`, [...(groups.get(`${r.subjectId}:${r.year}`) ?? []), r]);
    const applied = new Set<string>();
    for (const group of groups.values()) {
      const best = resolveStacking(group.map((r) => ({ policyId: r.id, stacking: r.policyStacking, amountFen: BigInt(r.amountFen) })));
      for (const id of best.applied) applied.add(id);
    }
    const items = rows.map(({ policyId, policyName, documentNumber, authorityName, policyStacking, ...r }) => ({
      ...r,
      policy: { id: policyId, name: policyName, documentNumber, authorityName, stacking: policyStacking },
      stacking: BigInt(r.amountFen) > 0n ? (applied.has(r.id) ? ('applies' as const) : ('superseded' as const)) : null,
    }));
    return { items, total, ...page };
  }

  /**
   * Active policies of the subjects' kind, with their authority's region. Parsed terms are cached
   * by policy version (a new version is a new key); the budget figures are read fresh every time.
   */
  private async activePolicies(m: EntityManager, type: SubjectType): Promise<(LoadedPolicy & { regionCode: string })[]> {
    const rows = await activePolicyRows(m, type === 'contract' ? 'contract' : 'research_funding');
    const loaded: (LoadedPolicy & { regionCode: string })[] = [];
    for (const r of rows) {
      const key = `${r.id}:${r.version}`;
      let policy = this.termsCache.get(key);
      if (!policy) {
        policy = await this.policies.load(m, r.id);
        if (this.termsCache.size > 1000) this.termsCache.clear();
        if (policy.version === r.version) this.termsCache.set(key, policy);
      }
      loaded.push({ ...policy, budgetFen: BigInt(r.budget), reservedFen: BigInt(r.reserved), paidFen: BigInt(r.paid), regionCode: r.region_code });
    }
    return loaded;
  }
}
