import { queries, type Queryable } from '@zjp/database';

/*
 * The daily facts: one row per Beijing calendar day × technical field × holder region × holder type ×
 * session theme, additive figures only, recomputed per day from the owners' published read models.
 * Dimensions: the achievement's technical field, its holder's region code and holder category (''
 * when the subject has no holder, e.g. a research-funding subsidy), and the theme of the session
 * the lot ran in ('' when the figure did not come from a session).
 */
const DAY = (column: string) => `(${column} AT TIME ZONE 'Asia/Shanghai')::date`;

/*
 * Whether a row was written by a transaction the last refresh could not see: $1 is that refresh's
 * snapshot (pg_current_snapshot() as text), and a row counts when its writer is not visible in it
 * (committed after it was taken, or still running then). Exact: a transaction that was already
 * committed is skipped even when another one, in any database of the cluster, was still running and
 * held the snapshot's xmin back. row_xid is the 32-bit xmin, widened to 64 bits against the current
 * snapshot's xmax ($2 its epoch's base, $3 its low 32 bits): an xmin below $3 is of the current
 * epoch, one above of the epoch before, so the test survives the 32-bit counter's wraparound.
 */
const WRITTEN_SINCE = `($1::text IS NULL OR NOT pg_visible_in_snapshot((CASE WHEN row_xid < $3::bigint THEN $2::bigint + row_xid ELSE $2::bigint - 4294967296 + row_xid END)::text::xid8, $1::text::pg_snapshot))`;

