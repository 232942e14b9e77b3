import { queries, type Queryable } from '@zjp/database';
import type { CellError, ImportRow } from './import-rows';

/** Registry imports, and the set-wise writes of a committed one (achievements, IP rights, history). */
const SQL = queries(__filename, {
  insert: `
    INSERT INTO registry_imports (id, holder_id, created_by, created_at, file_name, file, status, job_id)
    VALUES ($1, $2, $3, $4, $5, $6, 'validating', $7)`,
  get: `
    SELECT id, holder_id, created_by, created_at, file_name, format, status, rows_total, rows_valid, report, result, error, job_id, committed_at
      FROM registry_imports WHERE id = $1`,
  file: `SELECT file FROM registry_imports WHERE id = $1`,
  list: `
    SELECT r.id, r.holder_id AS "holderId", r.file_name AS "fileName", r.format, r.status, r.rows_total AS "rowsTotal", r.rows_valid AS "rowsValid",
           (r.result ->> 'created')::int AS created, r.created_at AS "createdAt", r.committed_at AS "committedAt"
      FROM registry_imports r JOIN organization_directory ho ON ho.id = r.holder_id
     WHERE ($1::uuid IS NULL OR ho.id = $1 OR ($2::text IS NOT NULL AND ho.region_code LIKE $2 || '%'))
     ORDER BY r.created_at DESC, r.id LIMIT $3 OFFSET $4`,
  count: `
    SELECT count(*)::int AS total
      FROM registry_imports r JOIN organization_directory ho ON ho.id = r.holder_id
     WHERE ($1::uuid IS NULL OR ho.id = $1 OR ($2::text IS NOT NULL AND ho.region_code LIKE $2 || '%'))`,
  lock: `SELECT id, holder_id, status, parsed, job_id FROM registry_imports WHERE id = $1 FOR UPDATE`,
  saveReport: `UPDATE registry_imports SET format = $2, status = $3, rows_total = $4, rows_valid = $5, report = $6, parsed = $7 WHERE id = $1`,
  startCommit: `UPDATE registry_imports SET status = 'committing', job_id = $2, committed_by = $3, error = NULL WHERE id = $1`,
  finish: `UPDATE registry_imports SET status = $2, result = $3, error = $4, committed_at = $5, parsed = CASE WHEN $2 = 'committed' THEN NULL ELSE parsed END WHERE id = $1`,
  takenNumbers: `SELECT number FROM ip_rights WHERE number = ANY($1::text[])`,
  insertAchievements: `
    INSERT INTO achievements (id, holder_id, title, abstract, technical_field, kind, publicly_funded, obtained_on, registration_status, registered_on,
                              region_code, rule_state, registration_recorded_by, registration_recorded_at, created_at, updated_at)
    SELECT id, $1, title, '', field, kind, funded, obtained::date, 'registered', COALESCE(registered::date, $3::date), region,
           'clear', CASE WHEN registered IS NULL THEN NULL ELSE $2::uuid END, CASE WHEN registered IS NULL THEN NULL ELSE $4::timestamptz END, $4, $4
      FROM unnest($5::uuid[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], $11::text[], $12::text[])
           AS t(id, title, field, kind, funded, obtained, registered, region)`,
  insertIpRights: `
    INSERT INTO ip_rights (id, achievement_id, type, number, granted_on, status, created_at, updated_at)
    SELECT id, achievement_id, type, number, granted::date, 'valid', $1, $1
      FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[]) AS t(id, achievement_id, type, number, granted)`,
  insertTransformations: `
    INSERT INTO transformations (id, achievement_id, kind, license_type, source, status, took_effect_on, description, evidence,
                                 declared_by, decided_by, decided_at, contract_reference, recorded_at, created_at)
    SELECT id, achievement_id, kind, license_type, 'history', 'effective', took::date, '', '[]'::jsonb, $1, $1, $2, reference, $2, $2
      FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[]) AS t(id, achievement_id, kind, license_type, took, reference)`,
  insertJustifications: `
    INSERT INTO justifications (id, achievement_id, category, explanation, starts_on, ends_on, status, submitted_by, submitted_at,
                                reviewed_by, reviewed_at, review_reason, recorded)
    SELECT id, achievement_id, category, '登记库导入的正当理由', starts::date, ends::date, 'approved', $1, $2, $1, $2, 'recorded history (registry import)', true
      FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[]) AS t(id, achievement_id, category, starts, ends)`,
  organizationType: `SELECT type FROM organization_directory WHERE id = $1`,
  states: `SELECT id, title, rule_state FROM achievements WHERE id = ANY($1::uuid[]) ORDER BY title, id`,
});

