import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, type FieldError, newId, NotFoundError, shanghaiDate, ValidationError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import { type PageOf, QUEUES, type Principal } from '@zjp/platform';
import { SUBSIDY_JOBS } from '../jobs';
import type { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { assertOwnAuthority, authorityOf, type Authority } from '../access';
import { parsePolicyDocument, policyTermsToDocument, previewSubsidy, type PolicyDocument, type PolicyTerms, type SubsidyCalculation } from '../domain';
import {
  findPolicyRow,
  findPolicyTerms,
  insertPolicy,
  insertPolicyVersion,
  listPolicyRows,
  lockIdByDocumentNumber,
  lockPolicy,
  markWithdrawn,
  policyRowsOfAuthority,
  policyVersions,
  setCurrentVersion,
  versionDocument,
  type PolicyRow,
} from './policies.repository';
import type { ImportPoliciesDto, ListPoliciesQuery, PolicyDocumentDto, UpdatePolicyDto } from './policies.dto';
import type { PolicyPreviewRequestDto } from './policy-responses.dto';

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
  createdByName: string | null;
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
    budget: {
      totalFen: r.budgetFen,
      reservedFen: r.reservedFen,
      paidFen: r.paidFen,
      remainingFen: (BigInt(r.budgetFen) - BigInt(r.reservedFen) - BigInt(r.paidFen)).toString(),
    },
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** JSON with keys sorted at every level: jsonb does not keep the order keys were written in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
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
      await markWithdrawn(m, id, now);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'subsidy_policy.withdrawn',
        subjectType: 'subsidy_policy',
        subjectId: id,
        reason,
        occurredAt: now,
      });
    });
    return this.get(id);
  }

  /** Imports documents for the caller's authority: a new document number creates a policy, a known one a new version. */
  async import(
    actor: Principal,
    dto: ImportPoliciesDto,
  ): Promise<{ results: { documentNumber: string; id: string; outcome: 'created' | 'versioned' | 'unchanged' }[] }> {
    const authority = await authorityOf(this.db, actor);
    const numbers = dto.policies.map((p) => p.documentNumber.trim());
    const duplicates = numbers.map((n, i) => (numbers.indexOf(n) !== i ? i : -1)).filter((i) => i >= 0);
    if (duplicates.length)
      throw new ValidationError(
        duplicates.map((i) => ({ field: `policies[${i}].documentNumber`, code: 'duplicateInFile', message: 'this document number appears twice in the file' })),
      );
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
        const existing = await lockIdByDocumentNumber(m, authority.id, doc.documentNumber.trim());
        if (existing) {
          const outcome = await this.newVersion(m, actor, existing, doc, terms, 'imported');
          out.push({ documentNumber: doc.documentNumber, id: existing, outcome });
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
    const rows = await policyRowsOfAuthority(this.db, authority.id, policyId ?? null);
    if (policyId && !rows[0]) {
      await this.get(policyId); // 404 when it does not exist at all
      throw new NotFoundError('POLICY_NOT_FOUND', 'No such policy of your authority');
    }
    return {
      format: POLICY_EXPORT_FORMAT,
      exportedAt: this.clock.now().toISOString(),
      authority,
      policies: rows.map((r) => ({ ...r.document, budgetFen: r.budgetFen })),
    };
  }

  async get(id: string): Promise<PolicyView> {
    const row = await findPolicyRow(this.db, id);
    if (!row) throw new NotFoundError('POLICY_NOT_FOUND', 'No such subsidy policy');
    return toView(row);
  }

  async list(query: ListPoliciesQuery): Promise<PageOf<PolicyView>> {
    const page = { limit: query.limit, offset: query.offset };
    const { rows, total } = await listPolicyRows(
      this.db,
      {
        authorityId: query.authorityId ?? null,
        kind: query.kind ?? null,
        status: query.status ?? null,
        inForceOn: query.inForceOn ?? null,
      },
      page,
    );
    return { items: rows.map(toView), total, ...page };
  }

  /** A policy's versions, newest first. */
  async versions(id: string, page: { limit: number; offset: number }): Promise<PageOf<PolicyVersionView>> {
    await this.get(id);
    const { rows, total } = await policyVersions(this.db, id, page);
    return { items: rows, total, ...page };
  }

  /**
   * The editor's live preview: a draft document (not saved) parsed as create would parse it, and the
   * engine run on a made-up subject that meets every condition, with the value asked for.
   */
  async preview(actor: Principal, dto: PolicyPreviewRequestDto): Promise<SubsidyCalculation> {
    const authority = await authorityOf(this.db, actor);
    const { terms, budgetFen } = parseOrThrow(dto.policy, authority, 'policy.');
    return previewSubsidy({
      policy: terms,
      budgetFen,
      valueFen: BigInt(dto.valueFen),
      year: dto.year,
      today: shanghaiDate(this.clock.now()),
      enterpriseYearToDateFen: dto.enterpriseYearToDateFen === undefined ? 0n : BigInt(dto.enterpriseYearToDateFen),
    });
  }

  /** A draft document parsed for the caller's authority as create would parse it (a 400 naming every problem). */
  async parseDraft(actor: Principal, dto: PolicyDocumentDto): Promise<{ terms: PolicyTerms; budgetFen: bigint }> {
    return parseOrThrow(dto, await authorityOf(this.db, actor), 'policy.');
  }

  /** The current terms of a policy, for the engine; `forUpdate` locks the budget row. */
  async load(m: Pick<EntityManager, 'query'>, id: string, forUpdate = false): Promise<LoadedPolicy> {
    const r = await findPolicyTerms(m, id, forUpdate);
    if (!r) throw new NotFoundError('POLICY_NOT_FOUND', 'No such subsidy policy');
    const parsed = parsePolicyDocument(r.document, { level: r.authority_level, regionCode: r.region_code });
    if ('errors' in parsed) throw new Error(`stored policy ${id} v${r.current_version} does not parse: ${JSON.stringify(parsed.errors)}`);
    return {
      id: r.id,
      authorityId: r.authority_id,
      kind: r.kind,
      status: r.status,
      version: r.current_version,
      terms: parsed.terms,
      budgetFen: BigInt(r.budget),
      reservedFen: BigInt(r.reserved),
      paidFen: BigInt(r.paid),
      name: r.name,
      documentNumber: r.document_number,
    };
  }

  private async insert(
    m: EntityManager,
    actor: Principal,
    authority: Authority,
    dto: PolicyDocumentDto,
    parsed: { terms: PolicyTerms; budgetFen: bigint },
  ): Promise<string> {
    const id = newId(this.clock);
    const now = this.clock.now();
    const documentNumber = dto.documentNumber.trim();
    try {
      await insertPolicy(m, {
        id,
        authorityId: authority.id,
        kind: parsed.terms.kind,
        documentNumber,
        budgetFen: parsed.budgetFen,
        createdBy: actor.userId,
        at: now,
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError('POLICY_DOCUMENT_NUMBER_TAKEN', `Your authority already has a policy with document number ${documentNumber}`);
      throw err;
    }
    await this.insertVersion(m, actor, id, 1, dto, parsed, null, now);
    await recordAudit(m, {
      actorUserId: actor.userId,
      actorOrganizationId: actor.organizationId,
      action: 'subsidy_policy.created',
      subjectType: 'subsidy_policy',
      subjectId: id,
      data: { documentNumber, kind: parsed.terms.kind },
      occurredAt: now,
    });
    return id;
  }

  private async newVersion(
    m: EntityManager,
    actor: Principal,
    id: string,
    dto: PolicyDocumentDto,
    parsed: { terms: PolicyTerms; budgetFen: bigint },
    reason: string | null,
  ): Promise<'versioned' | 'unchanged'> {
    const row = await this.lock(m, id);
    assertOwnAuthority(actor, row.authority_id);
    if (row.status === 'withdrawn') throw new ConflictError('POLICY_WITHDRAWN', 'A withdrawn policy cannot be changed');
    if (row.kind !== parsed.terms.kind)
      throw new ValidationError([{ field: 'kind', code: 'kindFixed', message: `this policy is a ${row.kind} policy; its kind cannot change` }]);
    const committed = BigInt(row.reserved) + BigInt(row.paid);
    if (parsed.budgetFen < committed)
      throw new ConflictError('BUDGET_BELOW_COMMITTED', `The budget cannot go below what is already approved or paid (${committed} fen)`, {
        committedFen: committed.toString(),
      });
    const document = policyTermsToDocument(parsed.terms, { name: dto.name.trim(), documentNumber: dto.documentNumber.trim(), budgetFen: parsed.budgetFen });
    const current = await versionDocument(m, id, row.current_version);
    if (current && canonicalJson(current) === canonicalJson(document)) return 'unchanged';
    const now = this.clock.now();
    const version = row.current_version + 1;
    try {
      await setCurrentVersion(m, id, version, parsed.budgetFen, document.documentNumber, now);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError('POLICY_DOCUMENT_NUMBER_TAKEN', `Your authority already has a policy with document number ${document.documentNumber}`);
      throw err;
    }
    await this.insertVersion(m, actor, id, version, dto, parsed, reason, now);
    await recordAudit(m, {
      actorUserId: actor.userId,
      actorOrganizationId: actor.organizationId,
      action: 'subsidy_policy.versioned',
      subjectType: 'subsidy_policy',
      subjectId: id,
      reason,
      data: { version },
      occurredAt: now,
    });
    return 'versioned';
  }

  private async insertVersion(
    m: EntityManager,
    actor: Principal,
    id: string,
    version: number,
    dto: PolicyDocumentDto,
    parsed: { terms: PolicyTerms; budgetFen: bigint },
    reason: string | null,
    now: Date,
  ): Promise<void> {
    const document = policyTermsToDocument(parsed.terms, { name: dto.name.trim(), documentNumber: dto.documentNumber.trim(), budgetFen: parsed.budgetFen });
    await insertPolicyVersion(m, id, version, document, reason, actor.userId, now);
  }

  private async lock(m: EntityManager, id: string) {
    const row = await lockPolicy(m, id);
    if (!row) throw new NotFoundError('POLICY_NOT_FOUND', 'No such subsidy policy');
    return row;
  }

  /** A policy change may change every candidate under it: the worker recomputes them. */
  private async recompute(policyId: string): Promise<void> {
    await this.queue.add(
      SUBSIDY_JOBS.sweepCandidates,
      { policyId },
      { removeOnComplete: 100, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
    );
  }
}
