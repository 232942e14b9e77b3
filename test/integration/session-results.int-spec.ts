import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { LotClosingService, MarketModule } from '../../libs/market/src';
import { DatabaseModule } from '../../libs/database/src';
import { PlatformConfigModule, QueueProducersModule, RedisModule } from '../../libs/platform/src';
import { RealtimeModule } from '../../libs/realtime/src';
import { testConfig } from '../support/config';
import { insertLot } from '../support/market-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The 成交结果 is stored by the close of a session's last lot. When the last lots of a session close
 * at the same moment (each in its own transaction, as two workers would), the session row's lock
 * orders them: the later one sees every lot closed and stores the result — exactly one row, never none.
 */
describe('session result at the close of the last lot', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let closing: LotClosingService;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url);
    @Module({
      imports: [PlatformConfigModule.forRoot(config), RedisModule, DatabaseModule.forRoot(config), QueueProducersModule, RealtimeModule, MarketModule],
    })
    class TestMarketModule {}
    app = await NestFactory.createApplicationContext(TestMarketModule, { logger: false, abortOnError: false });
    ds = app.get(DataSource);
    closing = app.get(LotClosingService);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const session = async (lots: number): Promise<{ id: string; lots: string[] }> => {
    const [s] = (await ds.query(
      `INSERT INTO auction_sessions (name, theme, run_mode, starts_at) VALUES ('并发专场', 'regular', 'parallel', now() - interval '2 hours') RETURNING id`,
    )) as { id: string }[];
    const ids: string[] = [];
    for (let i = 0; i < lots; i++) {
      const id = await insertLot(ds, {
        startingPriceFen: BigInt(i + 1) * 1_000_000n,
        startsAt: new Date(Date.now() - 3_600_000),
        endsAt: new Date(Date.now() - 1000),
      });
      await ds.query(`UPDATE lots SET session_id = $2, session_position = $3 WHERE id = $1`, [id, s.id, i + 1]);
      ids.push(id);
    }
    return { id: s.id, lots: ids };
  };

  it('stores the result once when all the lots of a session close at the same moment (10 sessions × 6 lots)', async () => {
    const sessions = await Promise.all(Array.from({ length: 10 }, () => session(6)));
    const closes = await Promise.all(sessions.flatMap((s) => s.lots.map((id) => closing.close(id))));
    expect(closes.every((c) => c.closed)).toBe(true);
    const rows = (await ds.query(
      `SELECT session_id, lots_offered, lots_unsold, starting_total_fen::text AS starting, premium_hundredths FROM auction_session_results WHERE session_id = ANY($1::uuid[])`,
      [sessions.map((s) => s.id)],
    )) as { session_id: string; lots_offered: number; lots_unsold: number; starting: string; premium_hundredths: string | null }[];
    expect(rows).toHaveLength(10);
    // 1 + 2 + … + 6 = 21 × 10 000 元 = 21 000 000 fen; nothing sold (no bids): no premium
    for (const r of rows) expect(r).toMatchObject({ lots_offered: 6, lots_unsold: 6, starting: '21000000', premium_hundredths: null });
  });

  it('stores nothing while a lot of the session is still open', async () => {
    const s = await session(2);
    await ds.query(`UPDATE lots SET ends_at = now() + interval '1 hour' WHERE id = $1`, [s.lots[1]]);
    expect(await closing.close(s.lots[0])).toMatchObject({ closed: true });
    expect(await ds.query(`SELECT 1 FROM auction_session_results WHERE session_id = $1`, [s.id])).toEqual([]);
  });
});
