import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, CLOCK, regionCovers } from '@zjp/core';
import { TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { entitlement } from '../applications/entitlement';
import { inForceDuring, resolveStacking, type SubsidyExplanation } from '../domain';
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

const SWEEP_BATCH = 500;

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
    return this.tx.run(async (m) => {
      // Serialises recomputations of one subject across workers.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('subsidy-candidates:' || $1))`, [id]);
      const [print] = await this.subjects.fingerprints(m, type, { id, onlyChanged: false, limit: 1 });
      const subject = print ? await this.subjects.load(m, type, id) : null;
      if (!subject) {
        await m.query(`DELETE FROM subsidy_candidates WHERE subject_type = $1 AND subject_id = $2`, [type, id]);
        await m.query(`DELETE FROM subsidy_candidate_runs WHERE subject_type = $1 AND subject_id = $2`, [type, id]);
        return { candidates: 0 };
      }
      const policies = await this.policiesFor(m, type, subject.enterpriseRegionCode);
      const now = this.clock.now();
      const kept: string[] = [];
      for (const policy of policies) {
        for (const year of subject.claimYears) {
          if (!inForceDuring(policy.terms, year)) continue;
          const result = await entitlement(m, policy, subject, year);
          const [row] = (await m.query(
            `INSERT INTO subsidy_candidates (policy_id, policy_version, subject_type, subject_id, enterprise_id, year, eligible, failed_condition, amount_fen, explanation, computed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (policy_id, subject_type, subject_id, enterprise_id, year) DO UPDATE
               SET policy_version = EXCLUDED.policy_version, eligible = EXCLUDED.eligible, failed_condition = EXCLUDED.failed_condition,
                   amount_fen = EXCLUDED.amount_fen, explanation = EXCLUDED.explanation, computed_at = EXCLUDED.computed_at
             RETURNING id`,
            [policy.id, policy.version, type, id, subject.enterpriseId, year, result.eligible, result.failedCondition, result.amountFen.toString(), JSON.stringify(result.explanation), now],
          )) as { id: string }[];
          kept.push(row.id);
        }
      }
      await m.query(`DELETE FROM subsidy_candidates WHERE subject_type = $1 AND subject_id = $2 AND NOT (id = ANY($3::uuid[]))`, [type, id, kept]);
      await m.query(
        `INSERT INTO subsidy_candidate_runs (subject_type, subject_id, fingerprint, computed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (subject_type, subject_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, computed_at = EXCLUDED.computed_at`,
        [type, id, print.fingerprint, now],
      );
      return { candidates: kept.length };
    });
  }

  /**
   * The sweep: every subject whose facts changed since its candidates were computed (so a lost
   * job loses nothing), or, after a policy changed, every subject.
   */
  async sweep(options: { all?: boolean } = {}): Promise<{ subjects: number }> {
    let subjects = 0;
    for (const type of ['contract', 'research_funding'] as const) {
      for (;;) {
        const batch = await this.subjects.fingerprints(this.db, type, { onlyChanged: !options.all, limit: options.all ? 100_000 : SWEEP_BATCH });
        for (const s of batch) await this.computeSubject(type, s.id);
        subjects += batch.length;
        if (options.all || batch.length < SWEEP_BATCH) break;
      }
    }
    if (subjects) this.logger.log(`subsidy candidates recomputed for ${subjects} subjects`);
    return { subjects };
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
       JOIN organizations o ON o.id = p.authority_id
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
   * Active policies of the subject's kind whose authority covers the enterprise's region. Parsed
   * terms are cached by policy version (a new version is a new key); the budget figures are read
   * fresh every time.
   */
  private async policiesFor(m: EntityManager, type: SubjectType, enterpriseRegion: string): Promise<LoadedPolicy[]> {
    const rows = (await m.query(
      `SELECT p.id, p.current_version AS version, p.budget_fen::text AS budget, p.reserved_fen::text AS reserved, p.paid_fen::text AS paid, o.region_code
       FROM subsidy_policies p JOIN organizations o ON o.id = p.authority_id WHERE p.status = 'active' AND p.kind = $1 ORDER BY p.id`,
      [type === 'contract' ? 'contract' : 'research_funding'],
    )) as { id: string; version: number; budget: string; reserved: string; paid: string; region_code: string }[];
    const loaded: LoadedPolicy[] = [];
    for (const r of rows) {
      // Only policies whose authority covers the enterprise's region: others are not its to claim.
      if (!regionCovers(r.region_code, enterpriseRegion)) continue;
      const key = `${r.id}:${r.version}`;
      let policy = this.termsCache.get(key);
      if (!policy) {
        policy = await this.policies.load(m, r.id);
        if (this.termsCache.size > 1000) this.termsCache.clear();
        if (policy.version === r.version) this.termsCache.set(key, policy);
      }
      loaded.push({ ...policy, budgetFen: BigInt(r.budget), reservedFen: BigInt(r.reserved), paidFen: BigInt(r.paid) });
    }
    return loaded;
  }
}
