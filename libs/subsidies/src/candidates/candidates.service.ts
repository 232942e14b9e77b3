import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, CLOCK, regionCovers } from '@zjp/core';
import { TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { entitlementFrom, loadGranted } from '../applications/entitlement';
import { inForceDuring, resolveStacking, type SubsidyCalculation, type SubsidyExplanation } from '../domain';
import { SubsidyPoliciesService, type LoadedPolicy } from '../policies/policies.service';
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
      await m.query(
        `SELECT pg_advisory_xact_lock(k.key) FROM (SELECT DISTINCT hashtext('subsidy-candidates:' || id) AS key FROM unnest($1::text[]) AS id ORDER BY key) AS k`,
        [ids],
      );
      const prints = new Map((await this.subjects.fingerprints(m, type, { ids, onlyChanged: false })).map((p) => [p.id, p.fingerprint]));
      const subjects = await this.subjects.loadMany(m, type, [...prints.keys()]);
      const policies = await this.activePolicies(m, type);
      const granted = await loadGranted(m, policies.map((p) => p.id), [...subjects.values()].map((s) => s.enterpriseId));
      const rows: CandidateRow[] = [];
      for (const subject of subjects.values()) {
        for (const policy of policies) {
          // Only policies whose authority covers the enterprise's region: others are not its to claim.
          if (!regionCovers(policy.regionCode, subject.enterpriseRegionCode)) continue;
          for (const year of subject.claimYears) {
            if (!inForceDuring(policy.terms, year)) continue;
            rows.push({ policyId: policy.id, policyVersion: policy.version, subjectId: subject.id, enterpriseId: subject.enterpriseId, year, result: entitlementFrom(policy, subject, year, granted) });
          }
        }
      }
      const now = this.clock.now();
      const kept = await this.upsertCandidates(m, type, rows, now);
      await m.query(
        `DELETE FROM subsidy_candidates c WHERE c.subject_type = $1 AND c.subject_id = ANY($2::uuid[])
           AND NOT EXISTS (SELECT 1 FROM unnest($3::uuid[]) AS k (id) WHERE k.id = c.id)`,
        [type, ids, kept],
      );
      const gone = ids.filter((id) => !subjects.has(id));
      if (gone.length) await m.query(`DELETE FROM subsidy_candidate_runs WHERE subject_type = $1 AND subject_id = ANY($2::uuid[])`, [type, gone]);
      if (subjects.size) {
        await m.query(
          `INSERT INTO subsidy_candidate_runs (subject_type, subject_id, fingerprint, computed_at)
           SELECT $1, r.id, r.fingerprint, $4 FROM unnest($2::uuid[], $3::text[]) AS r (id, fingerprint)
           ON CONFLICT (subject_type, subject_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, computed_at = EXCLUDED.computed_at`,
          [type, [...subjects.keys()], [...subjects.keys()].map((id) => prints.get(id)), now],
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
      await m.query(`SET LOCAL jit = off`);
      return (await this.subjects.fingerprints(m, type, { onlyChanged })).map((s) => s.id);
    });
  }

  /** What the caller's enterprise may claim (administrators: any enterprise's, by query). */
  async list(actor: Principal, query: { enterpriseId?: string; year?: number; subjectId?: string; eligibleOnly?: boolean }): Promise<CandidateView[]> {
    const enterpriseId = actor.organizationType === 'enterprise' ? actor.organizationId : (query.enterpriseId ?? null);
    // An authority's administrators see the candidates under their own policies; the operator all.
    const authorityId = actor.organizationType === 'authority' && !actor.roles.includes('platform_admin') ? actor.organizationId : null;
    const rows = (await this.db.query(
      `SELECT c.id, c.subject_type AS "subjectType", c.subject_id AS "subjectId", c.enterprise_id AS "enterpriseId", c.year, c.eligible,
              c.failed_condition AS "failedCondition", c.amount_fen::text AS "amountFen", c.explanation, c.computed_at AS "computedAt",
              p.id AS "policyId", v.name AS "policyName", p.document_number AS "documentNumber", o.name AS "authorityName", v.document->>'stacking' AS "policyStacking",
              a.id AS "applicationId", a.status AS "applicationStatus"
       FROM subsidy_candidates c
       JOIN subsidy_policies p ON p.id = c.policy_id
       JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
       JOIN organization_directory o ON o.id = p.authority_id
       LEFT JOIN subsidy_applications a ON a.policy_id = c.policy_id AND a.subject_type = c.subject_type AND a.subject_id = c.subject_id
            AND a.enterprise_id = c.enterprise_id AND a.year = c.year AND a.status NOT IN ('rejected', 'withdrawn')
       WHERE ($1::uuid IS NULL OR c.enterprise_id = $1) AND ($2::int IS NULL OR c.year = $2) AND ($3::uuid IS NULL OR c.subject_id = $3)
         AND (NOT $4 OR c.eligible) AND ($5::uuid IS NULL OR p.authority_id = $5) AND p.status = 'active'
       ORDER BY c.subject_id, c.year, c.amount_fen DESC LIMIT 500`,
      [enterpriseId, query.year ?? null, query.subjectId ?? null, query.eligibleOnly ?? false, authorityId],
    )) as (Omit<CandidateView, 'policy' | 'stacking'> & { policyId: string; policyName: string; documentNumber: string; authorityName: string; policyStacking: 'combinable' | 'exclusive' })[];
    // Which candidates of a subject and year form the best option (combinable together, or the best exclusive one).
    const groups = new Map<string, typeof rows>();
    for (const r of rows) groups.set(`${r.subjectId}:${r.year}`, [...(groups.get(`${r.subjectId}:${r.year}`) ?? []), r]);
    const applied = new Set<string>();
    for (const group of groups.values()) {
      const best = resolveStacking(group.map((r) => ({ policyId: r.id, stacking: r.policyStacking, amountFen: BigInt(r.amountFen) })));
      for (const id of best.applied) applied.add(id);
    }
    return rows.map(({ policyId, policyName, documentNumber, authorityName, policyStacking, ...r }) => ({
      ...r,
      policy: { id: policyId, name: policyName, documentNumber, authorityName, stacking: policyStacking },
      stacking: BigInt(r.amountFen) > 0n ? (applied.has(r.id) ? 'applies' : 'superseded') : null,
    }));
  }

  /**
   * Active policies of the subjects' kind, with their authority's region. Parsed terms are cached
   * by policy version (a new version is a new key); the budget figures are read fresh every time.
   */
  private async activePolicies(m: EntityManager, type: SubjectType): Promise<(LoadedPolicy & { regionCode: string })[]> {
    const rows = (await m.query(
      `SELECT p.id, p.current_version AS version, p.budget_fen::text AS budget, p.reserved_fen::text AS reserved, p.paid_fen::text AS paid, o.region_code
       FROM subsidy_policies p JOIN organization_directory o ON o.id = p.authority_id WHERE p.status = 'active' AND p.kind = $1 ORDER BY p.id`,
      [type === 'contract' ? 'contract' : 'research_funding'],
    )) as { id: string; version: number; budget: string; reserved: string; paid: string; region_code: string }[];
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

  /**
   * One upsert for every candidate row; returns their ids. The explanations travel as one JSON
   * array (element i for row i): a text[] of thousands of JSON documents costs more to encode and
   * parse than the rest of the statement.
   */
  private async upsertCandidates(m: EntityManager, type: SubjectType, rows: readonly CandidateRow[], now: Date): Promise<string[]> {
    if (rows.length === 0) return [];
    const written = (await m.query(
      `INSERT INTO subsidy_candidates (policy_id, policy_version, subject_type, subject_id, enterprise_id, year, eligible, failed_condition, amount_fen, explanation, computed_at)
       SELECT r.policy_id, r.policy_version, $1, r.subject_id, r.enterprise_id, r.year, r.eligible, r.failed_condition, r.amount_fen, $11::jsonb -> (r.n::int - 1), $2
       FROM unnest($3::uuid[], $4::int[], $5::uuid[], $6::uuid[], $7::int[], $8::boolean[], $9::text[], $10::bigint[]) WITH ORDINALITY
         AS r (policy_id, policy_version, subject_id, enterprise_id, year, eligible, failed_condition, amount_fen, n)
       ON CONFLICT (policy_id, subject_type, subject_id, enterprise_id, year) DO UPDATE
         SET policy_version = EXCLUDED.policy_version, eligible = EXCLUDED.eligible, failed_condition = EXCLUDED.failed_condition,
             amount_fen = EXCLUDED.amount_fen, explanation = EXCLUDED.explanation, computed_at = EXCLUDED.computed_at
       RETURNING id`,
      [
        type,
        now,
        rows.map((r) => r.policyId),
        rows.map((r) => r.policyVersion),
        rows.map((r) => r.subjectId),
        rows.map((r) => r.enterpriseId),
        rows.map((r) => r.year),
        rows.map((r) => r.result.eligible),
        rows.map((r) => r.result.failedCondition),
        rows.map((r) => r.result.amountFen.toString()),
        `[${rows.map((r) => JSON.stringify(r.result.explanation)).join(',')}]`,
      ],
    )) as { id: string }[];
    return written.map((r) => r.id);
  }
}
