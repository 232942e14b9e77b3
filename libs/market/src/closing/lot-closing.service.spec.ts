import { ConflictError, NotFoundError, type Clock } from '@zjp/core';
import type { Outbox, TransactionRunner } from '@zjp/database';
import type { RealtimePublisher } from '@zjp/realtime';
import type { DataSource, EntityManager } from 'typeorm';
import { insertAuctionDeals } from '../deals/deals.repository';
import { closeListings } from '../listings/listings.repository';
import type { DepositGateway } from '../lots/deposit-gateway';
import type { LotRow } from '../lots/lot-row';
import { closedLotSummaries, closeLots, lockDueLots, lockLot, losingGatewayDeposits, releaseLosingRegistrations } from '../lots/lots.repository';
import type { SessionResultsService } from '../sessions/results/session-results.service';
import type { Queue } from 'bullmq';
import { CLOSE_BATCH_LOTS, LotClosingService } from './lot-closing.service';
import type { LotNoticesService } from '../notices/lot-notices.service';

jest.mock('../lots/lots.repository');
jest.mock('../listings/listings.repository');
jest.mock('../deals/deals.repository');

const now = new Date('2026-03-02T10:00:00Z');
const lotRow = (over: Partial<LotRow> = {}): LotRow => ({
  id: 'lot1',
  listing_id: 'lst1',
  achievement_id: 'a1',
  holder_id: 'h1',
  title: '专利',
  session_id: null,
  starting_price_fen: '100000',
  reserve_price_fen: null,
  increment: { kind: 'fixed', amountFen: '1000' },
  deposit_fen: '5000',
  starts_at: new Date('2026-03-01T00:00:00Z'),
  ends_at: new Date('2026-03-02T09:00:00Z'),
  original_ends_at: new Date('2026-03-02T09:00:00Z'),
  extension_minutes: 5,
  extension_cap_minutes: null,
  proxy_allowed: true,
  live: false,
  status: 'open',
  current_fen: '120000',
  leader_registration_id: 'reg-w',
  leader_proxy_max_fen: null,
  leader_proxy_set_at: null,
  seq: 7,
  bid_count: 3,
  chain_head: '',
  result: null,
  unsold_reason: null,
  winner_registration_id: null,
  hammer_price_fen: null,
  closed_at: null,
  ...over,
});

