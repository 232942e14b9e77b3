import { Inject, Injectable } from '@nestjs/common';
import { type Clock, CLOCK, ConflictError, ForbiddenError, newId, NotFoundError, todayInShanghai, ValidationError } from '@zjp/core';
import { recordAudit, TransactionRunner } from '@zjp/database';
import { isKnownRegion } from '@zjp/identity';
import type { PageOf, Principal } from '@zjp/platform';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { assertMayReadHolder, isAdministrator, readableOrgs } from '../access';
import { IdleScanService } from '../compliance/idle-scan.service';
import type { RegistryImportJob } from '../jobs';
import type { RegistryImportDto } from './dto/registry-import.dto';
import { type CellError, duplicatesInFile, type ImportRow, parseImportRow } from './import-rows';
import { readSheet, SheetError } from './import-sheet';
import {
  finishImport,
  getImport,
  type ImportRecord,
  importFile,
  type ImportListItem,
  listImports,
  type ImportResult,
  insertImport,
  insertImportedChunk,
  lockImport,
  organizationType,
  ruleStatesOf,
  saveReport,
  startCommit,
  takenNumbers,
} from './registry-imports.repository';

/** Rows written (and progress reported) per statement of a commit. */
const CHUNK = 500;
/** The report keeps at most this many cell errors (a sheet with more has a systematic problem: the first ones show it). */
const MAX_REPORTED_ERRORS = 5_000;

export interface ImportProgress {
  phase: 'validating' | 'committing';
  rowsDone: number;
  rowsTotal: number;
  percent: number;
}

/**
 * Importing a registry (issue 18): the sheet is uploaded, checked row by row in the worker (the
 * dry run: nothing is written but the report), then committed in the worker in one transaction,
 * all rows or none. Both steps report progress through the job; afterwards P-2Y / P-3Y are
 * applied as of today and the import says what became idle, use-first or free-licence eligible.
 */
