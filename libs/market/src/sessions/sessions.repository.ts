import { queries, type Queryable } from '@zjp/database';

/** 专场: themed sessions and the lots they group. */
const SQL = queries(__filename, {
  insert: `INSERT INTO auction_sessions (id, name, theme, run_mode, starts_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
  list: `SELECT id, name, theme, run_mode AS "runMode", starts_at AS "startsAt", (SELECT count(*)::int FROM lots WHERE session_id = s.id) AS "lotCount" FROM auction_sessions s ORDER BY starts_at DESC, id DESC LIMIT $1 OFFSET $2`,
  count: `SELECT count(*)::int AS total FROM auction_sessions`,
  get: `SELECT id, name, theme, run_mode AS "runMode", starts_at AS "startsAt" FROM auction_sessions WHERE id = $1`,
  exists: `SELECT 1 FROM auction_sessions WHERE id = $1`,
  lots: `SELECT id, title, status, starts_at AS "startsAt", ends_at AS "endsAt", current_fen::text AS "currentFen", bid_count AS "bidCount" FROM lots WHERE session_id = $1 ORDER BY starts_at, id`,
});

export async function insertSession(
  m: Queryable,
  s: { id: string; name: string; theme: string; runMode: string; startsAt: Date; createdBy: string },
): Promise<void> {
  await m.query(SQL.insert, [s.id, s.name, s.theme, s.runMode, s.startsAt, s.createdBy]);
}

/** One page of the sessions, latest start first, and how many there are. */
export async function listSessions(m: Queryable, limit: number, offset: number): Promise<{ items: Record<string, unknown>[]; total: number }> {
  const [{ total }] = (await m.query(SQL.count)) as { total: number }[];
  return { items: (await m.query(SQL.list, [limit, offset])) as Record<string, unknown>[], total };
}

export async function sessionById(m: Queryable, id: string): Promise<Record<string, unknown> | undefined> {
  return ((await m.query(SQL.get, [id])) as Record<string, unknown>[])[0];
}

export async function lotsOfSession(m: Queryable, id: string): Promise<Record<string, unknown>[]> {
  return (await m.query(SQL.lots, [id])) as Record<string, unknown>[];
}

export async function sessionExists(m: Queryable, id: string): Promise<boolean> {
  return ((await m.query(SQL.exists, [id])) as unknown[]).length > 0;
}
