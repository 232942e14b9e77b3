import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AUCTION_JOBS, BiddingEngine, type BidResult, CLOSE_BATCH_LOTS, type CloseResult, LotClosingService, MarketModule } from '../../libs/market/src';
import { DepositsService } from '../../libs/payments/src';
import { verifyChain } from '../../libs/market/src/domain';
import { DatabaseModule, TransactionRunner } from '../../libs/database/src';
import { Metrics, MetricsRegistryModule, PlatformConfigModule, QUEUES, QueueProducersModule, RedisModule } from '../../libs/platform/src';
import { RealtimeModule } from '../../libs/realtime/src';
import { Module } from '@nestjs/common';
import { testConfig } from '../support/config';
import { insertBidder, insertEnterprise, insertLot } from '../support/market-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('bidding engine and closing on PostgreSQL', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let engine: BiddingEngine;
  let closing: LotClosingService;
  let metrics: Metrics;
  let config: ReturnType<typeof testConfig>;

  const contextFor = async () => {
    @Module({
      imports: [
        PlatformConfigModule.forRoot(config),
        MetricsRegistryModule,
        RedisModule,
        DatabaseModule.forRoot(config),
        QueueProducersModule,
        RealtimeModule,
        MarketModule,
      ],
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
    metrics = app.get(Metrics);
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

  it("answers as a replay a key that another process stored while this batch waited for the lot's lock, and stores it once", async () => {
    const lotId = await insertLot(ds, { startingPriceFen: 1_000_000n });
    const b = await insertBidder(ds, lotId);
    const other = ds.createQueryRunner(); // another API process's batch, holding the lot's lock
    await other.connect();
    try {
      await other.startTransaction();
      await other.query(`SELECT id FROM lots WHERE id = $1 FOR UPDATE`, [lotId]);
      await other.query(
        `INSERT INTO bids (lot_id, registration_id, organization_id, source, idempotency_key, amount_fen, status, reject_code, received_at)
         VALUES ($1, $2, $3, 'online', 'raced-key', 500000, 'rejected', 'BID_TOO_LOW', now())`,
        [lotId, b.registrationId, b.organizationId],
      );
      const answer = engine.submit({
        lotId,
        organizationId: b.organizationId,
        userId: null,
        amountFen: 2_000_000n,
        idempotencyKey: 'raced-key',
        source: 'online',
      });
      // the engine's lock statement waits for the other batch, which commits only then
      const waiting = async () =>
        (
          await ds.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT * FROM lots WHERE id = $1 FOR UPDATE%'`,
          )
        )[0].n as number;
      const deadline = Date.now() + 10_000;
      while ((await waiting()) !== 1) {
        if (Date.now() > deadline) throw new Error('the engine never waited for the lock');
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.commitTransaction();
      // the facts are read after the lock (a snapshot taken before the wait would miss the key and store it twice)
      expect(await answer).toMatchObject({ status: 'rejected', code: 'BID_TOO_LOW', replay: true });
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
    expect((await ds.query(`SELECT count(*)::int AS n FROM bids WHERE lot_id = $1 AND idempotency_key = 'raced-key'`, [lotId]))[0].n).toBe(1);
    expect((await ds.query(`SELECT seq FROM lots WHERE id = $1`, [lotId]))[0].seq).toBe(0);
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

  it('closes lots that end together in batches (CLOSE_BATCH_LOTS to a transaction), each exactly once, while close jobs of three workers and the sweep race', async () => {
    const lots: { lotId: string; winner?: { organizationId: string; registrationId: string }; loser: { organizationId: string } }[] = [];
    for (let i = 0; i < CLOSE_BATCH_LOTS + 20; i++) {
      const lotId = await insertLot(ds, { extensionMinutes: 0 });
      const [a, b] = [await insertBidder(ds, lotId), await insertBidder(ds, lotId)];
      if (i % 3 === 2) {
        lots.push({ lotId, loser: a }); // no bids: unsold
        continue;
      }
      for (const [bidder, amount] of [
        [a, 1_000_000n],
        [b, 1_000_000n + BigInt(i + 1) * 10_000n],
      ] as const)
        expect(await engine.submit({ lotId, organizationId: bidder.organizationId, userId: null, amountFen: amount, source: 'online' })).toMatchObject({
          status: 'accepted',
        });
      lots.push({ lotId, winner: b, loser: a });
    }
    const ids = lots.map((l) => l.lotId);
    await ds.query(`UPDATE lots SET ends_at = now() - interval '1 second', original_ends_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`, [ids]);
    const [second, third] = [await contextFor(), await contextFor()];
    try {
      const closers = [closing, second.get(LotClosingService), third.get(LotClosingService)];
      const results = await Promise.all([
        ...ids.slice(0, 12).map((id, i) => closers[i % 3].closeEnded(id, { queueSettlement: i % 2 === 0 })),
        closers[1].closeDue(),
      ]);
      const closedHere = (results.slice(0, 12) as CloseResult[][]).flat().filter((r) => r.closed && ids.includes(r.lotId)).length;
      expect(closedHere + (results[12] as number)).toBeGreaterThanOrEqual(ids.length); // every lot closed by someone (the sweep may close others' leftovers)
    } finally {
      await second.close();
      await third.close();
    }
    const rows = (await ds.query(
      `SELECT l.id, l.status, l.result, l.hammer_price_fen::text AS hammer, l.winner_registration_id, li.status AS listing_status,
              (SELECT count(*)::int FROM audit_log a WHERE a.subject_id = l.id::text AND a.action = 'lot.closed') AS audits,
              (SELECT count(*)::int FROM deals d WHERE d.lot_id = l.id) AS deals,
              (SELECT count(*)::int FROM outbox_events e JOIN deals d ON e.payload->>'dealId' = d.id::text WHERE d.lot_id = l.id AND e.name = 'DealConcluded') AS events,
              (SELECT count(*)::int FROM notifications n WHERE n.data->>'lotId' = l.id::text AND n.kind IN ('lot_won', 'lot_lost')) AS notices
         FROM lots l JOIN listings li ON li.id = l.listing_id WHERE l.id = ANY($1::uuid[])`,
      [ids],
    )) as {
      id: string;
      status: string;
      result: string;
      hammer: string | null;
      winner_registration_id: string | null;
      listing_status: string;
      audits: number;
      deals: number;
      events: number;
      notices: number;
    }[];
    expect(rows).toHaveLength(ids.length);
    for (const lot of lots) {
      const row = rows.find((r) => r.id === lot.lotId)!;
      const i = lots.indexOf(lot);
      expect(row).toEqual({
        id: lot.lotId,
        status: 'closed',
        result: lot.winner ? 'sold' : 'unsold',
        hammer: lot.winner ? String(1_000_000n + BigInt(i + 1) * 10_000n) : null,
        winner_registration_id: lot.winner?.registrationId ?? null,
        listing_status: 'closed',
        audits: 1, // closed exactly once
        deals: lot.winner ? 1 : 0,
        events: lot.winner ? 1 : 0,
        notices: 2, // lot_won + lot_lost, or lot_lost twice
      });
    }
    const deals = (await ds.query(`SELECT lot_id, buyer_id, price_fen::text AS price FROM deals WHERE lot_id = ANY($1::uuid[])`, [ids])) as {
      lot_id: string;
      buyer_id: string;
      price: string;
    }[];
    for (const d of deals) {
      const lot = lots.find((l) => l.lotId === d.lot_id)!;
      expect([d.buyer_id, d.price]).toEqual([lot.winner!.organizationId, rows.find((r) => r.id === d.lot_id)!.hammer]);
    }
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
  describe('many lots at once', () => {
    /** committed bidding transactions so far, and how many of them judged more than one lot */
    const transactions = async () => {
      const { values } = await metrics.bidTransactionLots.get();
      const count = values.find((v) => v.metricName === 'zjp_bid_transaction_lots_count')!.value;
      const single = values.find((v) => v.metricName === 'zjp_bid_transaction_lots_bucket' && v.labels.le === 1)!.value;
      return { count, shared: count - single };
    };
    const fallbacks = async () => (await metrics.bidGroupFallbacks.get()).values[0]?.value ?? 0;
    const onlineBid = (lotId: string, organizationId: string, amountFen: bigint, extra: { maxFen?: bigint; idempotencyKey?: string } = {}) =>
      engine.submit({ lotId, organizationId, userId: null, amountFen, source: 'online', ...extra });

    interface Scenario {
      lotId: string;
      originalEndsAt: number;
      bids: () => Promise<BidResult>[];
    }

    /** A lot with three bidders and an outsider, and a sequence of bids covering proxies, rejections, replays and (some lots) an extension. */
    const scenario = async (i: number): Promise<Scenario> => {
      const endsAt = new Date(Date.now() + (i % 3 === 0 ? 60_000 : 3_600_000));
      const lotId = await insertLot(ds, { startingPriceFen: 1_000_000n, incrementFen: 10_000n, endsAt, extensionMinutes: 5 });
      const [a, b, c] = [
        await insertBidder(ds, lotId),
        await insertBidder(ds, lotId),
        await insertBidder(ds, lotId, { depositStatus: i % 2 ? 'held' : 'pending' }),
      ];
      const outsider = await insertEnterprise(ds);
      const k = (n: number) => `many-${i}-${n}`;
      return {
        lotId,
        originalEndsAt: endsAt.getTime(),
        bids: () => [
          onlineBid(lotId, a.organizationId, 1_000_000n, { maxFen: 1_050_000n + BigInt(i % 4) * 10_000n, idempotencyKey: k(1) }),
          onlineBid(lotId, b.organizationId, 1_020_000n, { idempotencyKey: k(2) }),
          onlineBid(lotId, c.organizationId, 1_000_000n + BigInt(i % 5) * 50_000n),
          onlineBid(lotId, a.organizationId, 1_100_000n),
          onlineBid(lotId, b.organizationId, 1_060_000n, { idempotencyKey: k(3) }),
          onlineBid(lotId, b.organizationId, 1_020_000n, { idempotencyKey: k(2) }),
          onlineBid(lotId, outsider, 2_000_000n),
          onlineBid(lotId, c.organizationId, 1_200_000n, { idempotencyKey: k(4) }),
        ],
      };
    };

    /** what must not depend on how lots were grouped: every answer (the end as extended or not), every stored row, the lot's state */
    const outcome = async (s: Scenario, results: PromiseSettledResult<BidResult>[]) => {
      const answers = results.map((r) => {
        if (r.status === 'rejected') return { error: (r.reason as { code?: string }).code };
        const { endsAt, ...rest } = r.value;
        return { ...rest, extended: new Date(endsAt).getTime() > s.originalEndsAt };
      });
      const rows = await ds.query(
        `SELECT b.status, b.reject_code, b.seq, b.amount_fen::text AS amount, b.max_fen::text AS max, b.source, b.idempotency_key IS NOT NULL AS keyed, r.paddle_number
           FROM bids b LEFT JOIN lot_registrations r ON r.id = b.registration_id WHERE b.lot_id = $1 ORDER BY b.id`,
        [s.lotId],
      );
      const [lot] = await ds.query(
        `SELECT l.seq, l.bid_count, l.current_fen::text AS current, l.leader_proxy_max_fen::text AS proxy_max, l.status, l.ends_at > l.original_ends_at AS extended, r.paddle_number AS leader
           FROM lots l LEFT JOIN lot_registrations r ON r.id = l.leader_registration_id WHERE l.id = $1`,
        [s.lotId],
      );
      return { answers, rows, lot };
    };

    it('judges the waiting bids of many lots in shared transactions, with the answers and rows of judging each lot alone', async () => {
      const alone: Scenario[] = [];
      const together: Scenario[] = [];
      for (let i = 0; i < 24; i++) {
        alone.push(await scenario(i));
        together.push(await scenario(i));
      }
      const before = await transactions();
      // one lot at a time: every transaction judges one lot
      const aloneOutcomes = [];
      for (const s of alone) aloneOutcomes.push(await outcome(s, await Promise.allSettled(s.bids())));
      const between = await transactions();
      expect(between.count - before.count).toBe(alone.length);
      expect(between.shared - before.shared).toBe(0);
      // every lot at once: the lots wait together and share transactions
      const submitted = together.map((s) => s.bids());
      const settled = await Promise.all(submitted.map((bids) => Promise.allSettled(bids)));
      const after = await transactions();
      expect(after.shared - between.shared).toBeGreaterThan(0);
      expect(after.count - between.count).toBeLessThan(together.length);
      for (let i = 0; i < together.length; i++) expect(await outcome(together[i], settled[i])).toEqual(aloneOutcomes[i]);
      // the scenario is not trivial: accepted, proxy, replayed, rejected and extended answers all occur
      const answers = aloneOutcomes.flatMap((o) => o.answers) as Record<string, unknown>[];
      expect(answers.some((a) => a.status === 'accepted' && a.replay === false)).toBe(true);
      expect(answers.some((a) => a.replay === true)).toBe(true);
      for (const code of ['NOT_REGISTERED', 'DEPOSIT_NOT_HELD', 'BID_TOO_LOW']) expect(answers.some((a) => a.code === code)).toBe(true);
      expect(answers.some((a) => a.extended === true)).toBe(true);
      expect(aloneOutcomes.some((o) => (o.rows as { source: string }[]).some((r) => r.source === 'proxy'))).toBe(true);
    });

    it('a lot that does not exist, among others judged together, fails only its own bids (LOT_NOT_FOUND)', async () => {
      const lots: { lotId: string; organizationId: string }[] = [];
      for (let i = 0; i < 6; i++) {
        const lotId = await insertLot(ds);
        lots.push({ lotId, organizationId: (await insertBidder(ds, lotId)).organizationId });
      }
      const missing = '00000000-0000-4000-8000-00000000dead';
      const before = await transactions();
      const fallbacksBefore = await fallbacks();
      const [lost, ...answers] = await Promise.allSettled([
        onlineBid(missing, lots[0].organizationId, 1_000_000n),
        ...lots.map((l) => onlineBid(l.lotId, l.organizationId, 1_000_000n)),
        onlineBid(missing, lots[1].organizationId, 1_000_000n),
      ]);
      expect(lost).toMatchObject({ status: 'rejected', reason: { code: 'LOT_NOT_FOUND' } });
      expect(answers.pop()).toMatchObject({ status: 'rejected', reason: { code: 'LOT_NOT_FOUND' } });
      for (const a of answers) expect(a).toMatchObject({ status: 'fulfilled', value: { status: 'accepted', seq: 1 } });
      const after = await transactions();
      expect(after.shared - before.shared).toBeGreaterThan(0);
      expect(await fallbacks()).toBe(fallbacksBefore);
    });

    it("one lot failing in a shared transaction leaves the others' bids accepted: the group is judged again lot by lot", async () => {
      const lots: { lotId: string; organizationId: string }[] = [];
      for (let i = 0; i < 6; i++) {
        const lotId = await insertLot(ds);
        lots.push({ lotId, organizationId: (await insertBidder(ds, lotId)).organizationId });
      }
      const bad = lots[3];
      await ds.query(`CREATE FUNCTION test_refuse_bid() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
      await ds.query(`CREATE TRIGGER test_refuse_bid BEFORE INSERT ON bids FOR EACH ROW WHEN (NEW.lot_id = '${bad.lotId}') EXECUTE FUNCTION test_refuse_bid()`);
      const fallbacksBefore = await fallbacks();
      let answers: PromiseSettledResult<BidResult>[];
      try {
        answers = await Promise.allSettled(
          lots.flatMap((l) => [onlineBid(l.lotId, l.organizationId, 1_000_000n), onlineBid(l.lotId, l.organizationId, 1_500_000n)]),
        );
      } finally {
        await ds.query(`DROP TRIGGER test_refuse_bid ON bids`);
        await ds.query(`DROP FUNCTION test_refuse_bid()`);
      }
      expect(await fallbacks()).toBe(fallbacksBefore + 1);
      lots.forEach((l, i) => {
        const [first, second] = answers.slice(2 * i, 2 * i + 2);
        if (l === bad) {
          expect(first).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('refused for the test') } });
          expect(second).toMatchObject({ status: 'rejected' });
        } else {
          expect(first).toMatchObject({ status: 'fulfilled', value: { status: 'accepted', seq: 1 } });
          expect(second).toMatchObject({ status: 'fulfilled', value: { status: 'rejected', code: 'ALREADY_LEADING' } });
        }
      });
      for (const l of lots) {
        const [row] = await ds.query(`SELECT count(*)::int AS bids, (SELECT seq FROM lots WHERE id = $1) AS seq FROM bids WHERE lot_id = $1`, [l.lotId]);
        expect(row).toEqual(l === bad ? { bids: 0, seq: 0 } : { bids: 2, seq: 1 });
      }
      // the lot takes bids again once its fault is gone
      expect(await onlineBid(bad.lotId, bad.organizationId, 1_000_000n)).toMatchObject({ status: 'accepted', seq: 1 });
    });

    it('a group whose connection fails after its COMMIT is sent is not judged again: its bids fail, each stored once', async () => {
      const lots: { lotId: string; organizationId: string }[] = [];
      for (let i = 0; i < 6; i++) {
        const lotId = await insertLot(ds);
        lots.push({ lotId, organizationId: (await insertBidder(ds, lotId)).organizationId });
      }
      // The group's transaction really commits, then its caller sees the connection fail (what a COMMIT
      // whose answer was lost looks like): the outcome is unknown to the engine.
      const runner = app.get(TransactionRunner);
      const run = runner.run.bind(runner);
      const lostAnswers: number[] = [];
      const spy = jest.spyOn(runner, 'run').mockImplementation(async (work, options) => {
        const result = await run(work, options);
        if (options?.retries === 0 && !lostAnswers.length) {
          lostAnswers.push(1);
          throw new Error('Connection terminated unexpectedly');
        }
        return result;
      });
      const fallbacksBefore = await fallbacks();
      let answers: PromiseSettledResult<BidResult>[];
      try {
        answers = await Promise.allSettled(lots.map((l) => onlineBid(l.lotId, l.organizationId, 1_000_000n))); // no idempotency keys
      } finally {
        spy.mockRestore();
      }
      expect(lostAnswers).toHaveLength(1); // a shared transaction happened and lost its answer
      const failed = answers.filter((a) => a.status === 'rejected');
      expect(failed.length).toBeGreaterThan(1);
      for (const a of failed) expect(a).toMatchObject({ reason: { message: 'Connection terminated unexpectedly' } });
      expect(await fallbacks()).toBe(fallbacksBefore); // not judged again lot by lot
      for (const l of lots) {
        const [row] = await ds.query(`SELECT count(*)::int AS bids, (SELECT seq FROM lots WHERE id = $1) AS seq FROM bids WHERE lot_id = $1`, [l.lotId]);
        expect(row).toEqual({ bids: 1, seq: 1 }); // committed once: a second judging would have stored a second row
      }
    });

    it('a hot lot bid on beside many others keeps one gapless sequence; every acknowledged acceptance is stored', async () => {
      const hot = await insertLot(ds, { startingPriceFen: 1_000_000n, incrementFen: 1_000n });
      const hotBidders = [await insertBidder(ds, hot), await insertBidder(ds, hot), await insertBidder(ds, hot)];
      const others: { lotId: string; organizationId: string }[] = [];
      for (let i = 0; i < 30; i++) {
        const lotId = await insertLot(ds);
        others.push({ lotId, organizationId: (await insertBidder(ds, lotId)).organizationId });
      }
      const hotAnswers: Promise<BidResult>[] = [];
      const otherAnswers: Promise<BidResult>[] = [];
      for (let wave = 0; wave < 10; wave++) {
        for (let j = 0; j < 30; j++)
          hotAnswers.push(onlineBid(hot, hotBidders[(wave * 30 + j) % 3].organizationId, 1_000_000n + BigInt(wave * 30 + j) * 1_000n));
        for (const o of others) otherAnswers.push(onlineBid(o.lotId, o.organizationId, 1_000_000n + BigInt(wave) * 10_000n));
        await new Promise((r) => setImmediate(r));
      }
      const hotResults = await Promise.all(hotAnswers);
      const otherResults = await Promise.all(otherAnswers);
      const rows = await accepted(hot);
      expect(rows.length).toBeGreaterThan(100);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      for (let i = 1; i < rows.length; i++) expect(BigInt(rows[i].amount)).toBeGreaterThan(BigInt(rows[i - 1].amount));
      expect(hotResults.filter((r) => r.status === 'accepted').map((r) => r.seq)).toEqual(rows.map((r) => r.seq));
      // each other lot: its first bid accepted, the same bidder's later ones ALREADY_LEADING, in the order sent
      others.forEach((_, i) => {
        const answers = otherResults.filter((__, n) => n % others.length === i);
        expect(answers.map((r) => r.code ?? r.seq)).toEqual([1, ...Array(9).fill('ALREADY_LEADING')]);
      });
      const stored = (await ds.query(`SELECT count(*)::int AS n FROM bids WHERE lot_id = ANY($1)`, [[hot, ...others.map((o) => o.lotId)]]))[0].n;
      expect(stored).toBe(hotAnswers.length + otherAnswers.length);
    });
  });
});
