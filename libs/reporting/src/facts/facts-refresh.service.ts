import { Injectable, Logger } from '@nestjs/common';
import { TransactionRunner } from '@zjp/database';
import { currentSnapshot, recomputeDays, refreshState, saveRefreshState, touchedDays, tryRefreshLock } from './facts.repository';

export interface RefreshResult {
  /** false when another refresh held the lock (it does the same work) */
  ran: boolean;
  days: string[];
}

/**
 * Keeps reporting_daily_facts current, incrementally: in one REPEATABLE READ transaction it takes
 * the database snapshot, finds the Beijing days holding a row written by a transaction the last
 * refresh's snapshot could not see (pg_visible_in_snapshot of the read models' row_xid, widened to
 * 64 bits, in the stored snapshot), and recomputes only those days. The first refresh recomputes every day. One refresh at a time
 * (advisory lock); a concurrent one returns at once.
 */
@Injectable()
export class FactsRefreshService {
  private readonly log = new Logger(FactsRefreshService.name);

  constructor(private readonly tx: TransactionRunner) {}

  async refresh(): Promise<RefreshResult> {
    return this.tx.run(
      async (m) => {
        if (!(await tryRefreshLock(m))) return { ran: false, days: [] };
        const snap = await currentSnapshot(m);
        const state = await refreshState(m);
        const days = await touchedDays(m, state?.snapshot ?? null, snap.xmax);
        for (let i = 0; i < days.length; i += 62) await recomputeDays(m, days.slice(i, i + 62));
        await saveRefreshState(m, snap.snapshot, snap.now, days.length);
        if (days.length) this.log.log(`reporting facts: ${days.length} day(s) recomputed (${days[0]} … ${days[days.length - 1]})`);
        return { ran: true, days };
      },
      { isolation: 'REPEATABLE READ' },
    );
  }
}
