import { Injectable } from '@nestjs/common';
import { LocalDate } from '@zjp/core';
import { TransactionRunner } from '@zjp/database';
import type { EntityManager } from 'typeorm';

/** Days the holder has to set a price on a forced listing when it gave no asking price. */
export const FORCED_LISTING_PRICE_DAYS = 30;

export interface ScanResult {
  scanDate: string;
  examined: number;
  changed: number;
  transitions: Record<string, number>;
}

/**
 * P-2Y / P-3Y applied to every achievement in one set-based statement. The state it computes is
 * the same as `evaluateIdleRule` in domain/ (an integration test checks that they agree):
 *  - only registered, applied achievements with a valid IP right are subject;
 *  - age counts from the earliest valid grantedOn; "full N years" holds from the day after
 *    grantedOn + N years (PostgreSQL clamps 29 February to the 28th, as the Civil Code does);
 *  - an effective transformation on or before the scan date makes it not idle;
 *  - an approved justification ending on or after the scan date suspends the rule.
 * Only achievements whose state changes are written, so a second run (or a concurrent one, which
 * waits on the advisory lock) finds nothing to do. Each change writes a rule event, a digest notification
 * to the holder (one per kind of change and scan), and opens, suspends, reopens or closes the forced listing.
 */
@Injectable()
export class IdleScanService {
  constructor(private readonly tx: TransactionRunner) {}

  async scan(scanDate: LocalDate, achievementId?: string): Promise<ScanResult> {
    return this.tx.run((m) => this.scanIn(m, scanDate, achievementId));
  }

  /** Inside a caller's transaction, e.g. right after a justification is approved. */
  async scanIn(m: EntityManager, scanDate: LocalDate, achievementId?: string): Promise<ScanResult> {
    // One scan at a time: a second one waits here and then finds every state already up to date.
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('zjp.idle-scan'))`);
    const rows = (await m.query(SCAN_SQL, [scanDate.toString(), achievementId ?? null, FORCED_LISTING_PRICE_DAYS])) as {
      from_state: string;
      to_state: string;
      n: number;
    }[];
    const examined = ((await m.query(
      `SELECT count(*)::int AS n FROM achievements WHERE ($1::uuid IS NULL OR id = $1)`,
      [achievementId ?? null],
    )) as { n: number }[])[0].n;
    const transitions: Record<string, number> = {};
    let changed = 0;
    for (const r of rows) {
      transitions[`${r.from_state}->${r.to_state}`] = r.n;
      changed += r.n;
    }
    return { scanDate: scanDate.toString(), examined, changed, transitions };
  }
}

const SCAN_SQL = `
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
   WHERE status = 'approved' AND ends_on >= $1::date AND ($2::uuid IS NULL OR achievement_id = $2)
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
), notified AS (
  -- One notification per holder and kind of change per scan (a digest), not one per achievement:
  -- a holder whose 300 patents cross the line on the same night gets one message listing them.
  INSERT INTO notifications (organization_id, kind, title, body, data)
  SELECT holder_id, 'rule.' || to_state,
         CASE to_state
           WHEN 'use_first' THEN count(*) || ' 项成果已纳入"先用后转"实施清单并在浙江拍挂牌'
           WHEN 'free_license_eligible' THEN count(*) || ' 项成果满3年未转化，企业可申请无偿实施'
           WHEN 'suspended' THEN count(*) || ' 项成果因正当理由暂不适用强制转化规则'
           ELSE count(*) || ' 项成果已不再适用强制转化规则' END,
         string_agg(title, '、' ORDER BY title) FILTER (WHERE rn <= 20),
         jsonb_build_object('toState', to_state, 'scanDate', $1::date, 'count', count(*),
                            'achievementIds', jsonb_agg(id ORDER BY id) FILTER (WHERE rn <= 1000))
    FROM (SELECT c.*, row_number() OVER (PARTITION BY holder_id, to_state ORDER BY id) AS rn FROM changed c) numbered
   GROUP BY holder_id, to_state
), opened AS (
  -- 先用后转: what a forced listing offers is an ordinary licence (several enterprises may take one).
  INSERT INTO listings (achievement_id, holder_id, mode, forced, rule_clause, price_fen, price_deadline, status, deal_type, license_type)
  SELECT c.id, c.holder_id, 'fixed_price', true, c.due_clause, c.asking_price_fen,
         CASE WHEN c.asking_price_fen IS NULL THEN $1::date + $3::int END, 'active', 'license', 'ordinary'
    FROM changed c
   WHERE c.to_state IN ('use_first', 'free_license_eligible')
     AND NOT EXISTS (SELECT 1 FROM listings l WHERE l.achievement_id = c.id AND l.forced AND l.status IN ('active', 'suspended'))
  ON CONFLICT (achievement_id) WHERE forced AND status IN ('active', 'suspended') DO NOTHING
), restatused AS (
  UPDATE listings l
     SET status = CASE c.to_state WHEN 'suspended' THEN 'suspended' WHEN 'clear' THEN 'closed' ELSE 'active' END,
         status_reason = CASE c.to_state WHEN 'suspended' THEN 'justification approved' WHEN 'clear' THEN 'no longer idle' ELSE NULL END,
         updated_at = now()
    FROM changed c
   WHERE l.achievement_id = c.id AND l.forced AND l.status IN ('active', 'suspended')
)
SELECT from_state, to_state, count(*)::int AS n FROM changed GROUP BY 1, 2`;
