import { Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { CLOCK, FixedClock } from '../../libs/core/src';
import { DatabaseModule } from '../../libs/database/src';
import { ListingFlowsService, MarketModule } from '../../libs/market/src';
import { PlatformConfigModule, QueueProducersModule, RedisModule, type Principal } from '../../libs/platform/src';
import { RealtimeModule } from '../../libs/realtime/src';
import { testConfig } from '../support/config';
import { insertEnterprise } from '../support/market-factory';
import { insertAchievement, insertHolder, insertUser } from '../support/registry-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('fixed-price and negotiated listings', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let flows: ListingFlowsService;
  const clock = new FixedClock(new Date('2026-11-23T02:00:00Z')); // a Monday, 10:00 in Shanghai
  let holder: Principal;

  const enterprise = async (): Promise<Principal> => {
    const organizationId = await insertEnterprise(ds);
    return { userId: await insertUser(ds, organizationId), organizationId, organizationType: 'enterprise', roles: ['enterprise_admin'], sessionId: 's' };
  };
  const listing = async (mode: 'fixed_price' | 'negotiated' = 'fixed_price') => {
    const achievementId = await insertAchievement(ds, holder.organizationId);
    return (await flows.create(holder, { achievementId, mode, dealType: 'transfer', priceFen: mode === 'fixed_price' ? '80000000' : undefined, noticeDays: 3 }))
      .id;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url);
    @Module({
      imports: [PlatformConfigModule.forRoot(config), RedisModule, DatabaseModule.forRoot(config), QueueProducersModule, RealtimeModule, MarketModule],
    })
    class TestModule {}
    const module = await Test.createTestingModule({ imports: [TestModule] })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    app = await module.init();
    ds = app.get(DataSource);
    flows = app.get(ListingFlowsService);
    const holderId = await insertHolder(ds);
    holder = { userId: await insertUser(ds, holderId), organizationId: holderId, organizationType: 'holder', roles: ['holder_admin'], sessionId: 's' };
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });
  beforeEach(() => clock.set(new Date('2026-11-23T02:00:00Z')));

  it('publishes a notice of working days and refuses to conclude before it ends', async () => {
    const achievementId = await insertAchievement(ds, holder.organizationId);
    const created = await flows.create(holder, { achievementId, mode: 'fixed_price', dealType: 'transfer', priceFen: '80000000', noticeDays: 3 });
    expect(created.noticeEndsAt).toBe('2026-11-26T16:00:00.000Z'); // Tue, Wed, Thu → ends at Friday 00:00 in Shanghai
    expect(await flows.conclude(created.id)).toEqual({ outcome: 'not_due' });
  });

  it('sells at the listed price when exactly one enterprise declared intent', async () => {
    const id = await listing();
    const buyer = await enterprise();
    expect(await flows.declareIntent(buyer, id, { statement: '拟受让' })).toMatchObject({ intents: 1 });
    await expect(flows.declareIntent(buyer, id, {})).rejects.toMatchObject({ code: 'INTENT_ALREADY_DECLARED' });
    clock.set(new Date('2026-11-27T00:00:00Z'));
    expect(await flows.conclude(id)).toMatchObject({ outcome: 'sold', buyerId: buyer.organizationId });
    expect(await flows.conclude(id)).toEqual({ outcome: 'already_concluded' });
    const deals = await ds.query(`SELECT buyer_id, price_fen::text AS price, source FROM deals WHERE listing_id = $1`, [id]);
    expect(deals).toEqual([{ buyer_id: buyer.organizationId, price: '80000000', source: 'fixed_price' }]);
  });

  it('turns into an auction among the enterprises when two or more declared intent', async () => {
    const id = await listing();
    const [a, b, c] = [await enterprise(), await enterprise(), await enterprise()];
    for (const e of [a, b, c]) await flows.declareIntent(e, id, {});
    clock.set(new Date('2026-11-27T00:00:00Z'));
    const outcome = await flows.conclude(id);
    expect(outcome).toMatchObject({ outcome: 'auction', bidders: 3 });
    const lotId = (outcome as { lotId: string }).lotId;
    const lot = (await ds.query(`SELECT starting_price_fen::text AS start, deposit_fen::text AS deposit, status FROM lots WHERE id = $1`, [lotId]))[0];
    expect(lot).toEqual({ start: '80000000', deposit: '8000000', status: 'scheduled' });
    const regs = (await ds.query(`SELECT organization_id, paddle_number, deposit_status FROM lot_registrations WHERE lot_id = $1 ORDER BY paddle_number`, [
      lotId,
    ])) as { organization_id: string }[];
    expect(regs.map((r) => r.organization_id)).toEqual([a, b, c].map((e) => e.organizationId));
    expect((await ds.query(`SELECT count(*)::int AS n FROM deals WHERE listing_id = $1`, [id]))[0].n).toBe(0);
  });

  it('records no deal and keeps the listing when nobody declared intent', async () => {
    const id = await listing();
    clock.set(new Date('2026-11-27T00:00:00Z'));
    expect(await flows.conclude(id)).toEqual({ outcome: 'no_intent' });
    expect((await ds.query(`SELECT status FROM listings WHERE id = $1`, [id]))[0].status).toBe('active');
  });

  it('refuses intents after the notice period and from organisations that are not enterprises', async () => {
    const id = await listing();
    clock.set(new Date('2026-11-27T00:00:00Z'));
    await expect(flows.declareIntent(await enterprise(), id, {})).rejects.toMatchObject({ code: 'NOTICE_PERIOD_OVER' });
    await expect(flows.declareIntent(holder, id, {})).rejects.toMatchObject({ code: 'NOT_AN_ENTERPRISE' });
  });

  it('gives a forced (P-2Y) listing the usual notice from its opening, and the sweep concludes it', async () => {
    const achievementId = await insertAchievement(ds, holder.organizationId);
    const [row] = (await ds.query(
      `INSERT INTO listings (achievement_id, holder_id, mode, forced, rule_clause, price_fen, status, created_at) VALUES ($1, $2, 'fixed_price', true, 'P-2Y', 70000000, 'active', $3) RETURNING id`,
      [achievementId, holder.organizationId, clock.now()],
    )) as { id: string }[];
    const buyer = await enterprise();
    await flows.declareIntent(buyer, row.id, {});
    clock.set(new Date('2026-12-07T15:59:59Z')); // the last instant of the tenth working day
    await flows.concludeDue();
    expect((await ds.query(`SELECT concluded_at FROM listings WHERE id = $1`, [row.id]))[0].concluded_at).toBeNull();
    expect(await flows.conclude(row.id)).toEqual({ outcome: 'not_due' });
    clock.set(new Date('2026-12-07T16:00:00Z'));
    expect(await flows.concludeDue()).toBeGreaterThanOrEqual(1);
    expect((await ds.query(`SELECT buyer_id, source, price_fen::text AS price FROM deals WHERE listing_id = $1`, [row.id]))[0]).toEqual({
      buyer_id: buyer.organizationId,
      source: 'fixed_price',
      price: '70000000',
    });
    expect(await flows.conclude(row.id)).toEqual({ outcome: 'already_concluded' });
  });

  it('concludes a negotiated listing by the agreement the holder records, only with an interested enterprise', async () => {
    const id = await listing('negotiated');
    const [interested, stranger] = [await enterprise(), await enterprise()];
    await flows.declareIntent(interested, id, {});
    await expect(flows.agree(holder, id, { enterpriseId: stranger.organizationId, priceFen: '50000000' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(flows.agree(interested, id, { enterpriseId: interested.organizationId, priceFen: '1' })).rejects.toMatchObject({
      code: 'ORGANIZATION_BOUNDARY',
    });
    const { dealId } = await flows.agree(holder, id, { enterpriseId: interested.organizationId, priceFen: '50000000' });
    expect((await ds.query(`SELECT price_fen::text AS price, source FROM deals WHERE id = $1`, [dealId]))[0]).toEqual({
      price: '50000000',
      source: 'negotiated',
    });
    await expect(flows.agree(holder, id, { enterpriseId: interested.organizationId, priceFen: '50000000' })).rejects.toMatchObject({
      code: 'LISTING_NOT_ACTIVE',
    });
  });
});