const SQL = queries(__filename, {
  lock: `SELECT pg_try_advisory_xact_lock(hashtext('reporting_refresh')) AS locked`,
  // PostgreSQL's JIT compiled the one-day recompute for 2.9 of its 3.7 s (bench:reports, EXPLAIN
  // ANALYZE); without it the statement takes 1.0 s. Off for this transaction only.
  noJit: `SET LOCAL jit = off`,
  snapshot: `SELECT pg_current_snapshot()::text AS snapshot, pg_snapshot_xmax(pg_current_snapshot())::text AS xmax, now() AS now`,
  state: `SELECT snapshot, refreshed_at AS "refreshedAt", days_refreshed AS "daysRefreshed" FROM reporting_refresh_state WHERE id = 1`,
  saveState: `
    INSERT INTO reporting_refresh_state (id, snapshot, refreshed_at, days_refreshed) VALUES (1, $1, $2, $3)
    ON CONFLICT (id) DO UPDATE SET snapshot = EXCLUDED.snapshot, refreshed_at = EXCLUDED.refreshed_at, days_refreshed = EXCLUDED.days_refreshed`,
  // Days holding a row written by a transaction the last refresh could not see (see WRITTEN_SINCE);
  // $1 null: every day (the first refresh).
  touchedDays: `
    SELECT DISTINCT day::text AS day FROM (
      SELECT ${DAY('created_at')} AS day FROM listing_activity_directory WHERE ${WRITTEN_SINCE}
      UNION SELECT ${DAY('created_at')} FROM lot_registration_directory WHERE ${WRITTEN_SINCE}
      UNION SELECT ${DAY('received_at')} FROM bid_directory WHERE ${WRITTEN_SINCE}
      UNION SELECT ${DAY('closed_at')} FROM lot_result_directory WHERE closed_at IS NOT NULL AND ${WRITTEN_SINCE}
      UNION SELECT ${DAY('concluded_at')} FROM deal_activity_directory WHERE ${WRITTEN_SINCE}
      UNION SELECT registered_on FROM contract_registration_directory WHERE registered_on IS NOT NULL AND ${WRITTEN_SINCE}
      UNION SELECT ${DAY('succeeded_at')} FROM contract_payment_directory WHERE succeeded_at IS NOT NULL AND ${WRITTEN_SINCE}
      UNION SELECT ${DAY('decided_at')} FROM subsidy_grant_directory WHERE decided_at IS NOT NULL AND ${WRITTEN_SINCE}
      UNION SELECT ${DAY('paid_at')} FROM subsidy_grant_directory WHERE paid_at IS NOT NULL AND ${WRITTEN_SINCE}
      UNION SELECT ${DAY('starts_at')} FROM auction_session_directory WHERE published_at IS NOT NULL AND ${WRITTEN_SINCE}
    ) t WHERE day IS NOT NULL ORDER BY 1`,
  deleteFacts: `DELETE FROM reporting_daily_facts WHERE day = ANY($1::date[])`,
  deleteSessions: `DELETE FROM reporting_daily_sessions WHERE day = ANY($1::date[])`,
  insertSessions: `
    INSERT INTO reporting_daily_sessions (day, theme, sessions)
    SELECT ${DAY('starts_at')}, theme, count(*)::int FROM auction_session_directory
     WHERE published_at IS NOT NULL AND ${DAY('starts_at')} = ANY($1::date[])
     GROUP BY 1, 2`,
  insertFacts: `
    WITH days AS (SELECT unnest($1::date[]) AS day),
    span AS (SELECT (min(day)::timestamp AT TIME ZONE 'Asia/Shanghai') AS lo, ((max(day) + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS hi FROM days),
    lot_theme AS (
      SELECT l.id, l.achievement_id, coalesce(s.theme, '') AS theme FROM lot_result_directory l LEFT JOIN auction_session_directory s ON s.id = l.session_id
    ),
    contract_theme AS (
      SELECT c.id, c.achievement_id, c.price_fen, c.registered_on, coalesce(lt.theme, '') AS theme
        FROM contract_registration_directory c
        LEFT JOIN deal_activity_directory d ON d.id = c.deal_id
        LEFT JOIN lot_theme lt ON lt.id = d.lot_id
    ),
    f AS (
      SELECT ${DAY('l.created_at')} AS day, l.achievement_id, NULL::text AS field, NULL::text AS region, '' AS theme,
             1 AS listings, 0 AS bidders, 0 AS bids, 0 AS lots_offered, 0 AS lots_sold, 0::bigint AS sold_start_fen, 0::bigint AS sold_hammer_fen,
             0 AS deals, 0::bigint AS deal_value_fen, 0 AS contracts_registered, 0::bigint AS contract_value_fen, 0::bigint AS contract_paid_fen,
             0::bigint AS subsidy_approved_fen, 0::bigint AS subsidy_paid_fen
        FROM listing_activity_directory l, span WHERE l.created_at >= span.lo AND l.created_at < span.hi
      UNION ALL
      SELECT ${DAY('r.created_at')}, lt.achievement_id, NULL, NULL, lt.theme, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        FROM lot_registration_directory r JOIN lot_theme lt ON lt.id = r.lot_id, span WHERE r.created_at >= span.lo AND r.created_at < span.hi
      UNION ALL
      SELECT b.day, lt.achievement_id, NULL, NULL, lt.theme, 0, 0, b.n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        FROM (SELECT ${DAY('received_at')} AS day, lot_id, count(*)::int AS n FROM bid_directory, span
               WHERE status = 'accepted' AND received_at >= span.lo AND received_at < span.hi GROUP BY 1, 2) b
        JOIN lot_theme lt ON lt.id = b.lot_id
      UNION ALL
      SELECT ${DAY('l.closed_at')}, l.achievement_id, NULL, NULL, lt.theme, 0, 0, 0, 1, (l.result = 'sold')::int,
             CASE WHEN l.result = 'sold' THEN l.starting_price_fen ELSE 0 END, CASE WHEN l.result = 'sold' THEN l.hammer_price_fen ELSE 0 END,
             0, 0, 0, 0, 0, 0, 0
        FROM lot_result_directory l JOIN lot_theme lt ON lt.id = l.id, span
       WHERE l.status = 'closed' AND l.unsold_reason IS DISTINCT FROM 'withdrawn' AND l.closed_at >= span.lo AND l.closed_at < span.hi
      UNION ALL
      SELECT ${DAY('d.concluded_at')}, d.achievement_id, NULL, NULL, coalesce(lt.theme, ''), 0, 0, 0, 0, 0, 0, 0, 1, d.price_fen, 0, 0, 0, 0, 0
        FROM deal_activity_directory d LEFT JOIN lot_theme lt ON lt.id = d.lot_id, span WHERE d.concluded_at >= span.lo AND d.concluded_at < span.hi
      UNION ALL
      SELECT c.registered_on, c.achievement_id, NULL, NULL, c.theme, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, c.price_fen, 0, 0, 0
        FROM contract_theme c WHERE c.registered_on = ANY($1::date[])
      UNION ALL
      SELECT ${DAY('p.succeeded_at')}, c.achievement_id, NULL, NULL, c.theme, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, p.amount_fen - p.refunded_fen, 0, 0
        FROM contract_payment_directory p JOIN contract_theme c ON c.id = p.contract_id, span
       WHERE p.status = 'succeeded' AND p.succeeded_at >= span.lo AND p.succeeded_at < span.hi
      UNION ALL
      SELECT ${DAY('g.decided_at')}, c.achievement_id, g.technical_field, g.enterprise_region_code::text, coalesce(c.theme, ''),
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, g.approved_fen, 0
        FROM subsidy_grant_directory g LEFT JOIN contract_theme c ON g.subject_type = 'contract' AND c.id = g.subject_id, span
       WHERE g.status IN ('approved', 'batched', 'paid') AND g.decided_at >= span.lo AND g.decided_at < span.hi
      UNION ALL
      SELECT ${DAY('g.paid_at')}, c.achievement_id, g.technical_field, g.enterprise_region_code::text, coalesce(c.theme, ''),
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, g.approved_fen
        FROM subsidy_grant_directory g LEFT JOIN contract_theme c ON g.subject_type = 'contract' AND c.id = g.subject_id, span
       WHERE g.status = 'paid' AND g.paid_at >= span.lo AND g.paid_at < span.hi
    )
    INSERT INTO reporting_daily_facts (day, technical_field, region_code, holder_category, theme, listings, bidders, bids, lots_offered, lots_sold,
                                       sold_start_fen, sold_hammer_fen, deals, deal_value_fen, contracts_registered, contract_value_fen, contract_paid_fen,
                                       subsidy_approved_fen, subsidy_paid_fen)
    SELECT f.day, coalesce(a.technical_field, f.field, 'other'), coalesce(o.region_code::text, f.region, ''), coalesce(o.holder_category, ''), f.theme,
           sum(listings), sum(bidders), sum(bids), sum(lots_offered), sum(lots_sold), sum(sold_start_fen), sum(sold_hammer_fen), sum(deals), sum(deal_value_fen),
           sum(contracts_registered), sum(contract_value_fen), sum(contract_paid_fen), sum(subsidy_approved_fen), sum(subsidy_paid_fen)
      FROM f
      LEFT JOIN achievement_directory a ON a.id = f.achievement_id
      LEFT JOIN organization_directory o ON o.id = a.holder_id
     WHERE f.day IN (SELECT day FROM days)
     GROUP BY 1, 2, 3, 4, 5`,
});