describe('LotClosingService (repositories replaced)', () => {
  const m = { query: jest.fn().mockResolvedValue([]) } as unknown as EntityManager;
  const db = { query: jest.fn() } as unknown as DataSource;
  const tx = { run: (work: (m: EntityManager) => Promise<unknown>) => work(m) } as unknown as TransactionRunner;
  const clock: Clock = { now: () => now } as Clock;
  let published: { event: string; data: Record<string, unknown> }[];
  let appended: { type?: string; payload?: unknown }[];
  let released: string[];
  let queued: { name: string; data: unknown; opts: { jobId?: string } }[];
  let noticed: string[][];
  let service: LotClosingService;

  beforeEach(() => {
    jest.resetAllMocks();
    (m.query as jest.Mock).mockResolvedValue([]);
    published = [];
    appended = [];
    released = [];
    queued = [];
    const realtime = {
      toLot: (_lot: string, event: string, data: Record<string, unknown>) => void published.push({ event, data }),
    } as unknown as RealtimePublisher;
    const outbox = { appendMany: (_m: unknown, e: { type?: string; payload?: unknown }[]) => Promise.resolve(void appended.push(...e)) } as unknown as Outbox;
    const deposits = { release: (id: string) => Promise.resolve(void released.push(id)) } as unknown as DepositGateway;
    noticed = [];
    const notices = { closed: (_m: unknown, lotIds: string[]) => Promise.resolve(void noticed.push(lotIds)) } as unknown as LotNoticesService;
    const sessionResults = { afterLotClosed: () => Promise.resolve(false) } as unknown as SessionResultsService;
    const auctions = {
      addBulk: (jobs: { name: string; data: unknown; opts: { jobId?: string } }[]) => Promise.resolve(void queued.push(...jobs)),
    } as unknown as Queue;
    service = new LotClosingService(tx, db, realtime, deposits, clock, outbox, notices, sessionResults, auctions);
    jest
      .mocked(closedLotSummaries)
      .mockImplementation((_db, ids) => Promise.resolve(new Map(ids.map((id) => [id, { seq: 8, bid_count: 3, paddle_number: 12 }]))));
    jest.mocked(lockDueLots).mockResolvedValue([]);
    jest.mocked(losingGatewayDeposits).mockResolvedValue([]);
    jest.mocked(releaseLosingRegistrations).mockResolvedValue(0);
    jest
      .mocked(insertAuctionDeals)
      .mockImplementation((_m, deals) => Promise.resolve(new Map(deals.map((d) => [d.id, { listingId: 'lst1', buyerId: 'buyer' }]))));
  });

  it('sells an ended lot to its leader at the current price: lot closed, listing closed, deal and DealConcluded in the transaction, then the room and the deposits', async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow());
    jest.mocked(losingGatewayDeposits).mockResolvedValue([{ id: 'reg-l', deposit_id: 'dep-l' }]);
    const result = await service.close('lot1');
    expect(result).toMatchObject({ closed: true, lotId: 'lot1', result: 'sold', hammerPriceFen: '120000' });
    const dealId = (result as { dealId: string }).dealId;
    expect(dealId).toEqual(expect.any(String));
    expect(closeLots).toHaveBeenCalledWith(
      m,
      [{ lotId: 'lot1', result: 'sold', unsoldReason: null, winnerRegistrationId: 'reg-w', hammerPriceFen: 120000n }],
      now,
    );
    expect(closeListings).toHaveBeenCalledWith(m, [{ listingId: 'lst1', reason: 'sold at auction' }]);
    expect(insertAuctionDeals).toHaveBeenCalledWith(m, [{ id: dealId, lotId: 'lot1', winnerRegistrationId: 'reg-w', priceFen: 120000n }], now);
    expect(jest.mocked(closeLots).mock.invocationCallOrder[0]).toBeLessThan(jest.mocked(insertAuctionDeals).mock.invocationCallOrder[0]);
    expect(noticed).toEqual([['lot1']]);
    expect(appended).toHaveLength(1);
    expect(JSON.stringify(appended[0])).toContain(dealId);
    expect(published).toEqual([
      { event: expect.any(String), data: { lotId: 'lot1', result: 'sold', hammerPriceFen: '120000', winner: expect.any(String), seq: 8, bidCount: 3 } },
    ]);
    // the loser's gateway hold is released, then one statement marks the losers (which ones: the SQL, tested on PostgreSQL)
    expect(released).toEqual(['dep-l']);
    expect(releaseLosingRegistrations).toHaveBeenCalledTimes(1);
    expect(releaseLosingRegistrations).toHaveBeenCalledWith(db, 'lot1', ['reg-l']);
    expect(queued).toEqual([]);
  });

  it('leaves a lot unsold when the reserve is not met: no deal, no event, the listing closed with the reason', async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow({ reserve_price_fen: '150000' }));
    jest.mocked(closedLotSummaries).mockResolvedValue(new Map([['lot1', { seq: 8, bid_count: 3, paddle_number: null }]]));
    const result = await service.close('lot1');
    expect(result).toEqual({ closed: true, lotId: 'lot1', result: 'unsold', hammerPriceFen: null, dealId: null });
    expect(closeLots).toHaveBeenCalledWith(
      m,
      [{ lotId: 'lot1', result: 'unsold', unsoldReason: 'reserve_not_met', winnerRegistrationId: null, hammerPriceFen: null }],
      now,
    );
    expect(closeListings).toHaveBeenCalledWith(m, [{ listingId: 'lst1', reason: 'unsold: reserve_not_met' }]);
    expect(insertAuctionDeals).toHaveBeenCalledWith(m, [], now);
    expect(appended).toEqual([]);
    expect(published[0].data).toMatchObject({ result: 'unsold', winner: null });
  });

  it('leaves a lot without bids unsold (no_bids)', async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow({ current_fen: null, leader_registration_id: null }));
    const result = await service.close('lot1');
    expect(result).toMatchObject({ closed: true, result: 'unsold', dealId: null });
    expect(closeListings).toHaveBeenCalledWith(m, [{ listingId: 'lst1', reason: 'unsold: no_bids' }]);
  });

  it('does not close a lot twice, but settles its deposits again (a crash after the commit)', async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow({ status: 'closed' }));
    jest.mocked(losingGatewayDeposits).mockResolvedValue([{ id: 'reg-l', deposit_id: 'dep-l' }]);
    expect(await service.close('lot1')).toEqual({ closed: false, lotId: 'lot1', reason: 'already_closed' });
    expect(closeLots).not.toHaveBeenCalled();
    expect(published).toEqual([]);
    expect(released).toEqual(['dep-l']);
  });

  it("the worker's close queues the settlement as its own job (one id per lot) instead of settling in its slot; a repeated close queues it again", async () => {
    jest
      .mocked(lockLot)
      .mockResolvedValueOnce(lotRow())
      .mockResolvedValueOnce(lotRow({ status: 'closed' }));
    jest.mocked(losingGatewayDeposits).mockResolvedValue([{ id: 'reg-l', deposit_id: 'dep-l' }]);
    expect(await service.close('lot1', { queueSettlement: true })).toMatchObject({ closed: true });
    expect(await service.close('lot1', { queueSettlement: true })).toMatchObject({ closed: false, reason: 'already_closed' });
    const job = { name: 'settle-lot-deposits', data: { lotId: 'lot1' }, opts: expect.objectContaining({ jobId: 'settle-deposits-lot1' }) };
    expect(queued).toEqual([job, job]);
    expect(released).toEqual([]);
    expect(releaseLosingRegistrations).not.toHaveBeenCalled();
  });

  it('settles at once when the settlement cannot be queued (Redis down)', async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow());
    jest.mocked(losingGatewayDeposits).mockResolvedValue([{ id: 'reg-l', deposit_id: 'dep-l' }]);
    (service as unknown as { auctions: Queue }).auctions = { addBulk: () => Promise.reject(new Error('Connection is closed.')) } as unknown as Queue;
    expect(await service.close('lot1', { queueSettlement: true })).toMatchObject({ closed: true });
    expect(released).toEqual(['dep-l']);
    expect(releaseLosingRegistrations).toHaveBeenCalledWith(db, 'lot1', ['reg-l']);
  });

  it('waits for a timed lot whose end has not come, and settles nothing', async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow({ ends_at: new Date('2026-03-02T11:00:00Z') }));
    expect(await service.close('lot1')).toEqual({ closed: false, lotId: 'lot1', reason: 'not_ended', endsAt: '2026-03-02T11:00:00.000Z' });
    expect(closeLots).not.toHaveBeenCalled();
    expect(losingGatewayDeposits).not.toHaveBeenCalled();
    expect(releaseLosingRegistrations).not.toHaveBeenCalled();
  });

  it('hammers a live lot before its end; refuses to hammer a timed lot or an unknown one', async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow({ live: true, ends_at: new Date('2026-03-02T11:00:00Z') }));
    expect(await service.close('lot1', { hammer: true })).toMatchObject({ closed: true, result: 'sold' });
    jest.mocked(lockLot).mockResolvedValue(lotRow({ ends_at: new Date('2026-03-02T11:00:00Z') }));
    await expect(service.close('lot1', { hammer: true })).rejects.toThrow(ConflictError);
    jest.mocked(lockLot).mockResolvedValue(null);
    await expect(service.close('lot1', { hammer: true })).rejects.toThrow(NotFoundError);
    expect(await service.close('lot1')).toEqual({ closed: false, lotId: 'lot1', reason: 'not_found' });
  });

  it("the worker's close of an ended lot takes other ended lots with it, in one transaction and one statement each; the job's lot first", async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow());
    jest
      .mocked(lockDueLots)
      .mockResolvedValue([
        lotRow({ id: 'lot2', listing_id: 'lst2' }),
        lotRow({ id: 'lot3', listing_id: 'lst3', current_fen: null, leader_registration_id: null }),
      ]);
    const results = await service.closeEnded('lot1', { queueSettlement: true });
    expect(results.map((r) => [r.lotId, r.closed && r.result])).toEqual([
      ['lot1', 'sold'],
      ['lot2', 'sold'],
      ['lot3', 'unsold'],
    ]);
    // the job's lot locked (waiting for it) before the others are taken (skipping those locked elsewhere), up to the batch
    expect(lockDueLots).toHaveBeenCalledWith(m, now, 'lot1', CLOSE_BATCH_LOTS - 1);
    expect(jest.mocked(lockLot).mock.invocationCallOrder[0]).toBeLessThan(jest.mocked(lockDueLots).mock.invocationCallOrder[0]);
    expect(closeLots).toHaveBeenCalledTimes(1);
    expect(jest.mocked(closeLots).mock.calls[0][1].map((c) => c.lotId)).toEqual(['lot1', 'lot2', 'lot3']);
    expect(closeListings).toHaveBeenCalledWith(m, [
      { listingId: 'lst1', reason: 'sold at auction' },
      { listingId: 'lst2', reason: 'sold at auction' },
      { listingId: 'lst3', reason: 'unsold: no_bids' },
    ]);
    expect(jest.mocked(insertAuctionDeals).mock.calls[0][1].map((d) => d.lotId)).toEqual(['lot1', 'lot2']);
    expect(appended).toHaveLength(2); // DealConcluded of each sold lot
    expect(noticed).toEqual([['lot1', 'lot2', 'lot3']]);
    expect(published.map((p) => p.data.lotId)).toEqual(['lot1', 'lot2', 'lot3']);
    expect(queued.map((j) => j.opts.jobId)).toEqual(['settle-deposits-lot1', 'settle-deposits-lot2', 'settle-deposits-lot3']);
  });

  it("the worker's close of a lot not ended yet (its end was extended) still takes the other ended lots; one found closed is settled again", async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow({ ends_at: new Date('2026-03-02T11:00:00Z') }));
    jest.mocked(lockDueLots).mockResolvedValue([lotRow({ id: 'lot2', listing_id: 'lst2' })]);
    const results = await service.closeEnded('lot1', { queueSettlement: true });
    expect(results).toEqual([
      { closed: false, lotId: 'lot1', reason: 'not_ended', endsAt: '2026-03-02T11:00:00.000Z' },
      expect.objectContaining({ closed: true, lotId: 'lot2' }),
    ]);
    expect(queued.map((j) => j.opts.jobId)).toEqual(['settle-deposits-lot2']);
    jest.mocked(lockLot).mockResolvedValue(lotRow({ status: 'closed' }));
    jest.mocked(lockDueLots).mockResolvedValue([]);
    expect(await service.closeEnded('lot1', { queueSettlement: true })).toEqual([{ closed: false, lotId: 'lot1', reason: 'already_closed' }]);
    expect(queued.map((j) => j.opts.jobId)).toEqual(['settle-deposits-lot2', 'settle-deposits-lot1']);
  });

  it('closeDue (the sweep) closes ended lots a batch at a time until none is left, and counts them', async () => {
    jest
      .mocked(lockDueLots)
      .mockResolvedValueOnce([lotRow(), lotRow({ id: 'lot2', listing_id: 'lst2' })])
      .mockResolvedValueOnce([lotRow({ id: 'lot3', listing_id: 'lst3' })])
      .mockResolvedValueOnce([]);
    expect(await service.closeDue(10)).toBe(3);
    expect(lockDueLots).toHaveBeenCalledTimes(3);
    expect(lockDueLots).toHaveBeenCalledWith(m, now, null, CLOSE_BATCH_LOTS);
    expect(lockLot).not.toHaveBeenCalled();
  });
});
