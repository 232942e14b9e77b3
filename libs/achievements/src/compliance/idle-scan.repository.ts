import { queries } from '@zjp/database';
import type { RuleStateChanges } from '@zjp/market';
import type { EntityManager } from 'typeorm';

/**
 * P-2Y / P-3Y over every achievement (or one) in one set-based statement: the new rule states,
 * their rule events, and the forced listings opened, suspended, reopened or closed. It returns
 * the transitions by (from, to), per holder and new state the digest the holder is notified of, and
 * the changed achievements as arrays for the market's forced listings (applyForcedListingChanges,
 * in the same transaction).
 */
const SQL = queries(__filename, {
  lock: `SELECT pg_advisory_xact_lock(hashtext('zjp.idle-scan'))`,
  scan: `
    WITH grants AS (
      SELECT achievement_id, min(granted_on) AS earliest
        FROM ip_rights WHERE status = 'valid' AND granted_on IS NOT NULL
         AND ($2::uuid IS NULL OR achievement_id = $2)
       GROUP BY achievement_id
    ), transformed AS (
      SELECT DISTINCT achievement_id FROM transformations
       WHERE status = 'effective' AND took_effect_on <= $1::date AND ($2::uuid IS NULL OR achievement_id = $2)
    ), justified AS (
      SELECT DISTINCT achievement_id FROM justifications
       WHERE status = 'approved' AND ends_on >= $1::date AND (starts_on IS NULL OR starts_on <= $1::date) AND ($2::uuid IS NULL OR achievement_id = $2)
    ), facts AS (
      SELECT a.id, a.holder_id, a.title, a.rule_state AS from_state, a.asking_price_fen, g.earliest,
             (g.earliest + interval '2 years')::date + 1 AS two_from,
             (g.earliest + interval '3 years')::date + 1 AS three_from,
             (a.kind = 'applied' AND a.registration_status = 'registered' AND g.earliest IS NOT NULL AND t.achievement_id IS NULL) AS subject,
             j.achievement_id IS NOT NULL AS justified
        FROM achievements a
        LEFT JOIN grants g ON g.achievement_id = a.id
        LEFT JOIN transformed t ON t.achievement_id = a.id
        LEFT JOIN justified j ON j.achievement_id = a.id
       WHERE ($2::uuid IS NULL OR a.id = $2)
    ), evaluated AS (
      SELECT f.*,
             CASE WHEN f.subject AND $1::date >= f.three_from THEN 'P-3Y'
                  WHEN f.subject AND $1::date >= f.two_from THEN 'P-2Y' END AS due_clause
        FROM facts f
    ), target AS (
      SELECT e.*,
             CASE WHEN e.due_clause IS NULL THEN 'clear'
                  WHEN e.justified THEN 'suspended'
                  WHEN e.due_clause = 'P-3Y' THEN 'free_license_eligible'
                  ELSE 'use_first' END AS to_state
        FROM evaluated e
    ), changed AS (
      UPDATE achievements a
         SET rule_state = t.to_state, rule_state_since = $1::date, updated_at = now()
        FROM target t
       WHERE a.id = t.id AND a.rule_state <> t.to_state
      RETURNING a.id, t.holder_id, t.title, t.from_state, t.to_state, t.due_clause, t.earliest, t.two_from, t.three_from, t.asking_price_fen
    ), events AS (
      INSERT INTO rule_events (achievement_id, clause, from_state, to_state, scan_date, earliest_granted_on, threshold_on)
      SELECT id,
             COALESCE(due_clause, CASE from_state WHEN 'free_license_eligible' THEN 'P-3Y' WHEN 'use_first' THEN 'P-2Y' ELSE 'P-2Y/P-3Y' END),
             from_state, to_state, $1::date, earliest,
             CASE WHEN due_clause = 'P-3Y' THEN three_from WHEN due_clause = 'P-2Y' THEN two_from END
        FROM changed
    )
    SELECT 'transition' AS row_kind, from_state, to_state, count(*)::int AS n, NULL::uuid AS holder_id, NULL::text AS titles, NULL::jsonb AS achievement_ids,
           NULL::uuid[] AS holder_ids, NULL::text[] AS to_states, NULL::text[] AS due_clauses, NULL::text[] AS asking_prices_fen
      FROM changed GROUP BY from_state, to_state
    UNION ALL
    -- One digest per holder and kind of change (the holder's notification): the first 20 titles, the first 1,000 ids.
    SELECT 'digest', NULL, to_state, count(*)::int, holder_id,
           string_agg(title, '、' ORDER BY title) FILTER (WHERE rn <= 20),
           jsonb_agg(id ORDER BY id) FILTER (WHERE rn <= 1000), NULL, NULL, NULL, NULL
      FROM (SELECT c.*, row_number() OVER (PARTITION BY holder_id, to_state ORDER BY id) AS rn FROM changed c) numbered
     GROUP BY holder_id, to_state
    UNION ALL
    -- Every change, as parallel arrays, for the forced listings (absent when nothing changed).
    SELECT 'changes', NULL, NULL, count(*)::int, NULL, NULL, to_jsonb(array_agg(id)),
           array_agg(holder_id), array_agg(to_state), array_agg(due_clause), array_agg(asking_price_fen::text)
      FROM changed HAVING count(*) > 0`,
  countExamined: `SELECT count(*)::int AS n FROM achievements WHERE ($1::uuid IS NULL OR id = $1)`,
});

type Query = Pick<EntityManager, 'query'>;

export interface ScanTransition {
  fromState: string;
  toState: string;
  n: number;
}

/** The achievements of one holder that moved to one state in a scan. */
export interface ScanDigest {
  holderId: string;
  toState: string;
  count: number;
  /** The first 20 titles (by id), in title order, joined by 、. */
  titles: string;
  /** The first 1,000 ids, in order. */
  achievementIds: string[];
}

interface ScanRow {
  row_kind: 'transition' | 'digest' | 'changes';
  from_state: string | null;
  to_state: string;
  n: number;
  holder_id: string | null;
  titles: string | null;
  achievement_ids: string[] | null;
  holder_ids: string[] | null;
  to_states: string[] | null;
  due_clauses: (string | null)[] | null;
  asking_prices_fen: (string | null)[] | null;
}

/** One scan at a time: a second one waits here and then finds every state already up to date. */
export async function lockScan(m: Query): Promise<void> {
  await m.query(SQL.lock);
}

export async function applyIdleRule(
  m: Query,
  scanDate: string,
  achievementId: string | null,
): Promise<{ transitions: ScanTransition[]; digests: ScanDigest[]; changes: RuleStateChanges }> {
  const rows = (await m.query(SQL.scan, [scanDate, achievementId])) as ScanRow[];
  const all = rows.find((r) => r.row_kind === 'changes');
  return {
    changes: {
      achievementIds: all?.achievement_ids ?? [],
      holderIds: all?.holder_ids ?? [],
      toStates: all?.to_states ?? [],
      dueClauses: all?.due_clauses ?? [],
      askingPricesFen: all?.asking_prices_fen ?? [],
    },
    transitions: rows.filter((r) => r.row_kind === 'transition').map((r) => ({ fromState: r.from_state!, toState: r.to_state, n: r.n })),
    digests: rows
      .filter((r) => r.row_kind === 'digest')
      .map((r) => ({ holderId: r.holder_id!, toState: r.to_state, count: r.n, titles: r.titles ?? '', achievementIds: r.achievement_ids ?? [] })),
  };
}

export async function countExamined(m: Query, achievementId: string | null): Promise<number> {
  return ((await m.query(SQL.countExamined, [achievementId])) as { n: number }[])[0].n;
}
