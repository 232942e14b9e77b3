import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../libs/database/src/data-source-options';
import { testEnv } from '../support/config';
import { insertBidder, insertLot } from '../support/market-factory';
import { RunningProcess, startProcess } from '../support/processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * A worker process killed (SIGKILL) in the middle of closing a lot: its transaction has already
 * marked the lot closed and is writing the listing when it dies. Nothing of it may remain, and the
 * next worker to start closes the lot exactly once (its start-up sweep of lots past their end).
 */
describe('a worker killed during a close', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let blocker: Client;
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url)).initialize();
    blocker = new Client({ connectionString: db.url });
    await blocker.connect();
  });
  afterAll(async () => {
    await blocker.query('ROLLBACK').catch(() => undefined); // a failed test may leave the listing held: a worker waiting on it cannot stop
    await Promise.all(workers.map((w) => w.stop()));
    await blocker.end();
    await ds.destroy();
    await db.drop();
  });

  const until = async <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const lotState = async (lotId: string) =>
    (await ds.query(`SELECT status, result, hammer_price_fen::text AS hammer, winner_registration_id FROM lots WHERE id = $1`, [lotId]))[0] as {
      status: string;
      result: string | null;
      hammer: string | null;
      winner_registration_id: string | null;
    };
  const count = async (sql: string, params: unknown[]) => Number((await ds.query(sql, params))[0].n);

  it('leaves the lot open when the closer dies mid-transaction, and the next worker closes it once', async () => {
    const now = Date.now();
    const lotId = await insertLot(ds, { startsAt: new Date(now - 3_600_000), endsAt: new Date(now - 1_000), startingPriceFen: 1_000_000n });
    const winner = await insertBidder(ds, lotId);
    const loser = await insertBidder(ds, lotId);
    await ds.query(`UPDATE lots SET status = 'open', current_fen = 1100000, leader_registration_id = $2, seq = 2, bid_count = 2 WHERE id = $1`, [
      lotId,
      winner.registrationId,
    ]);
    const [{ listing_id: listingId }] = await ds.query(`SELECT listing_id FROM lots WHERE id = $1`, [lotId]);

    // Hold the lot's listing row: the closer's transaction stops at its UPDATE of the listing,
    // after it has updated the lot.
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM listings WHERE id = $1 FOR UPDATE`, [listingId]);

    const env = testEnv(db.url, { LOG_LEVEL: 'warn' });
    const first = await startProcess('apps/worker/src/main.js', env, /worker started/);
    workers.push(first);
    const waiting = await until('the closer to wait on the listing, mid-transaction', async () => {
      const rows = await ds.query(
        `SELECT pid, backend_xid IS NOT NULL AS wrote FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ~ '^\\s*UPDATE listings'`,
      );
      return rows[0] as { pid: number; wrote: boolean } | undefined;
    });
    expect(waiting.wrote).toBe(true); // the lot's row is already updated in that transaction
    expect((await lotState(lotId)).status).toBe('open'); // …which nobody else can see

    // Kill the worker process outright, then let its transaction go on: it finds its client gone.
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    await blocker.query('ROLLBACK');
    await until(
      "the dead closer's backend to end",
      async () => (await count(`SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1`, [waiting.pid])) === 0,
    );

    expect(await lotState(lotId)).toEqual({ status: 'open', result: null, hammer: null, winner_registration_id: null });
    expect(await count(`SELECT count(*) AS n FROM deals WHERE lot_id = $1`, [lotId])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE subject_id = $1 AND action = 'lot.closed'`, [lotId])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM listings WHERE id = $1 AND status = 'closed'`, [listingId])).toBe(0);

    // The next worker to start sweeps lots past their end and closes this one, once.
    const second = await startProcess('apps/worker/src/main.js', env, /worker started/);
    workers.push(second);
    await until('the lot to be closed', async () => (await lotState(lotId)).status === 'closed');
    await until(
      "the loser's deposit to be released",
      async () => (await ds.query(`SELECT deposit_status FROM lot_registrations WHERE id = $1`, [loser.registrationId]))[0].deposit_status === 'released',
    );

    expect(await lotState(lotId)).toEqual({ status: 'closed', result: 'sold', hammer: '1100000', winner_registration_id: winner.registrationId });
    expect(await count(`SELECT count(*) AS n FROM deals WHERE lot_id = $1 AND buyer_id = $2 AND price_fen = 1100000`, [lotId, winner.organizationId])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE subject_id = $1 AND action = 'lot.closed'`, [lotId])).toBe(1);
    expect((await ds.query(`SELECT deposit_status FROM lot_registrations WHERE id = $1`, [winner.registrationId]))[0].deposit_status).toBe('held');
    expect(await count(`SELECT count(*) AS n FROM listings WHERE id = $1 AND status = 'closed'`, [listingId])).toBe(1);

    // A third worker (or the dead one's job, retried) finds nothing more to do.
    const third = await startProcess('apps/worker/src/main.js', env, /worker started/);
    workers.push(third);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await count(`SELECT count(*) AS n FROM deals WHERE lot_id = $1`, [lotId])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE subject_id = $1 AND action = 'lot.closed'`, [lotId])).toBe(1);
  });
});
