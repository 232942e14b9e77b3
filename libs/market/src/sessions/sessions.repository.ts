import { queries, type Queryable } from '@zjp/database';

const SUMMARY = `id, name, theme, run_mode AS "runMode", starts_at AS "startsAt", (SELECT count(*)::int FROM lots WHERE session_id = s.id) AS "lotCount",
       CASE WHEN published_at IS NULL THEN 'draft' ELSE 'published' END AS status, published_at AS "publishedAt"`;
const MANAGE_FILTER = `($1::text IS NULL OR ($1 = 'draft') = (published_at IS NULL)) AND ($2::text IS NULL OR theme = $2)`;
const MANAGE_ORDER = `CASE WHEN $3 = 'name' AND $4 = 'asc' THEN name END ASC, CASE WHEN $3 = 'name' AND $4 = 'desc' THEN name END DESC,
       CASE WHEN $3 = 'lotCount' AND $4 = 'asc' THEN (SELECT count(*) FROM lots WHERE session_id = s.id) END ASC,
       CASE WHEN $3 = 'lotCount' AND $4 = 'desc' THEN (SELECT count(*) FROM lots WHERE session_id = s.id) END DESC,
       CASE WHEN $4 = 'asc' THEN starts_at END ASC, starts_at DESC, id DESC`;

/** 专场: themed sessions and the lots they group. */
const SQL = queries(__filename, {
  insert: `INSERT INTO auction_sessions (id, name, theme, run_mode, starts_at, created_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  // the public list: published sessions only
  list: `SELECT ${SUMMARY} FROM auction_sessions s WHERE published_at IS NOT NULL ORDER BY starts_at DESC, id DESC LIMIT $1 OFFSET $2`,
  count: `SELECT count(*)::int AS total FROM auction_sessions WHERE published_at IS NOT NULL`,
  manage: `SELECT ${SUMMARY} FROM auction_sessions s WHERE ${MANAGE_FILTER} ORDER BY ${MANAGE_ORDER} LIMIT $5 OFFSET $6`,
  countManaged: `SELECT count(*)::int AS total FROM auction_sessions WHERE ${MANAGE_FILTER}`,
  get: `SELECT id, name, theme, run_mode AS "runMode", starts_at AS "startsAt", CASE WHEN published_at IS NULL THEN 'draft' ELSE 'published' END AS status,
               published_at AS "publishedAt" FROM auction_sessions WHERE id = $1`,
  lockSession: `SELECT id, published_at FROM auction_sessions WHERE id = $1 FOR UPDATE`,
  publish: `UPDATE auction_sessions SET published_at = $2 WHERE id = $1 AND published_at IS NULL`,
  exists: `SELECT 1 FROM auction_sessions WHERE id = $1`,
  lots: `SELECT id, title, status, starts_at AS "startsAt", ends_at AS "endsAt", current_fen::text AS "currentFen", bid_count AS "bidCount", live, result,
                unsold_reason AS "unsoldReason"
           FROM lots WHERE session_id = $1 ORDER BY starts_at, id`,
});

export async function insertSession(
  m: Queryable,
  s: { id: string; name: string; theme: string; runMode: string; startsAt: Date; createdBy: string; publishedAt: Date | null },
): Promise<void> {
  await m.query(SQL.insert, [s.id, s.name, s.theme, s.runMode, s.startsAt, s.createdBy, s.publishedAt]);
}

/** One page of the published sessions, latest start first, and how many there are. */
export async function listSessions(m: Queryable, limit: number, offset: number): Promise<{ items: Record<string, unknown>[]; total: number }> {
  const [{ total }] = (await m.query(SQL.count)) as { total: number }[];
  return { items: (await m.query(SQL.list, [limit, offset])) as Record<string, unknown>[], total };
}

export interface ManageSessionsFilter {
  status: 'draft' | 'published' | null;
  theme: string | null;
  sort: 'startsAt' | 'name' | 'lotCount';
  order: 'asc' | 'desc';
}

/** The operator's list: every session, drafts included, filtered and sorted. */
export async function manageSessions(
  m: Queryable,
  f: ManageSessionsFilter,
  limit: number,
  offset: number,
): Promise<{ items: Record<string, unknown>[]; total: number }> {
  const [{ total }] = (await m.query(SQL.countManaged, [f.status, f.theme])) as { total: number }[];
  return { items: (await m.query(SQL.manage, [f.status, f.theme, f.sort, f.order, limit, offset])) as Record<string, unknown>[], total };
}

export async function sessionById(m: Queryable, id: string): Promise<Record<string, unknown> | undefined> {
  return ((await m.query(SQL.get, [id])) as Record<string, unknown>[])[0];
}

export async function lockSession(m: Queryable, id: string): Promise<{ id: string; published_at: Date | null } | undefined> {
  return ((await m.query(SQL.lockSession, [id])) as { id: string; published_at: Date | null }[])[0];
}

export async function publishSession(m: Queryable, id: string, at: Date): Promise<void> {
  await m.query(SQL.publish, [id, at]);
}

export async function lotsOfSession(m: Queryable, id: string): Promise<Record<string, unknown>[]> {
  return (await m.query(SQL.lots, [id])) as Record<string, unknown>[];
}

export async function sessionExists(m: Queryable, id: string): Promise<boolean> {
  return ((await m.query(SQL.exists, [id])) as unknown[]).length > 0;
}
