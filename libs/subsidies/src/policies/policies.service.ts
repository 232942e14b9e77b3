import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, type FieldError, newId, NotFoundError, ValidationError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import { QUEUES, type Principal } from '@zjp/platform';
import { SUBSIDY_JOBS } from '../jobs';
import type { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { assertOwnAuthority, authorityOf, type Authority } from '../access';
import { parsePolicyDocument, policyTermsToDocument, type PolicyDocument, type PolicyTerms } from '../domain';
import type { ImportPoliciesDto, ListPoliciesQuery, PolicyDocumentDto, UpdatePolicyDto } from './policies.dto';

export const POLICY_EXPORT_FORMAT = 'zjp.subsidy-policies/1';

export interface PolicyView {
  id: string;
  authority: Authority;
  kind: string;
  status: string;
  version: number;
  name: string;
  documentNumber: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  document: PolicyDocument;
  budget: { totalFen: string; reservedFen: string; paidFen: string; remainingFen: string };
  createdAt: Date;
  updatedAt: Date;
}

export interface PolicyVersionView {
  version: number;
  name: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  document: PolicyDocument;
  changeReason: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface PolicyExport {
  format: typeof POLICY_EXPORT_FORMAT;
  exportedAt: string;
  authority: Authority;
  policies: PolicyDocument[];
}

/** A policy loaded for the engine: its terms at the current version, and its budget. */
export interface LoadedPolicy {
  id: string;
  authorityId: string;
  kind: PolicyTerms['kind'];
  status: string;
  version: number;
  terms: PolicyTerms;
  budgetFen: bigint;
  reservedFen: bigint;
  paidFen: bigint;
  name: string;
  documentNumber: string;
}

interface PolicyRow {
  id: string;
  kind: string;
  status: string;
  version: number;
  documentNumber: string;
  budgetFen: string;
  reservedFen: string;
  paidFen: string;
  createdAt: Date;
  updatedAt: Date;
  name: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  document: PolicyDocument;
  authorityId: string;
  authorityName: string;
  authorityLevel: Authority['level'];
  authorityRegion: string;
}

const SELECT = `SELECT p.id, p.kind, p.status, p.current_version AS version, p.document_number AS "documentNumber",
    p.budget_fen::text AS "budgetFen", p.reserved_fen::text AS "reservedFen", p.paid_fen::text AS "paidFen", p.created_at AS "createdAt", p.updated_at AS "updatedAt",
    v.name, to_char(v.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(v.effective_to, 'YYYY-MM-DD') AS "effectiveTo", v.document,
    o.id AS "authorityId", o.name AS "authorityName", o.authority_level AS "authorityLevel", o.region_code AS "authorityRegion"
  FROM subsidy_policies p
  JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
  JOIN organization_directory o ON o.id = p.authority_id`;

function toView(r: PolicyRow): PolicyView {
  return {
    id: r.id,
    authority: { id: r.authorityId, name: r.authorityName, level: r.authorityLevel, regionCode: r.authorityRegion },
    kind: r.kind,
    status: r.status,
    version: r.version,
    name: r.name,
    documentNumber: r.documentNumber,
    effectiveFrom: r.effectiveFrom,
    effectiveTo: r.effectiveTo,
    document: { ...r.document, budgetFen: r.budgetFen },
    budget: { totalFen: r.budgetFen, reservedFen: r.reservedFen, paidFen: r.paidFen, remainingFen: (BigInt(r.budgetFen) - BigInt(r.reservedFen) - BigInt(r.paidFen)).toString() },
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** JSON with keys sorted at every level: jsonb does not keep the order keys were written in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function parseOrThrow(dto: PolicyDocumentDto, authority: Authority, prefix = ''): { terms: PolicyTerms; budgetFen: bigint } {
  const parsed = parsePolicyDocument(dto, { level: authority.level, regionCode: authority.regionCode });
  if ('errors' in parsed) throw new ValidationError(parsed.errors.map((e: FieldError) => ({ ...e, field: `${prefix}${e.field}` })));
  return parsed;
}

/**
 * Subsidy policies as data: an authority's administrators create, version, withdraw, export and
 * import them. A version is never changed; applications record the version they were computed on.
 */
@Injectable()
export class SubsidyPoliciesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @InjectQueue(QUEUES.subsidies) private readonly queue: Queue,
  ) {}

  async create(actor: Principal, dto: PolicyDocumentDto): Promise<PolicyView> {
    const authority = await authorityOf(this.db, actor);
    const parsed = parseOrThrow(dto, authority);
    const id = await this.tx.run((m) => this.insert(m, actor, authority, dto, parsed));
    await this.recompute(id);
    return this.get(id);
  }

  async update(actor: Principal, id: string, dto: UpdatePolicyDto): Promise<PolicyView> {
    const authority = await authorityOf(this.db, actor);
    const parsed = parseOrThrow(dto, authority);
    await this.tx.run(async (m) => {
      const outcome = await this.newVersion(m, actor, id, dto, parsed, dto.changeReason ?? null);
      if (outcome === 'unchanged') throw new ConflictError('POLICY_UNCHANGED', 'The document is the same as the current version');
    });
    await this.recompute(id);
    return this.get(id);
  }

  async withdraw(actor: Principal, id: string, reason: string): Promise<PolicyView> {
    await this.tx.run(async (m) => {
      const row = await this.lock(m, id);
      assertOwnAuthority(actor, row.authority_id);
      if (row.status === 'withdrawn') throw new ConflictError('POLICY_WITHDRAWN', 'This policy is already withdrawn');
      const now = this.clock.now();
      await m.query(`UPDATE subsidy_policies SET status = 'withdrawn', withdrawn_at = $2, updated_at = $2 WHERE id = $1`, [id, now]);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'subsidy_policy.withdrawn', subjectType: 'subsidy_policy', subjectId: id, reason, occurredAt: now });
    });
    return this.get(id);
  }

  /** Imports documents for the caller's authority: a new document number creates a policy, a known one a new version. */
  async import(actor: Principal, dto: ImportPoliciesDto): Promise<{ results: { documentNumber: string; id: string; outcome: 'created' | 'versioned' | 'unchanged' }[] }> {
    const authority = await authorityOf(this.db, actor);
    const numbers = dto.policies.map((p) => p.documentNumber.trim());
    const duplicates = numbers.map((n, i) => (numbers.indexOf(n) !== i ? i : -1)).filter((i) => i >= 0);
    if (duplicates.length) throw new ValidationError(duplicates.map((i) => ({ field: `policies[${i}].documentNumber`, code: 'duplicateInFile', message: 'this document number appears twice in the file' })));
    const parsed = dto.policies.map((p, i) => {
      try {
        return parseOrThrow(p, authority, `policies[${i}].`);
      } catch (err) {
        return err as ValidationError;
      }
    });
    const problems = parsed.flatMap((p) => (p instanceof ValidationError ? p.details : []));
    if (problems.length) throw new ValidationError(problems);

    const results = await this.tx.run(async (m) => {
      const out: { documentNumber: string; id: string; outcome: 'created' | 'versioned' | 'unchanged' }[] = [];
      for (const [i, doc] of dto.policies.entries()) {
        const terms = parsed[i] as { terms: PolicyTerms; budgetFen: bigint };
        const existing = (await m.query(`SELECT id FROM subsidy_policies WHERE authority_id = $1 AND document_number = $2 FOR UPDATE`, [authority.id, doc.documentNumber.trim()])) as { id: string }[];
        if (existing[0]) {
          const outcome = await this.newVersion(m, actor, existing[0].id, doc, terms, 'imported');
          out.push({ documentNumber: doc.documentNumber, id: existing[0].id, outcome });
        } else {
          out.push({ documentNumber: doc.documentNumber, id: await this.insert(m, actor, authority, doc, terms), outcome: 'created' });
        }
      }
      return out;
    });
    for (const r of results) if (r.outcome !== 'unchanged') await this.recompute(r.id);
    return { results };
  }

  async export(actor: Principal, policyId?: string): Promise<PolicyExport> {
    const authority = await authorityOf(this.db, actor);
    const rows = (await this.db.query(`${SELECT} WHERE p.authority_id = $1 AND ($2::uuid IS NULL OR p.id = $2) ORDER BY p.created_at`, [authority.id, policyId ?? null])) as PolicyRow[];
    if (policyId && !rows[0]) {
      await this.get(policyId); // 404 when it does not exist at all
      throw new NotFoundError('POLICY_NOT_FOUND', "No such policy of your authority");
    }
    return { format: POLICY_EXPORT_FORMAT, exportedAt: this.clock.now().toISOString(), authority, policies: rows.map((r) => ({ ...r.document, budgetFen: r.budgetFen })) };
  }

  async get(id: string): Promise<PolicyView> {
    const rows = (await this.db.query(`${SELECT} WHERE p.id = $1`, [id])) as PolicyRow[];
    if (!rows[0]) throw new NotFoundError('POLICY_NOT_FOUND', 'No such subsidy policy');
    return toView(rows[0]);
  }

  async list(query: ListPoliciesQuery): Promise<PolicyView[]> {
    const rows = (await this.db.query(
      `${SELECT} WHERE ($1::uuid IS NULL OR p.authority_id = $1) AND ($2::text IS NULL OR p.kind = $2) AND ($3::text IS NULL OR p.status = $3)
         AND ($4::date IS NULL OR (v.effective_from <= $4 AND (v.effective_to IS NULL OR v.effective_to >= $4)))
       ORDER BY o.region_code, p.created_at LIMIT 500`,
      [query.authorityId ?? null, query.kind ?? null, query.status ?? null, query.inForceOn ?? null],
    )) as PolicyRow[];
    return rows.map(toView);
  }

  async versions(id: string): Promise<PolicyVersionView[]> {
    await this.get(id);
    return (await this.db.query(
      `SELECT version, name, to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(effective_to, 'YYYY-MM-DD') AS "effectiveTo", document,
              change_reason AS "changeReason", created_by AS "createdBy", created_at AS "createdAt"
       FROM subsidy_policy_versions WHERE policy_id = $1 ORDER BY version`,
      [id],
    )) as PolicyVersionView[];
  }

  /** The current terms of a policy, for the engine; `forUpdate` locks the budget row. */
  async load(m: Pick<EntityManager, 'query'>, id: string, forUpdate = false): Promise<LoadedPolicy> {
    const rows = (await m.query(
      `SELECT p.id, p.authority_id, p.kind, p.status, p.current_version, p.budget_fen::text AS budget, p.reserved_fen::text AS reserved, p.paid_fen::text AS paid, p.document_number,
              v.name, v.document, o.authority_level, o.region_code
       FROM subsidy_policies p JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = p.current_version JOIN organization_directory o ON o.id = p.authority_id
       WHERE p.id = $1 ${forUpdate ? 'FOR UPDATE OF p' : ''}`,
      [id],
    )) as { id: string; authority_id: string; kind: PolicyTerms['kind']; status: string; current_version: number; budget: string; reserved: string; paid: string; document_number: string; name: string; document: PolicyDocument; authority_level: Authority['level']; region_code: string }[];
    const r = rows[0];
    if (!r) throw new NotFoundError('POLICY_NOT_FOUND', 'No such subsidy policy');
    const parsed = parsePolicyDocument(r.document, { level: r.authority_level, regionCode: r.region_code });
    if ('errors' in parsed) throw new Error(`stored policy ${id} v${r.current_version} does not parse: ${JSON.stringify(parsed.errors)}`);
    return {
      id: r.id, authorityId: r.authority_id, kind: r.kind, status: r.status, version: r.current_version, terms: parsed.terms,
      budgetFen: BigInt(r.budget), reservedFen: BigInt(r.reserved), paidFen: BigInt(r.paid), name: r.name, documentNumber: r.document_number,
    };
  }

  private async insert(m: EntityManager, actor: Principal, authority: Authority, dto: PolicyDocumentDto, parsed: { terms: PolicyTerms; budgetFen: bigint }): Promise<string> {
    const id = newId(this.clock);
    const now = this.clock.now();
    const documentNumber = dto.documentNumber.trim();
    try {
      await m.query(
        `INSERT INTO subsidy_policies (id, authority_id, kind, document_number, budget_fen, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
        [id, authority.id, parsed.terms.kind, documentNumber, parsed.budgetFen.toString(), actor.userId, now],
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('POLICY_DOCUMENT_NUMBER_TAKEN', `Your authority already has a policy with document number ${documentNumber}`);
      throw err;
    }
    await this.insertVersion(m, actor, id, 1, dto, parsed, null, now);
    await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'subsidy_policy.created', subjectType: 'subsidy_policy', subjectId: id, data: { documentNumber, kind: parsed.terms.kind }, occurredAt: now });
    return id;
  }

  private async newVersion(m: EntityManager, actor: Principal, id: string, dto: PolicyDocumentDto, parsed: { terms: PolicyTerms; budgetFen: bigint }, reason: string | null): Promise<'versioned' | 'unchanged'> {
    const row = await this.lock(m, id);
    assertOwnAuthority(actor, row.authority_id);
    if (row.status === 'withdrawn') throw new ConflictError('POLICY_WITHDRAWN', 'A withdrawn policy cannot be changed');
    if (row.kind !== parsed.terms.kind) throw new ValidationError([{ field: 'kind', code: 'kindFixed', message: `this policy is a ${row.kind} policy; its kind cannot change` }]);
    const committed = BigInt(row.reserved) + BigInt(row.paid);
    if (parsed.budgetFen < committed) throw new ConflictError('BUDGET_BELOW_COMMITTED', `The budget cannot go below what is already approved or paid (${committed} fen)`, { committedFen: committed.toString() });
    const document = policyTermsToDocument(parsed.terms, { name: dto.name.trim(), documentNumber: dto.documentNumber.trim(), budgetFen: parsed.budgetFen });
    const current = (await m.query(`SELECT document FROM subsidy_policy_versions WHERE policy_id = $1 AND version = $2`, [id, row.current_version])) as { document: PolicyDocument }[];
    if (current[0] && canonicalJson(current[0].document) === canonicalJson(document)) return 'unchanged';
    const now = this.clock.now();
    const version = row.current_version + 1;
    try {
      await m.query(`UPDATE subsidy_policies SET current_version = $2, budget_fen = $3, document_number = $4, updated_at = $5 WHERE id = $1`, [id, version, parsed.budgetFen.toString(), document.documentNumber, now]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('POLICY_DOCUMENT_NUMBER_TAKEN', `Your authority already has a policy with document number ${document.documentNumber}`);
      throw err;
    }
    await this.insertVersion(m, actor, id, version, dto, parsed, reason, now);
    await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'subsidy_policy.versioned', subjectType: 'subsidy_policy', subjectId: id, reason, data: { version }, occurredAt: now });
    return 'versioned';
  }

  private async insertVersion(m: EntityManager, actor: Principal, id: string, version: number, dto: PolicyDocumentDto, parsed: { terms: PolicyTerms; budgetFen: bigint }, reason: string | null, now: Date): Promise<void> {
    const document = policyTermsToDocument(parsed.terms, { name: dto.name.trim(), documentNumber: dto.documentNumber.trim(), budgetFen: parsed.budgetFen });
    await m.query(
      `INSERT INTO subsidy_policy_versions (policy_id, version, name, effective_from, effective_to, document, change_reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, version, document.name, document.effectiveFrom, document.effectiveTo ?? null, JSON.stringify(document), reason, actor.userId, now],
    );
  }

  private async lock(m: EntityManager, id: string) {
    const rows = (await m.query(`SELECT authority_id, kind, status, current_version, reserved_fen::text AS reserved, paid_fen::text AS paid FROM subsidy_policies WHERE id = $1 FOR UPDATE`, [id])) as {
      authority_id: string; kind: string; status: string; current_version: number; reserved: string; paid: string;
    }[];
    if (!rows[0]) throw new NotFoundError('POLICY_NOT_FOUND', 'No such subsidy policy');
    return rows[0];
  }

  /** A policy change may change every candidate under it: the worker recomputes them. */
  private async recompute(policyId: string): Promise<void> {
    await this.queue.add(SUBSIDY_JOBS.sweepCandidates, { policyId }, { removeOnComplete: 100, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } });
  }
}