export type ImportStatus = 'validating' | 'invalid' | 'validated' | 'committing' | 'committed' | 'failed';

export interface ImportReport {
  /** Problems with the file itself (unreadable, headers): nothing was read row by row. */
  fileProblems: { field: string; code: string; message: string }[];
  errors: CellError[];
}

export interface ImportResult {
  created: number;
  byRuleState: Record<string, number>;
  achievements: { id: string; title: string; ruleState: string }[];
}

export interface ImportRecord {
  id: string;
  holderId: string;
  createdBy: string;
  createdAt: Date;
  fileName: string;
  format: string | null;
  status: ImportStatus;
  rowsTotal: number | null;
  rowsValid: number | null;
  report: ImportReport | null;
  result: ImportResult | null;
  error: string | null;
  jobId: string | null;
  committedAt: Date | null;
}

export async function insertImport(
  m: Queryable,
  i: { id: string; holderId: string; createdBy: string; createdAt: Date; fileName: string; file: Buffer; jobId: string },
): Promise<void> {
  await m.query(SQL.insert, [i.id, i.holderId, i.createdBy, i.createdAt, i.fileName, i.file, i.jobId]);
}

export async function getImport(m: Queryable, id: string): Promise<ImportRecord | undefined> {
  const [r] = (await m.query(SQL.get, [id])) as Record<string, unknown>[];
  return (
    r && {
      id: r.id as string,
      holderId: r.holder_id as string,
      createdBy: r.created_by as string,
      createdAt: r.created_at as Date,
      fileName: r.file_name as string,
      format: r.format as string | null,
      status: r.status as ImportStatus,
      rowsTotal: r.rows_total as number | null,
      rowsValid: r.rows_valid as number | null,
      report: r.report as ImportReport | null,
      result: r.result as ImportResult | null,
      error: r.error as string | null,
      jobId: r.job_id as string | null,
      committedAt: r.committed_at as Date | null,
    }
  );
}

export interface ImportListItem {
  id: string;
  holderId: string;
  fileName: string;
  format: string | null;
  status: ImportStatus;
  rowsTotal: number | null;
  rowsValid: number | null;
  created: number | null;
  createdAt: Date;
  committedAt: Date | null;
}

/** A page of the imports of the holders readable with these parameters (null, null: all), latest first. */
export async function listImports(
  m: Queryable,
  organizationId: string | null,
  regionPrefix: string | null,
  page: { limit: number; offset: number },
): Promise<{ items: ImportListItem[]; total: number }> {
  const items = (await m.query(SQL.list, [organizationId, regionPrefix, page.limit, page.offset])) as ImportListItem[];
  const [{ total }] = (await m.query(SQL.count, [organizationId, regionPrefix])) as { total: number }[];
  return { items, total };
}

export async function importFile(m: Queryable, id: string): Promise<Buffer | undefined> {
  return ((await m.query(SQL.file, [id])) as { file: Buffer }[])[0]?.file;
}

export async function lockImport(
  m: Queryable,
  id: string,
): Promise<{ id: string; holderId: string; status: ImportStatus; parsed: ImportRow[] | null; jobId: string | null } | undefined> {
  const [r] = (await m.query(SQL.lock, [id])) as { id: string; holder_id: string; status: ImportStatus; parsed: ImportRow[] | null; job_id: string | null }[];
  return r && { id: r.id, holderId: r.holder_id, status: r.status, parsed: r.parsed, jobId: r.job_id };
}

