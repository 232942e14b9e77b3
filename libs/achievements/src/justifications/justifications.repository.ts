import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';
import type { JustificationView } from './dto/justification.dto';

const COLUMNS = `j.id, j.achievement_id AS "achievementId", a.title AS "achievementTitle", a.holder_id AS "holderId", ho.name AS "holderName",
           j.category, j.explanation, to_char(j.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(j.ends_on, 'YYYY-MM-DD') AS "endsOn", j.status,
           j.recorded, j.documents, j.submitted_at AS "submittedAt", j.reviewed_at AS "reviewedAt", j.review_reason AS "reviewReason"`;
const FROM = `FROM justifications j JOIN achievements a ON a.id = j.achievement_id JOIN organization_directory ho ON ho.id = a.holder_id`;
// $1 status, $2 achievement, $3 limit, $4 offset; the rest are the list's own
const FILTER = `($1::text IS NULL OR j.status = $1) AND ($2::uuid IS NULL OR j.achievement_id = $2)`;
// pending first (oldest first, a queue), then decided, latest first
const ORDER = `ORDER BY (j.status = 'pending') DESC, CASE WHEN j.status = 'pending' THEN j.submitted_at END ASC, j.submitted_at DESC, j.id`;

const SQL = queries(__filename, {
  hasPending: `SELECT 1 FROM justifications WHERE achievement_id = $1 AND status = 'pending'`,
  insert: `
    INSERT INTO justifications (id, achievement_id, category, explanation, ends_on, submitted_by, submitted_at, documents)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  lock: `SELECT achievement_id, status, to_char(ends_on, 'YYYY-MM-DD') AS ends_on FROM justifications WHERE id = $1 FOR UPDATE`,
  decide: `UPDATE justifications SET status = $2, reviewed_by = $3, reviewed_at = $4, review_reason = $5, ends_on = COALESCE($6::date, ends_on) WHERE id = $1`,
  view: `
    SELECT ${COLUMNS} ${FROM}
     WHERE j.id = $1`,
  listForHolder: `
    SELECT ${COLUMNS}, count(*) OVER () AS total ${FROM}
     WHERE ${FILTER} AND a.holder_id = $5
     ${ORDER} LIMIT $3 OFFSET $4`,
  listReadable: `
    SELECT ${COLUMNS}, count(*) OVER () AS total ${FROM}
     WHERE ${FILTER}
       AND ($5::uuid IS NULL OR ho.id = $5 OR ($6::text IS NOT NULL AND ho.region_code LIKE $6 || '%'))
     ${ORDER} LIMIT $3 OFFSET $4`,
  countForHolder: `SELECT count(*)::int AS total ${FROM} WHERE ${FILTER} AND a.holder_id = $3`,
  countReadable: `
    SELECT count(*)::int AS total ${FROM}
     WHERE ${FILTER} AND ($3::uuid IS NULL OR ho.id = $3 OR ($4::text IS NOT NULL AND ho.region_code LIKE $4 || '%'))`,
});

type Query = Pick<EntityManager, 'query'>;

export interface NewJustification {
  id: string;
  achievementId: string;
  category: string;
  explanation: string;
  endsOn: string;
  submittedBy: string;
  submittedAt: Date;
  documents: readonly unknown[];
}

export interface JustificationFilter {
  status: string | null;
  achievementId: string | null;
  limit: number;
  offset: number;
}

type Row = JustificationView & { total?: string; submittedAt: string | Date; reviewedAt: string | Date | null };

const toView = ({ total: _total, ...r }: Row): JustificationView => ({
  ...r,
  submittedAt: new Date(r.submittedAt).toISOString(),
  reviewedAt: r.reviewedAt === null ? null : new Date(r.reviewedAt).toISOString(),
});

export async function hasPendingJustification(m: Query, achievementId: string): Promise<boolean> {
  return ((await m.query(SQL.hasPending, [achievementId])) as unknown[]).length > 0;
}

export async function insertJustification(m: Query, j: NewJustification): Promise<void> {
  await m.query(SQL.insert, [j.id, j.achievementId, j.category, j.explanation, j.endsOn, j.submittedBy, j.submittedAt, JSON.stringify(j.documents)]);
}

/** Locks the justification (FOR UPDATE); undefined when there is none. */
export async function lockJustification(m: Query, id: string): Promise<{ achievementId: string; status: string; endsOn: string } | undefined> {
  const [row] = (await m.query(SQL.lock, [id])) as { achievement_id: string; status: string; ends_on: string }[];
  return row && { achievementId: row.achievement_id, status: row.status, endsOn: row.ends_on };
}

export async function decideJustification(
  m: Query,
  id: string,
  d: { status: 'approved' | 'rejected'; reviewedBy: string; reviewedAt: Date; reason: string; endsOn: string | null },
): Promise<void> {
  await m.query(SQL.decide, [id, d.status, d.reviewedBy, d.reviewedAt, d.reason, d.endsOn]);
}

export async function justificationView(m: Query, id: string): Promise<JustificationView> {
  return toView(((await m.query(SQL.view, [id])) as Row[])[0]);
}

async function page(m: Query, sql: string, countSql: string, params: unknown[], f: JustificationFilter) {
  const rows = (await m.query(sql, [f.status, f.achievementId, f.limit, f.offset, ...params])) as Row[];
  // past the last page the window count is gone: count on its own
  const total = rows.length ? Number(rows[0].total) : ((await m.query(countSql, [f.status, f.achievementId, ...params])) as { total: number }[])[0].total;
  return { items: rows.map(toView), total };
}

/** A page of a holder's justifications: pending first (oldest first), then the decided ones, latest first. */
export async function listHolderJustifications(m: Query, holderId: string, f: JustificationFilter): Promise<{ items: JustificationView[]; total: number }> {
  return page(m, SQL.listForHolder, SQL.countForHolder, [holderId], f);
}

/** A page of the justifications of the holders readable with these parameters (null, null: all). */
export async function listReadableJustifications(
  m: Query,
  organizationId: string | null,
  regionPrefix: string | null,
  f: JustificationFilter,
): Promise<{ items: JustificationView[]; total: number }> {
  return page(m, SQL.listReadable, SQL.countReadable, [organizationId, regionPrefix], f);
}
