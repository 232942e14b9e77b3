import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { TransactionRunner } from '../libs/database/src/transaction-runner';
import { FactsRefreshService } from '../libs/reporting/src/facts/facts-refresh.service';

/**
 * The reporting refresh as the worker runs it (FactsRefreshService.refresh): the first one computes
 * every day; then one day's rows are touched (that day's bids and deals rewritten in place and one
 * listing created on it, as a day of trading writes them) and the incremental refresh recomputes
 * only that day. Prints both times and the summary tables' sizes.
 */
export async function refreshReports(ds: DataSource, db: Client, out: (line: string) => void): Promise<Record<string, number | string>> {
  const service = new FactsRefreshService(new TransactionRunner(ds));
  let t = performance.now();
  const full = await service.refresh();
  const fullMs = Math.round(performance.now() - t);
  out(`  full refresh: ${full.days.length} days recomputed in ${fullMs} ms`);
  t = performance.now();
  const nothing = await service.refresh();
  const unchangedMs = Math.round(performance.now() - t);
  out(`  refresh with nothing changed: ${nothing.days.length} days in ${unchangedMs} ms`);

  // the last day with bids (a session day)
  const [{ day }] = (await db.query(`SELECT to_char(max(received_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day FROM bids`)).rows as { day: string }[];
  const lo = `${day} 00:00+08`;
  const hi = `${day} 24:00+08`;
  t = performance.now();
  const bids = await db.query(`UPDATE bids SET amount_fen = amount_fen WHERE received_at >= $1 AND received_at < $2`, [lo, hi]);
  const deals = await db.query(`UPDATE deals SET status = status WHERE concluded_at >= $1 AND concluded_at < $2`, [lo, hi]);
  await db.query(
    `INSERT INTO listings (achievement_id, holder_id, mode, status, created_at, updated_at, deal_type)
     SELECT id, holder_id, 'negotiated', 'active', $1::timestamptz + interval '10 hours', $1::timestamptz + interval '10 hours', 'license' FROM achievements ORDER BY id LIMIT 1`,
    [lo],
  );
  const touchMs = Math.round(performance.now() - t);
  out(`  touched ${day}: ${bids.rowCount} bids and ${deals.rowCount} deals rewritten, 1 listing created (${touchMs} ms)`);
  t = performance.now();
  const incremental = await service.refresh();
  const incrementalMs = Math.round(performance.now() - t);
  out(`  incremental refresh: ${incremental.days.length} day(s) (${incremental.days.join(', ')}) recomputed in ${incrementalMs} ms`);
  const tables = (
    await db.query(
      `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 'reporting%' ORDER BY 1`,
    )
  ).rows as { table: string }[];
  for (const { table } of tables) {
    const [r] = (await db.query(`SELECT count(*)::bigint AS rows, pg_size_pretty(pg_total_relation_size($1::regclass)) AS size FROM "${table}"`, [table]))
      .rows as {
      rows: string;
      size: string;
    }[];
    out(`  ${table.padEnd(30)} ${Number(r.rows).toLocaleString('en-US').padStart(10)} rows  ${r.size}`);
  }
  return {
    fullDays: full.days.length,
    fullMs,
    unchangedMs,
    touchedDay: day,
    touchedBids: bids.rowCount ?? 0,
    incrementalDays: incremental.days.length,
    incrementalMs,
  };
}