export interface RefreshState {
  /** pg_current_snapshot() of the last refresh, as text (xmin:xmax:xip,…). */
  snapshot: string;
  refreshedAt: Date;
  daysRefreshed: number;
}

export async function tryRefreshLock(m: Queryable): Promise<boolean> {
  await m.query(SQL.noJit);
  const rows = (await m.query(SQL.lock)) as { locked: boolean }[];
  return rows[0].locked;
}

/** The transaction's snapshot (as text) and its xmax, a 64-bit transaction id (decimal string). */
export async function currentSnapshot(m: Queryable): Promise<{ snapshot: string; xmax: string; now: Date }> {
  const rows = (await m.query(SQL.snapshot)) as { snapshot: string; xmax: string; now: Date }[];
  return rows[0];
}

export async function refreshState(m: Queryable): Promise<RefreshState | undefined> {
  return ((await m.query(SQL.state)) as RefreshState[])[0];
}

export async function saveRefreshState(m: Queryable, snapshot: string, at: Date, days: number): Promise<void> {
  await m.query(SQL.saveState, [snapshot, at, days]);
}

/** The Beijing days holding a row the snapshot `since` did not see (all days when null), ascending; `xmax` is the current snapshot's. */
export async function touchedDays(m: Queryable, since: string | null, xmax: string): Promise<string[]> {
  const next = BigInt(xmax);
  const low = next % 4294967296n;
  const rows = (await m.query(SQL.touchedDays, [since, (next - low).toString(), low.toString()])) as { day: string }[];
  return rows.map((r) => r.day);
}

/** Replaces the facts of these days by their recomputation from the read models. */
export async function recomputeDays(m: Queryable, days: readonly string[]): Promise<void> {
  if (!days.length) return;
  await m.query(SQL.deleteFacts, [days]);
  await m.query(SQL.deleteSessions, [days]);
  await m.query(SQL.insertFacts, [days]);
  await m.query(SQL.insertSessions, [days]);
}
