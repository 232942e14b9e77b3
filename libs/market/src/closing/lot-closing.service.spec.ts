import { ConflictError, NotFoundError, type Clock } from '@zjp/core';
import type { Outbox, TransactionRunner } from '@zjp/database';
import type { RealtimePublisher } from '@zjp/realtime';
import type { DataSource, EntityManager } from 'typeorm';
import { insertAuctionDeal } from '../deals/deals.repository';
import { closeListing } from '../listings/listings.repository';
import type { DepositGateway } from '../lots/deposit-gateway';
import type { LotRow } from '../lots/lot-row';
import { closedLotSummary, closeLot, dueLotIds, lockLot, losingGatewayDeposits, releaseLosingRegistrations } from '../lots/lots.repository';
import type { SessionResultsService } from '../sessions/results/session-results.service';
import type { Queue } from 'bullmq';
import { LotClosingService } from './lot-closing.service';
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
    const outbox = { append: (_m: unknown, e: { type?: string; payload?: unknown }) => Promise.resolve(void appended.push(e)) } as unknown as Outbox;
    const deposits = { release: (id: string) => Promise.resolve(void released.push(id)) } as unknown as DepositGateway;
    const notices = { closed: () => Promise.resolve() } as unknown as LotNoticesService;
    const sessionResults = { afterLotClosed: () => Promise.resolve(false) } as unknown as SessionResultsService;
    const auctions = {
      add: (name: string, data: unknown, opts: { jobId?: string }) => Promise.resolve(void queued.push({ name, data, opts })),
    } as unknown as Queue;
    service = new LotClosingService(tx, db, realtime, deposits, clock, outbox, notices, sessionResults, auctions);
    jest.mocked(closedLotSummary).mockResolvedValue({ seq: 8, bid_count: 3, paddle_number: 12 });
    jest.mocked(losingGatewayDeposits).mockResolvedValue([]);
    jest.mocked(releaseLosingRegistrations).mockResolvedValue(0);
    jest.mocked(insertAuctionDeal).mockResolvedValue({ listingId: 'lst1', buyerId: 'buyer' });
  });

  it('sells an ended lot to its leader at the current price: lot closed, listing closed, deal and DealConcluded in the transaction, then the room and the deposits', async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow());
    jest.mocked(losingGatewayDeposits).mockResolvedValue([{ id: 'reg-l', deposit_id: 'dep-l' }]);
    const result = await service.close('lot1');
    expect(result).toMatchObject({ closed: true, lotId: 'lot1', result: 'sold', hammerPriceFen: '120000' });
    const dealId = (result as { dealId: string }).dealId;
    expect(dealId).toEqual(expect.any(String));
    expect(closeLot).toHaveBeenCalledWith(m, 'lot1', {
      result: 'sold',
      unsoldReason: null,
      winnerRegistrationId: 'reg-w',
      hammerPriceFen: 120000n,
      closedAt: now,
    });
    expect(closeListing).toHaveBeenCalledWith(m, 'lst1', 'sold at auction');
    expect(insertAuctionDeal).toHaveBeenCalledWith(m, { id: dealId, lotId: 'lot1', winnerRegistrationId: 'reg-w', priceFen: 120000n, concludedAt: now });
    expect(jest.mocked(closeLot).mock.invocationCallOrder[0]).toBeLessThan(jest.mocked(insertAuctionDeal).mock.invocationCallOrder[0]);
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
    jest.mocked(closedLotSummary).mockResolvedValue({ seq: 8, bid_count: 3, paddle_number: null });
    const result = await service.close('lot1');
    expect(result).toEqual({ closed: true, lotId: 'lot1', result: 'unsold', hammerPriceFen: null, dealId: null });
    expect(closeLot).toHaveBeenCalledWith(m, 'lot1', {
      result: 'unsold',
      unsoldReason: 'reserve_not_met',
      winnerRegistrationId: null,
      hammerPriceFen: null,
      closedAt: now,
    });
    expect(closeListing).toHaveBeenCalledWith(m, 'lst1', 'unsold: reserve_not_met');
    expect(insertAuctionDeal).not.toHaveBeenCalled();
    expect(appended).toEqual([]);
    expect(published[0].data).toMatchObject({ result: 'unsold', winner: null });
  });

  it('leaves a lot without bids unsold (no_bids)', async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow({ current_fen: null, leader_registration_id: null }));
    const result = await service.close('lot1');
    expect(result).toMatchObject({ closed: true, result: 'unsold', dealId: null });
    expect(closeListing).toHaveBeenCalledWith(m, 'lst1', 'unsold: no_bids');
  });

  it('does not close a lot twice, but settles its deposits again (a crash after the commit)', async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow({ status: 'closed' }));
    jest.mocked(losingGatewayDeposits).mockResolvedValue([{ id: 'reg-l', deposit_id: 'dep-l' }]);
    expect(await service.close('lot1')).toEqual({ closed: false, lotId: 'lot1', reason: 'already_closed' });
    expect(closeLot).not.toHaveBeenCalled();
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
    (service as unknown as { auctions: Queue }).auctions = { add: () => Promise.reject(new Error('Connection is closed.')) } as unknown as Queue;
    expect(await service.close('lot1', { queueSettlement: true })).toMatchObject({ closed: true });
    expect(released).toEqual(['dep-l']);
    expect(releaseLosingRegistrations).toHaveBeenCalledWith(db, 'lot1', ['reg-l']);
  });

  it('waits for a timed lot whose end has not come, and settles nothing', async () => {
    jest.mocked(lockLot).mockResolvedValue(lotRow({ ends_at: new Date('2026-03-02T11:00:00Z') }));
    expect(await service.close('lot1')).toEqual({ closed: false, lotId: 'lot1', reason: 'not_ended', endsAt: '2026-03-02T11:00:00.000Z' });
    expect(closeLot).not.toHaveBeenCalled();
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

  it('closeDue closes each due lot and counts those it closed', async () => {
    jest.mocked(dueLotIds).mockResolvedValue(['lot1', 'lot2']);
    jest
      .mocked(lockLot)
      .mockResolvedValueOnce(lotRow())
      .mockResolvedValueOnce(lotRow({ status: 'closed' }));
    expect(await service.closeDue(10)).toBe(1);
    expect(dueLotIds).toHaveBeenCalledWith(db, now, 10);
  });
});
