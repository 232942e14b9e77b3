import { Test } from '@nestjs/testing';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { DatabaseModule, dataSourceOptions, TransactionRunner } from '../../libs/database/src';
import { PlatformConfigModule } from '../../libs/platform/src';
import { testConfig } from '../support/config';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import type { INestApplicationContext } from '@nestjs/common';

describe('TransactionRunner', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let tx: TransactionRunner;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url);
    const module = await Test.createTestingModule({ imports: [PlatformConfigModule.forRoot(config), DatabaseModule.forRoot(config)] }).compile();
    app = await module.init();
    tx = app.get(TransactionRunner);
    ds = app.get(DataSource);
    await ds.query(`CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)`);
    await ds.query(`INSERT INTO counters VALUES (1, 0), (2, 0)`);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('rolls back everything when the unit of work throws', async () => {
    await expect(
      tx.run(async (m) => {
        await m.query(`UPDATE counters SET n = n + 1 WHERE id = 1`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await ds.query(`SELECT n FROM counters WHERE id = 1`))[0].n).toBe(0);
  });

  it('retries a unit of work that lost a deadlock, so both callers succeed', async () => {
    let attempts = 0;
    const barrier = (() => {
      let release!: () => void;
      let count = 0;
      const p = new Promise<void>((r) => (release = r));
      return async () => {
        if (++count >= 2) release();
        await Promise.race([p, new Promise((r) => setTimeout(r, 500))]);
      };
    })();
    // Two transactions lock rows in opposite orders: PostgreSQL kills one with 40P01.
    const work = (first: number, second: number) =>
      tx.run(async (m) => {
        attempts++;
        await m.query(`UPDATE counters SET n = n + 1 WHERE id = $1`, [first]);
        await barrier();
        await m.query(`UPDATE counters SET n = n + 1 WHERE id = $1`, [second]);
      });
    await Promise.all([work(1, 2), work(2, 1)]);
    expect(attempts).toBeGreaterThanOrEqual(3);
    const rows = (await ds.query(`SELECT n FROM counters ORDER BY id`)) as { n: number }[];
    expect(rows.map((r) => r.n)).toEqual([2, 2]);
  });

  it('does not retry an error that is not a deadlock or serialization failure', async () => {
    let attempts = 0;
    await expect(
      tx.run(async (m) => {
        attempts++;
        await m.query(`INSERT INTO counters VALUES (1, 0)`);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(attempts).toBe(1);
  });

  it('opens READ COMMITTED with one statement even where the database defaults to SERIALIZABLE; other levels as asked', async () => {
    await ds.query(`ALTER DATABASE "${db.name}" SET default_transaction_isolation = 'serializable'`);
    const statements: string[] = [];
    const logger: TypeOrmLogger = {
      logQuery: (query) => void statements.push(query),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    // a fresh pool: its sessions start after the ALTER DATABASE, so they would inherit SERIALIZABLE
    const fresh = await new DataSource(dataSourceOptions(db.url, { logging: ['query'], logger })).initialize();
    try {
      expect((await fresh.query(`SHOW default_transaction_isolation`))[0].default_transaction_isolation).toBe('read committed');
      const runner = new TransactionRunner(fresh);
      statements.length = 0;
      const level = await runner.run(async (m) => (await m.query(`SHOW transaction_isolation`))[0].transaction_isolation as string);
      expect(level).toBe('read committed');
      expect(statements).toEqual(['START TRANSACTION', 'SHOW transaction_isolation', 'COMMIT']);
      statements.length = 0;
      const asked = await runner.run(async (m) => (await m.query(`SHOW transaction_isolation`))[0].transaction_isolation as string, {
        isolation: 'REPEATABLE READ',
      });
      expect(asked).toBe('repeatable read');
      expect(statements).toContain('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      // outside TransactionRunner, a bare statement also runs at READ COMMITTED
      expect((await fresh.query(`SHOW transaction_isolation`))[0].transaction_isolation).toBe('read committed');
    } finally {
      await fresh.destroy();
      await ds.query(`ALTER DATABASE "${db.name}" RESET default_transaction_isolation`);
    }
  });
});
