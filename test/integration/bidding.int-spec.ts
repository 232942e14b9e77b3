import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AUCTION_JOBS, BiddingEngine, LotClosingService, MarketModule } from '../../libs/market/src';
import { DepositsService } from '../../libs/payments/src';
import { verifyChain } from '../../libs/market/src/domain';
import { DatabaseModule } from '../../libs/database/src';
import { PlatformConfigModule, QUEUES, QueueProducersModule, RedisModule } from '../../libs/platform/src';
import { RealtimeModule } from '../../libs/realtime/src';
import { Module } from '@nestjs/common';
import { testConfig } from '../support/config';
import { insertBidder, insertLot } from '../support/market-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('bidding engine and closing on PostgreSQL', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let engine: BiddingEngine;
  let closing: LotClosingService;
  let config: ReturnType<typeof testConfig>;

  const contextFor = async () => {
    @Module({
      imports: [PlatformConfigModule.forRoot(config), RedisModule, DatabaseModule.forRoot(config), QueueProducersModule, RealtimeModule, MarketModule],
    })
    class TestMarketModule {}
    return NestFactory.createApplicationContext(TestMarketModule, { logger: false, abortOnError: false });
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testConfig(db.url);
    app = await contextFor();
    ds = app.get(DataSource);
    engine = app.get(BiddingEngine);
    closing = app.get(LotClosingService);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const accepted = async (lotId: string) =>
    (await ds.query(
      `SELECT seq, amount_fen::text AS amount, registration_id, source, prev_hash, hash, received_at FROM bids WHERE lot_id = $1 AND status = 'accepted' ORDER BY seq`,
      [lotId],
    )) as {
      seq: number;
      amount: string;
      registration_id: string;
      source: string;
      prev_hash: string;
      hash: string;
      received_at: Date;
    }[];

  it('200 concurrent bids from 20 bidders make one strictly increasing sequence, every answer stored, none lost', async () => {
    const lotId = await insertLot(ds, { startingPriceFen: 1_000_000n, incrementFen: 1_000n });
    const bidders: Awaited<ReturnType<typeof insertBidder>>[] = [];
    for (let i = 0; i < 20; i++) bidders.push(await insertBidder(ds, lotId));
    const requests = Array.from({ length: 200 }, (_, i) => {
      const b = bidders[i % bidders.length];
      return engine.submit({
        lotId,
        organizationId: b.organizationId,
        userId: null,
        amountFen: 1_000_000n + BigInt(i) * 1_000n + BigInt(i % 7) * 300n,
        idempotencyKey: `k-${i}`,
        source: 'online',
      });
    });
    const results = await Promise.all(requests);
    const rows = await accepted(lotId);
    const acceptedResults = results.filter((r) => r.status === 'accepted');
    expect(acceptedResults.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(BigInt(rows[i].amount)).toBeGreaterThan(BigInt(rows[i - 1].amount));
    // every acknowledged acceptance is in the database with its sequence number
    const seqs = new Set(rows.map((r) => r.seq));
    for (const r of acceptedResults) expect(seqs.has(r.seq!)).toBe(true);
    const stored = (await ds.query(`SELECT count(*)::int AS n FROM bids WHERE lot_id = $1`, [lotId]))[0].n;
    expect(stored).toBe(200);
    const lot = (await ds.query(`SELECT seq, bid_count, current_fen::text AS current, chain_head FROM lots WHERE id = $1`, [lotId]))[0];
    expect(lot.seq).toBe(rows.length);
    expect(lot.current).toBe(rows[rows.length - 1].amount);
    expect(lot.chain_head).toBe(rows[rows.length - 1].hash);
  });

  it('answers a replayed idempotency key with the first answer and stores the bid once', async () => {
    const lotId = await insertLot(ds);
    const b = await insertBidder(ds, lotId);
    const bid = { lotId, organizationId: b.organizationId, userId: null, amountFen: 1_000_000n, idempotencyKey: 'same-key', source: 'online' as const };
    const [first, second] = await Promise.all([engine.submit(bid), engine.submit(bid)]);
    const third = await engine.submit({ ...bid, amountFen: 5_000_000n });
    expect(first).toMatchObject({ status: 'accepted', seq: 1, replay: false });
    expect(second).toMatchObject({ status: 'accepted', seq: 1, replay: true });
    expect(third).toMatchObject({ status: 'accepted', seq: 1, replay: true });
    expect((await ds.query(`SELECT count(*)::int AS n FROM bids WHERE lot_id = $1`, [lotId]))[0].n).toBe(1);
  });

  it('rejects, and stores, bids without registration, without a held deposit, or below the minimum', async () => {
    const lotId = await insertLot(ds, { startingPriceFen: 1_000_000n });
    const unpaid = await insertBidder(ds, lotId, { depositStatus: 'pending' });
    const paid = await insertBidder(ds, lotId);
    const outsider = await insertBidder(ds, await insertLot(ds));
    expect(await engine.submit({ lotId, organizationId: outsider.organizationId, userId: null, amountFen: 2_000_000n, source: 'online' })).toMatchObject({
      status: 'rejected',
      code: 'NOT_REGISTERED',
    });
    expect(await engine.submit({ lotId, organizationId: unpaid.organizationId, userId: null, amountFen: 2_000_000n, source: 'online' })).toMatchObject({
      status: 'rejected',
      code: 'DEPOSIT_NOT_HELD',
    });
    expect(await engine.submit({ lotId, organizationId: paid.organizationId, userId: null, amountFen: 999_999n, source: 'online' })).toMatchObject({
      status: 'rejected',
      code: 'BID_TOO_LOW',
      minimumFen: '1000000',
    });
    expect(await engine.submit({ lotId, organizationId: paid.organizationId, userId: null, amountFen: 1_000_000n, source: 'online' })).toMatchObject({
      status: 'accepted',
      seq: 1,
      leading: true,
    });
    expect(await engine.submit({ lotId, organizationId: paid.organizationId, userId: null, amountFen: 1_100_000n, source: 'online' })).toMatchObject({
      status: 'rejected',
      code: 'ALREADY_LEADING',
    });
    const codes = (await ds.query(`SELECT reject_code FROM bids WHERE lot_id = $1 AND status = 'rejected' ORDER BY id`, [lotId])).map(
      (r: { reject_code: string }) => r.reject_code,
    );
    expect(codes).toEqual(['NOT_REGISTERED', 'DEPOSIT_NOT_HELD', 'BID_TOO_LOW', 'ALREADY_LEADING']);
  });

  it('rejects a bid after the end, whatever the client thinks', async () => {
    const lotId = await insertLot(ds, { endsAt: new Date(Date.now() + 200) });
    const b = await insertBidder(ds, lotId);
    await new Promise((r) => setTimeout(r, 300));
    expect(await engine.submit({ lotId, organizationId: b.organizationId, userId: null, amountFen: 1_000_000n, source: 'online' })).toMatchObject({
      status: 'rejected',
      code: 'LOT_ENDED',
    });
  });

  it('takes bids on a lot whose end time carries microseconds (never rewrites it a little earlier)', async () => {
    const lotId = await insertLot(ds);
    await ds.query(
      `UPDATE lots SET ends_at = date_trunc('second', now()) + interval '1 hour 0.000123 second', original_ends_at = date_trunc('second', now()) + interval '1 hour 0.000123 second' WHERE id = $1`,
      [lotId],
    );
    const b = await insertBidder(ds, lotId);
    expect(await engine.submit({ lotId, organizationId: b.organizationId, userId: null, amountFen: 1_000_000n, source: 'online' })).toMatchObject({
      status: 'accepted',
      seq: 1,
    });
    const lot = (await ds.query(`SELECT ends_at = original_ends_at AS same FROM lots WHERE id = $1`, [lotId]))[0];
    expect(lot.same).toBe(true);
  });

  it('runs proxy bidding: the leader is defended up to its maximum', async () => {
    const lotId = await insertLot(ds, { startingPriceFen: 100_000n, incrementFen: 10_000n });
    const a = await insertBidder(ds, lotId);
    const b = await insertBidder(ds, lotId);
    await engine.submit({ lotId, organizationId: a.organizationId, userId: null, amountFen: 100_000n, maxFen: 200_000n, source: 'online' });
    const challenge = await engine.submit({ lotId, organizationId: b.organizationId, userId: null, amountFen: 150_000n, source: 'online' });
    expect(challenge).toMatchObject({ status: 'accepted', leading: false, currentFen: '160000' });
    const rows = await accepted(lotId);
    expect(rows.map((r) => [r.amount, r.source])).toEqual([
      ['100000', 'online'],
      ['150000', 'online'],
      ['160000', 'proxy'],
    ]);
    expect(rows[2].registration_id).toBe(a.registrationId);
  });

  it('keeps a verifiable hash chain of accepted bids', async () => {
    const lotId = await insertLot(ds);
    const bidders = [await insertBidder(ds, lotId), await insertBidder(ds, lotId)];
    for (let i = 0; i < 6; i++)
      await engine.submit({
        lotId,
        organizationId: bidders[i % 2].organizationId,
        userId: null,
        amountFen: 1_000_000n + BigInt(i) * 10_000n,
        source: 'online',
      });
    const rows = (await ds.query(
      `SELECT b.seq, b.amount_fen, r.paddle_number, b.received_at, b.source, b.prev_hash, b.hash FROM bids b JOIN lot_registrations r ON r.id = b.registration_id WHERE b.lot_id = $1 AND b.status = 'accepted' ORDER BY seq`,
      [lotId],
    )) as { seq: number; amount_fen: string; paddle_number: number; received_at: Date; source: string; prev_hash: string; hash: string }[];
    const chain = rows.map((r) => ({
      seq: r.seq,
      bidderId: `竞买人 ${String(r.paddle_number).padStart(2, '0')}`,
      amountFen: BigInt(r.amount_fen),
      at: r.received_at,
      proxy: r.source === 'proxy',
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
    expect(verifyChain(lotId, chain).ok).toBe(true);
    chain[3] = { ...chain[3], amountFen: chain[3].amountFen + 1n };
    expect(verifyChain(lotId, chain)).toMatchObject({ ok: false, brokenAtSeq: 4 });
  });

  it('extends the end on a late bid and queues a close job for the new end', async () => {
    const lotId = await insertLot(ds, { endsAt: new Date(Date.now() + 60_000), extensionMinutes: 5 });
    const b = await insertBidder(ds, lotId);
    await engine.submit({ lotId, organizationId: b.organizationId, userId: null, amountFen: 1_000_000n, source: 'online' });
    const lot = (await ds.query(`SELECT ends_at, original_ends_at FROM lots WHERE id = $1`, [lotId]))[0] as { ends_at: Date; original_ends_at: Date };
    expect(lot.ends_at.getTime()).toBeGreaterThan(lot.original_ends_at.getTime());
    expect(lot.ends_at.getTime() - Date.now()).toBeGreaterThan(4 * 60_000);
    const queue = app.get<Queue>(getQueueToken(QUEUES.auctions));
    // queued after the commit: wait for it (a busy machine takes more than a moment), up to 5 s
    let job = await queue.getJob(`close-${lotId}-${lot.ends_at.getTime()}`);
    for (let waited = 0; !job && waited < 5_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      job = await queue.getJob(`close-${lotId}-${lot.ends_at.getTime()}`);
    }
    expect(job).toBeDefined();
    expect(job!.data).toEqual({ lotId });
  });

  it('closes a lot exactly once when two closers race, with one deal and the result', async () => {
    const lotId = await insertLot(ds, { reservePriceFen: 1_000_000n, extensionMinutes: 0 });
    const bidders = [await insertBidder(ds, lotId), await insertBidder(ds, lotId)];
    expect(await engine.submit({ lotId, organizationId: bidders[0].organizationId, userId: null, amountFen: 1_000_000n, source: 'online' })).toMatchObject({
      status: 'accepted',
    });
    expect(await engine.submit({ lotId, organizationId: bidders[1].organizationId, userId: null, amountFen: 1_200_000n, source: 'online' })).toMatchObject({
      status: 'accepted',
    });
    // the end passes (moved rather than waited for, so a slow machine cannot end the lot before the bids)
    await ds.query(`UPDATE lots SET ends_at = now() - interval '1 second', original_ends_at = now() - interval '1 second' WHERE id = $1`, [lotId]);
    const other = await contextFor();
    try {
      const results = await Promise.all([closing.close(lotId), other.get(LotClosingService).close(lotId), closing.close(lotId)]);
      expect(results.filter((r) => r.closed)).toHaveLength(1);
      expect(results.filter((r) => !r.closed).map((r) => !r.closed && r.reason)).toEqual(['already_closed', 'already_closed']);
    } finally {
      await other.close();
    }
    const lot = (await ds.query(`SELECT status, result, hammer_price_fen::text AS hammer, winner_registration_id FROM lots WHERE id = $1`, [lotId]))[0];
    expect(lot).toEqual({ status: 'closed', result: 'sold', hammer: '1200000', winner_registration_id: bidders[1].registrationId });
    const deals = await ds.query(`SELECT buyer_id, price_fen::text AS price FROM deals WHERE lot_id = $1`, [lotId]);
    expect(deals).toEqual([{ buyer_id: bidders[1].organizationId, price: '1200000' }]);
    const regs = (await ds.query(`SELECT id, deposit_status FROM lot_registrations WHERE lot_id = $1 ORDER BY paddle_number`, [lotId])) as {
      deposit_status: string;
    }[];
    expect(regs.map((r) => r.deposit_status)).toEqual(['released', 'held']);
  });

  it('finishes settling deposits when a closer died between the commit and the settlement', async () => {
    const lotId = await insertLot(ds, { extensionMinutes: 0 });
    const [a, b] = [await insertBidder(ds, lotId), await insertBidder(ds, lotId)];
    expect(await engine.submit({ lotId, organizationId: a.organizationId, userId: null, amountFen: 1_000_000n, source: 'online' })).toMatchObject({
      status: 'accepted',
    });
    expect(await engine.submit({ lotId, organizationId: b.organizationId, userId: null, amountFen: 1_100_000n, source: 'online' })).toMatchObject({
      status: 'accepted',
    });
    // the end passes (moved rather than waited for, so a slow machine cannot end the lot before the bids)
    await ds.query(`UPDATE lots SET ends_at = now() - interval '1 second', original_ends_at = now() - interval '1 second' WHERE id = $1`, [lotId]);
    // The close committed, then the process died before releasing the loser's hold:
    await ds.query(
      `UPDATE lots SET status = 'closed', result = 'sold', winner_registration_id = $2, hammer_price_fen = 1100000, closed_at = now() WHERE id = $1`,
      [lotId, b.registrationId],
    );
    expect((await ds.query(`SELECT deposit_status FROM lot_registrations WHERE id = $1`, [a.registrationId]))[0].deposit_status).toBe('held');
    // BullMQ retries the job: the lot is closed already, and the settlement is finished.
    expect(await closing.close(lotId)).toMatchObject({ closed: false, reason: 'already_closed' });
    expect((await ds.query(`SELECT deposit_status FROM lot_registrations WHERE id = $1`, [a.registrationId]))[0].deposit_status).toBe('released');
    expect((await ds.query(`SELECT deposit_status FROM lot_registrations WHERE id = $1`, [b.registrationId]))[0].deposit_status).toBe('held');
  });

  /** A lot past its end with a winner (the last bidder) and losers of every kind; its registrations by name. */
  const endedLotWithLosers = async () => {
    const lotId = await insertLot(ds, { extensionMinutes: 0 });
    const held = await insertBidder(ds, lotId); // bids, loses; held without a gateway deposit
    const heldToo = await insertBidder(ds, lotId); // never bids
    const pending = await insertBidder(ds, lotId, { depositStatus: 'pending' }); // no deposit yet: left alone
    const gateway = await insertBidder(ds, lotId, { depositStatus: 'pending' }); // a deposit held by payments (a bank transfer)
    const deposit = await app.get(DepositsService).recordBankTransfer(
      {
        organizationId: gateway.organizationId,
        referenceType: 'lot_registration',
        referenceId: gateway.registrationId,
        amountFen: 100_000n,
        bankReference: `T-${lotId}`,
      },
      null,
    );
    await ds.query(`UPDATE lot_registrations SET deposit_id = $2, deposit_status = 'held' WHERE id = $1`, [gateway.registrationId, deposit.id]);
    const winner = await insertBidder(ds, lotId);
    for (const [b, amount] of [
      [held, 1_000_000n],
      [winner, 1_100_000n],
    ] as const) {
      expect(await engine.submit({ lotId, organizationId: b.organizationId, userId: null, amountFen: amount, source: 'online' })).toMatchObject({
        status: 'accepted',
      });
    }
    await ds.query(`UPDATE lots SET ends_at = now() - interval '1 second', original_ends_at = now() - interval '1 second' WHERE id = $1`, [lotId]);
    const statuses = async () =>
      Object.fromEntries(
        ((await ds.query(`SELECT id, deposit_status FROM lot_registrations WHERE lot_id = $1`, [lotId])) as { id: string; deposit_status: string }[]).map(
          (r) => [[held, heldToo, pending, gateway, winner].findIndex((b) => b.registrationId === r.id), r.deposit_status],
        ),
      );
    const depositStatus = async () => ((await ds.query(`SELECT status FROM deposits WHERE id = $1`, [deposit.id])) as { status: string }[])[0].status;
    return { lotId, depositId: deposit.id, statuses, depositStatus };
  };
  const ALL_HELD = { 0: 'held', 1: 'held', 2: 'pending', 3: 'held', 4: 'held' };
  const SETTLED = { 0: 'released', 1: 'released', 2: 'pending', 3: 'released', 4: 'held' };

  it("settles a closed lot's losers with ONE statement (a gateway deposit released through payments first), the winner's hold kept, idempotently", async () => {
    const lot = await endedLotWithLosers();
    const statements: string[] = [];
    const query = ds.query.bind(ds);
    const spy = jest.spyOn(ds, 'query').mockImplementation((...args: Parameters<DataSource['query']>) => {
      if (/^\s*UPDATE lot_registrations r SET deposit_status = 'released'/.test(args[0])) statements.push(args[0]);
      return query(...args);
    });
    try {
      expect(await closing.close(lot.lotId)).toMatchObject({ closed: true, result: 'sold' });
      expect(statements).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
    expect(await lot.statuses()).toEqual(SETTLED);
    expect(await lot.depositStatus()).toBe('released');
    // again (a retried job, the sweep): nothing more to mark, nothing moves
    expect(await closing.settleDeposits(lot.lotId)).toBe(0);
    expect(await closing.close(lot.lotId)).toMatchObject({ closed: false, reason: 'already_closed' });
    expect(await lot.statuses()).toEqual(SETTLED);
  });

  it('settles nothing of a lot that is not closed, whoever asks', async () => {
    const lot = await endedLotWithLosers();
    expect(await closing.settleDeposits(lot.lotId)).toBe(0);
    expect(await lot.statuses()).toEqual(ALL_HELD);
    expect(await lot.depositStatus()).toBe('held');
  });

  it("the worker's close leaves the deposits to one queued job per lot; a repeated close queues no second one while it waits; the job settles", async () => {
    const lot = await endedLotWithLosers();
    const queue = app.get<Queue>(getQueueToken(QUEUES.auctions));
    expect(await closing.close(lot.lotId, { queueSettlement: true })).toMatchObject({ closed: true });
    expect(await lot.statuses()).toEqual(ALL_HELD); // nothing settled in the close's slot
    expect(await closing.close(lot.lotId, { queueSettlement: true })).toMatchObject({ closed: false, reason: 'already_closed' });
    const jobs = (await queue.getJobs(['waiting', 'delayed', 'active'])).filter((j) => j.name === AUCTION_JOBS.settleLotDeposits && j.data.lotId === lot.lotId);
    expect(jobs.map((j) => [j.id, j.data])).toEqual([[`settle-deposits-${lot.lotId}`, { lotId: lot.lotId }]]);
    // what the worker's processor runs for the job
    // 2 marked by the statement: the gateway's registration followed its deposit's DepositStatusChanged (released) already
    expect(await closing.settleDeposits(lot.lotId)).toBe(2);
    expect(await lot.statuses()).toEqual(SETTLED);
    await jobs[0].remove();
  });

  it('a deposit the gateway cannot release is left for the next attempt; the other losers are marked, and the error is thrown', async () => {
    const lot = await endedLotWithLosers();
    // payments captured it meanwhile, the registration still says held: the release is refused
    await app.get(DepositsService).capture(lot.depositId);
    await ds.query(`UPDATE lot_registrations SET deposit_status = 'held' WHERE deposit_id = $1`, [lot.depositId]);
    await expect(closing.close(lot.lotId)).rejects.toMatchObject({ code: 'DEPOSIT_ALREADY_SETTLED' });
    expect(await lot.statuses()).toEqual({ ...SETTLED, 3: 'held' });
    expect((await ds.query(`SELECT status FROM lots WHERE id = $1`, [lot.lotId]))[0].status).toBe('closed'); // the close itself committed
  });

  it('does not close a lot before its (extended) end, and leaves it unsold when the reserve is not met', async () => {
    const lotId = await insertLot(ds, { endsAt: new Date(Date.now() + 60_000), reservePriceFen: 5_000_000n });
    const b = await insertBidder(ds, lotId);
    expect(await closing.close(lotId)).toMatchObject({ closed: false, reason: 'not_ended' });
    await engine.submit({ lotId, organizationId: b.organizationId, userId: null, amountFen: 1_000_000n, source: 'online' });
    // the bid came inside the extension window: the end moved 5 minutes on
    expect(await closing.close(lotId)).toMatchObject({ closed: false, reason: 'not_ended' });
    await ds.query(`UPDATE lots SET ends_at = now() - interval '1 second', original_ends_at = now() - interval '1 second' WHERE id = $1`, [lotId]);
    expect(await closing.close(lotId)).toMatchObject({ closed: true, result: 'unsold' });
    expect((await ds.query(`SELECT unsold_reason FROM lots WHERE id = $1`, [lotId]))[0].unsold_reason).toBe('reserve_not_met');
    expect((await ds.query(`SELECT count(*)::int AS n FROM deals WHERE lot_id = $1`, [lotId]))[0].n).toBe(0);
  });
});
