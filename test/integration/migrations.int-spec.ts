import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS } from '../../libs/database/src';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const tables = async () =>
    (
      (await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1`)) as {
        table_name: string;
      }[]
    ).map((r) => r.table_name);

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    ds = new DataSource(dataSourceOptions(db.url));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('apply on an empty database, revert one by one to nothing, and apply again', async () => {
    expect(await tables()).toEqual([]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(MIGRATIONS.length);
    expect(await tables()).toEqual(expect.arrayContaining(['organizations', 'users', 'sessions', 'refresh_tokens', 'audit_log', 'achievements']));
    expect(await ds.showMigrations()).toBe(false);

    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual([]);

    expect(await ds.runMigrations({ transaction: 'each' })).toHaveLength(MIGRATIONS.length);
  });

  it('stores every point in time as timestamptz and money as bigint', async () => {
    const columns = (await ds.query(`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'`)) as {
      table_name: string;
      column_name: string;
      data_type: string;
    }[];
    const timestamps = columns.filter((c) => c.data_type.startsWith('timestamp'));
    expect(timestamps.length).toBeGreaterThan(5);
    expect(timestamps.filter((c) => c.data_type !== 'timestamp with time zone')).toEqual([]);
    const money = columns.filter((c) => c.column_name.endsWith('_fen'));
    expect(money.length).toBeGreaterThan(0);
    expect(money.filter((c) => c.data_type !== 'bigint')).toEqual([]);
  });

  it('enforces organisation shapes in the database too, not only in code', async () => {
    await expect(ds.query(`INSERT INTO organizations (type, name, region_code) VALUES ('holder', 'no category', '330100')`)).rejects.toThrow(
      /organizations_holder_category/,
    );
    await expect(ds.query(`INSERT INTO organizations (type, name, region_code, sme) VALUES ('broker', 'b', '330100', true)`)).rejects.toThrow(
      /organizations_sme_flag/,
    );
    await expect(ds.query(`INSERT INTO organizations (type, name, region_code) VALUES ('broker', 'b', '33010')`)).rejects.toThrow(/region_code/);
  });
});