@Injectable()
export class RegistryImportsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    private readonly scans: IdleScanService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Stores the upload; the caller queues its dry run under `jobId` (the job is named on the import, so its progress can be found). */
  async upload(
    actor: Principal,
    file: { originalname: string; buffer: Buffer } | undefined,
    dto: RegistryImportDto,
  ): Promise<{ id: string; holderId: string; status: string; jobId: string }> {
    if (!file || file.buffer.length === 0) throw new ValidationError([{ field: 'file', code: 'required', message: '请选择要上传的 XLSX 或 CSV 文件' }]);
    const holderId = await this.holderFor(actor, dto.holderId);
    const id = newId(this.clock);
    const jobId = `registry-import-validate-${id}`;
    await this.tx.run(async (m) => {
      await insertImport(m, {
        id,
        holderId,
        createdBy: actor.userId,
        createdAt: this.clock.now(),
        fileName: file.originalname.slice(0, 200) || 'upload',
        file: file.buffer,
        jobId,
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'registry_import.uploaded',
        subjectType: 'registry_import',
        subjectId: id,
        data: { holderId, bytes: file.buffer.length },
        occurredAt: this.clock.now(),
      });
    });
    return { id, holderId, status: 'validating', jobId };
  }

  /** A holder's imports; an administrator's: those of the holders it may read (one holder when named). */
  async list(actor: Principal, query: { holderId?: string; limit: number; offset: number }): Promise<PageOf<ImportListItem>> {
    const page = { limit: query.limit, offset: query.offset };
    let scope: { organizationId: string | null; regionPrefix: string | null };
    if (query.holderId) {
      await assertMayReadHolder(this.db, actor, query.holderId);
      scope = { organizationId: query.holderId, regionPrefix: null };
    } else if (isAdministrator(actor)) scope = await readableOrgs(this.db, actor);
    else scope = { organizationId: actor.organizationId, regionPrefix: null };
    return { ...(await listImports(this.db, scope.organizationId, scope.regionPrefix, page)), ...page };
  }

  async get(actor: Principal, id: string): Promise<ImportRecord> {
    const record = await getImport(this.db, id);
    if (!record) throw new NotFoundError('IMPORT_NOT_FOUND', 'No such import');
    await this.assertMaySee(actor, record.holderId);
    return record;
  }

  /** Marks a validated import as committing; the caller queues the commit under `jobId`. */
  async commit(actor: Principal, id: string): Promise<{ id: string; status: string; jobId: string }> {
    const jobId = `registry-import-commit-${id}`;
    await this.tx.run(async (m) => {
      const record = await lockImport(m, id);
      if (!record) throw new NotFoundError('IMPORT_NOT_FOUND', 'No such import');
      await this.assertMaySee(actor, record.holderId);
      assertImports(actor, record.holderId);
      if (record.status !== 'validated')
        throw new ConflictError('IMPORT_NOT_VALIDATED', `Only an import whose dry run found no problem can be committed (this one is ${record.status})`);
      await startCommit(m, id, jobId, actor.userId);
    });
    return { id, status: 'committing', jobId };
  }

  /** The worker's dry run: every row checked, the report stored; nothing else is written. */
  async runValidation(job: Job<RegistryImportJob>): Promise<{ status: string; rowsTotal: number; errors: number }> {
    const id = job.data.importId;
    const bytes = await importFile(this.db, id);
    if (!bytes) throw new Error(`import ${id} is gone`);
    let sheet: Awaited<ReturnType<typeof readSheet>>;
    try {
      sheet = await readSheet(bytes);
    } catch (e) {
      if (!(e instanceof SheetError)) throw e;
      await saveReport(this.db, id, {
        format: null,
        status: 'invalid',
        rowsTotal: null,
        rowsValid: null,
        report: { fileProblems: e.problems, errors: [] },
        parsed: null,
      });
      return { status: 'invalid', rowsTotal: 0, errors: e.problems.length };
    }
    const today = todayInShanghai(this.clock);
    const total = sheet.rows.length;
    const parsed: ImportRow[] = [];
    const errors: CellError[] = [];
    for (let i = 0; i < total; i++) {
      const { row, raw } = sheet.rows[i];
      const result = parseImportRow(row, raw, today, isKnownRegion);
      if ('ok' in result) parsed.push(result.ok);
      else errors.push(...result.errors);
      if ((i + 1) % CHUNK === 0 || i + 1 === total) await job.updateProgress(progressOf('validating', i + 1, total));
    }
    errors.push(...duplicatesInFile(parsed));
    const taken = await takenNumbers(
      this.db,
      parsed.flatMap((r) => (r.ip.number ? [r.ip.number] : [])),
    );
    for (const r of parsed)
      if (r.ip.number && taken.has(r.ip.number)) errors.push({ row: r.row, column: '知识产权号', code: 'numberTaken', message: `${r.ip.number} 已在平台登记` });
    errors.sort((a, b) => a.row - b.row);
    const badRows = new Set(errors.map((e) => e.row)).size;
    await saveReport(this.db, id, {
      format: sheet.format,
      status: errors.length === 0 ? 'validated' : 'invalid',
      rowsTotal: total,
      rowsValid: total - badRows,
      report: { fileProblems: [], errors: errors.slice(0, MAX_REPORTED_ERRORS) },
      parsed: errors.length === 0 ? parsed : null,
    });
    return { status: errors.length === 0 ? 'validated' : 'invalid', rowsTotal: total, errors: errors.length };
  }

  /** The worker's commit: all rows in one transaction (or none), then P-2Y / P-3Y as of today. */
  async runCommit(job: Job<RegistryImportJob>): Promise<{ status: string; created: number }> {
    const id = job.data.importId;
    try {
      return await this.tx.run(async (m) => {
        const record = await lockImport(m, id);
        if (!record || record.status !== 'committing' || !record.parsed) return { status: record?.status ?? 'missing', created: 0 };
        const rows = record.parsed;
        // The platform may have registered some of these numbers since the dry run.
        const taken = await takenNumbers(
          m,
          rows.flatMap((r) => (r.ip.number ? [r.ip.number] : [])),
        );
        if (taken.size > 0) {
          const errors = rows
            .filter((r) => r.ip.number && taken.has(r.ip.number))
            .map((r): CellError => ({ row: r.row, column: '知识产权号', code: 'numberTaken', message: `${r.ip.number} 已在平台登记` }));
          await saveReport(m, id, {
            format: null,
            status: 'invalid',
            rowsTotal: rows.length,
            rowsValid: rows.length - errors.length,
            report: { fileProblems: [], errors },
            parsed: null,
          });
          return { status: 'invalid', created: 0 };
        }
        const today = todayInShanghai(this.clock);
        const now = this.clock.now();
        const by = job.data.by ?? '';
        const created = rows.map((row) => ({
          id: newId(this.clock),
          ipRightId: newId(this.clock),
          row,
          transformationId: row.transformation ? newId(this.clock) : null,
          justificationId: row.justification ? newId(this.clock) : null,
        }));
        for (let i = 0; i < created.length; i += CHUNK) {
          await insertImportedChunk(m, record.holderId, by, today.toString(), now, created.slice(i, i + CHUNK));
          await job.updateProgress(progressOf('committing', Math.min(i + CHUNK, created.length), created.length));
        }
        await this.scans.scanIn(m, today); // today's rules over the registry as it now stands
        const states = await ruleStatesOf(
          m,
          created.map((c) => c.id),
        );
        const byRuleState: Record<string, number> = {};
        for (const s of states) byRuleState[s.ruleState] = (byRuleState[s.ruleState] ?? 0) + 1;
        const result: ImportResult = { created: created.length, byRuleState, achievements: states.filter((s) => s.ruleState !== 'clear') };
        await finishImport(m, id, 'committed', result, null, now);
        await recordAudit(m, {
          actorUserId: by || null,
          action: 'registry_import.committed',
          subjectType: 'registry_import',
          subjectId: id,
          data: { holderId: record.holderId, created: created.length, byRuleState, recordedHistory: true },
          occurredAt: now,
        });
        return { status: 'committed', created: created.length };
      });
    } catch (e) {
      // Nothing of the import was written (the transaction rolled back); say why on the import.
      await finishImport(this.db, id, 'failed', null, e instanceof Error ? e.message.slice(0, 500) : String(e), null);
      throw e;
    }
  }

  /** The holder an import is for: the caller's own organisation, or the one an operator names. */
  private async holderFor(actor: Principal, holderId: string | undefined): Promise<string> {
    const target = holderId ?? actor.organizationId;
    assertImports(actor, target);
    if ((await organizationType(this.db, target)) !== 'holder')
      throw new ValidationError([{ field: 'holderId', code: 'notAHolder', message: 'registries are imported for a holder organisation' }]);
    return target;
  }

  private async assertMaySee(actor: Principal, holderId: string): Promise<void> {
    try {
      await assertMayReadHolder(this.db, actor, holderId);
    } catch {
      throw new NotFoundError('IMPORT_NOT_FOUND', 'No such import'); // another holder's import does not exist for the caller
    }
  }
}

function assertImports(actor: Principal, holderId: string): void {
  if (actor.roles.includes('platform_admin')) return;
  if (actor.organizationId === holderId && actor.roles.includes('holder_admin')) return;
  throw new ForbiddenError('ORGANIZATION_BOUNDARY', "Only the holder's administrator or the operator may import its registry");
}

function progressOf(phase: ImportProgress['phase'], done: number, total: number): ImportProgress {
  return { phase, rowsDone: done, rowsTotal: total, percent: total === 0 ? 100 : Math.floor((done * 100) / total) };
}
