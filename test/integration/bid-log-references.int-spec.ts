import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../libs/database/src/data-source-options';
import { insertBidder, insertEnterprise, insertLot } from '../support/market-factory';
import { insertUser } from '../support/registry-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The bid log's references are checked a statement at a time (migration 1764000008000) instead of
 * by per-row foreign keys: a batch with one bad reference is refused whole with SQLSTATE 23503,
 * and rows that bids refer to cannot be deleted.
 */
describe('bid log references', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let lotId: string;
  let otherLotId: string;
  let bidder: Awaited<ReturnType<typeof insertBidder>>;
  let otherBidder: Awaited<ReturnType<typeof insertBidder>>;
  let userId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url)).initialize();
    lotId = await insertLot(ds);
    otherLotId = await insertLot(ds);
    bidder = await insertBidder(ds, lotId);
    otherBidder = await insertBidder(ds, otherLotId);
    userId = await insertUser(ds, bidder.organizationId);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  type Row = { lot: string; reg: string | null; org: string | null; user: string | null };
  const insert = (rows: Row[]) =>
    ds.query(
      `INSERT INTO bids (lot_id, registration_id, organization_id, user_id, source, amount_fen, status, reject_code, received_at)
       SELECT l, r, o, u, 'online', 100, 'rejected', 'BID_TOO_LOW', now() FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[]) AS t(l, r, o, u)`,
      [rows.map((r) => r.lot), rows.map((r) => r.reg), rows.map((r) => r.org), rows.map((r) => r.user)],
    );
  const count = async () => Number((await ds.query(`SELECT count(*) AS n FROM bids`))[0].n);
  const good = (): Row => ({ lot: lotId, reg: bidder.registrationId, org: bidder.organizationId, user: userId });
  const violation = (what: string) => expect.objectContaining({ code: '23503', message: expect.stringContaining(what) });

  it("takes a batch whose references are all right, and an unregistered bidder's rejected bid without a registration", async () => {
    const before = await count();
    await insert([good(), good(), { lot: lotId, reg: null, org: await insertEnterprise(ds), user: null }]);
    expect(await count()).toBe(before + 3);
  });

  it.each<[string, (r: Row) => Row, string]>([
    ['a lot that does not exist', (r) => ({ ...r, lot: '0193a3f0-7c4e-7a1b-9c2d-3e4f5a6b7c8d' }), 'no such lot'],
    ['a registration of another lot', (r) => ({ ...r, reg: otherBidder.registrationId }), 'no such registration'],
    ['a registration of another organisation', (r) => ({ ...r, org: otherBidder.organizationId }), 'no such registration'],
    ['an organisation that does not exist', (r) => ({ ...r, reg: null, org: '0193a3f0-7c4e-7a1b-9c2d-3e4f5a6b7c8d' }), 'no such organisation'],
    ['a user that does not exist', (r) => ({ ...r, user: '0193a3f0-7c4e-7a1b-9c2d-3e4f5a6b7c8d' }), 'no such user'],
  ])('refuses the whole batch when one bid refers to %s', async (_name, spoil, what) => {
    const before = await count();
    await expect(insert([good(), spoil(good()), good()])).rejects.toEqual(violation(what));
    expect(await count()).toBe(before);
  });

  it.each([
    ['lot_registrations', async () => bidder.registrationId],
    ['users', async () => userId],
    // an organisation and a lot that nothing but a bid refers to: an unregistered enterprise's rejected bid on a lot without registrations
    [
      'organizations',
      async () => {
        const org = await insertEnterprise(ds);
        await insert([{ lot: otherLotId, reg: null, org, user: null }]);
        return org;
      },
    ],
    [
      'lots',
      async () => {
        const lot = await insertLot(ds);
        await insert([{ lot, reg: null, org: bidder.organizationId, user: null }]);
        return lot;
      },
    ],
  ])('refuses to delete a row of %s that bids refer to', async (table, id) => {
    const target = await id();
    await expect(ds.query(`DELETE FROM ${table} WHERE id = $1`, [target])).rejects.toEqual(violation('bids refer to it'));
    expect(await ds.query(`SELECT 1 FROM ${table} WHERE id = $1`, [target])).toHaveLength(1);
  });

  it('still deletes a registration no bid refers to', async () => {
    const unused = await insertBidder(ds, otherLotId);
    await ds.query(`DELETE FROM lot_registrations WHERE id = $1`, [unused.registrationId]);
    expect(await ds.query(`SELECT 1 FROM lot_registrations WHERE id = $1`, [unused.registrationId])).toHaveLength(0);
  });
});