export async function saveReport(
  m: Queryable,
  id: string,
  r: { format: string | null; status: ImportStatus; rowsTotal: number | null; rowsValid: number | null; report: ImportReport; parsed: ImportRow[] | null },
): Promise<void> {
  await m.query(SQL.saveReport, [
    id,
    r.format,
    r.status,
    r.rowsTotal,
    r.rowsValid,
    JSON.stringify(r.report),
    r.parsed === null ? null : JSON.stringify(r.parsed),
  ]);
}

export async function startCommit(m: Queryable, id: string, jobId: string, by: string): Promise<void> {
  await m.query(SQL.startCommit, [id, jobId, by]);
}

export async function finishImport(
  m: Queryable,
  id: string,
  status: ImportStatus,
  result: ImportResult | null,
  error: string | null,
  at: Date | null,
): Promise<void> {
  await m.query(SQL.finish, [id, status, result === null ? null : JSON.stringify(result), error, at]);
}

/** Which of these IP right numbers are already on the platform. */
export async function takenNumbers(m: Queryable, numbers: readonly string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  return new Set(((await m.query(SQL.takenNumbers, [numbers])) as { number: string }[]).map((r) => r.number));
}

export interface NewImportedAchievement {
  id: string;
  ipRightId: string;
  row: ImportRow;
  transformationId: string | null;
  justificationId: string | null;
}

/** Writes one chunk of imported rows set-wise: achievements (registered), their IP rights, recorded transformations and justifications. */
export async function insertImportedChunk(
  m: Queryable,
  holderId: string,
  by: string,
  today: string,
  at: Date,
  chunk: readonly NewImportedAchievement[],
): Promise<void> {
  const rows = chunk.map((c) => c.row);
  await m.query(SQL.insertAchievements, [
    holderId,
    by,
    today,
    at,
    chunk.map((c) => c.id),
    rows.map((r) => r.title),
    rows.map((r) => r.technicalField),
    rows.map((r) => r.kind),
    rows.map((r) => r.publiclyFunded),
    rows.map((r) => r.obtainedOn),
    rows.map((r) => r.registeredOn),
    rows.map((r) => r.regionCode),
  ]);
  await m.query(SQL.insertIpRights, [
    at,
    chunk.map((c) => c.ipRightId),
    chunk.map((c) => c.id),
    rows.map((r) => r.ip.type),
    rows.map((r) => r.ip.number),
    rows.map((r) => r.ip.grantedOn),
  ]);
  const transformed = chunk.filter((c) => c.transformationId && c.row.transformation);
  if (transformed.length > 0) {
    await m.query(SQL.insertTransformations, [
      by,
      at,
      transformed.map((c) => c.transformationId),
      transformed.map((c) => c.id),
      transformed.map((c) => c.row.transformation!.kind),
      transformed.map((c) => c.row.transformation!.licenseType),
      transformed.map((c) => c.row.transformation!.tookEffectOn),
      transformed.map((c) => c.row.transformation!.contractReference),
    ]);
  }
  const justified = chunk.filter((c) => c.justificationId && c.row.justification);
  if (justified.length > 0) {
    await m.query(SQL.insertJustifications, [
      by,
      at,
      justified.map((c) => c.justificationId),
      justified.map((c) => c.id),
      justified.map((c) => c.row.justification!.category),
      justified.map((c) => c.row.justification!.startsOn),
      justified.map((c) => c.row.justification!.endsOn),
    ]);
  }
}

export async function ruleStatesOf(m: Queryable, ids: readonly string[]): Promise<{ id: string; title: string; ruleState: string }[]> {
  const rows = (await m.query(SQL.states, [ids])) as { id: string; title: string; rule_state: string }[];
  return rows.map((r) => ({ id: r.id, title: r.title, ruleState: r.rule_state }));
}

export async function organizationType(m: Queryable, id: string): Promise<string | undefined> {
  return ((await m.query(SQL.organizationType, [id])) as { type: string }[])[0]?.type;
}
