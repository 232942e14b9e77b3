import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, newId, NotFoundError } from '@zjp/core';
import { Outbox, recordAudits, TransactionRunner } from '@zjp/database';
import { QUEUES } from '@zjp/platform';
import { RealtimePublisher } from '@zjp/realtime';
import type { Queue } from 'bullmq';
import { DataSource, type EntityManager } from 'typeorm';
import { bidderPseudonym, closeOutcome } from '../domain';
import { LOT_EVENTS } from '../bidding/lot-events.publisher';
import { AUCTION_JOBS, type SettleLotDepositsJob } from '../jobs';
import { DealConcluded } from '../events';
import { DEPOSIT_GATEWAY, type DepositGateway } from '../lots/deposit-gateway';
import { insertAuctionDeals } from '../deals/deals.repository';
import { closeListings } from '../listings/listings.repository';
import { rulesOf, stateOf, type LotRow } from '../lots/lot-row';
import { LotNoticesService } from '../notices/lot-notices.service';
import { SessionResultsService } from '../sessions/results/session-results.service';
import { closedLotSummaries, closeLots, lockDueLots, lockLot, losingGatewayDeposits, markWithdrawn, releaseLosingRegistrations } from '../lots/lots.repository';

/** At most this many lots close in one transaction of the worker (`closeDue`). */
export const CLOSE_BATCH_LOTS = 50;

export type CloseResult =
  | { closed: true; lotId: string; result: 'sold' | 'unsold'; hammerPriceFen: string | null; dealId: string | null }
  | { closed: false; lotId: string; reason: 'already_closed' | 'not_ended' | 'not_found'; endsAt?: string };

/**
 * Invariant 4: a lot closes exactly once. The guard is the lot row, locked and checked in the
 * closing transaction, so two workers, a retried job or a restarted worker cannot close it twice.
 * Deposits are settled after the commit, idempotently, and settled (or queued) again by any later
 * run of the close (a retried job, the sweep, the job of the end time), so a crash between the
 * commit and the settlement only delays it. The worker's closes queue the settlement as its own
 * job (`settle-lot-deposits`), so a gateway's slow releases never hold up the next lot's close.
 */
@Injectable()
export class LotClosingService {
  private readonly logger = new Logger(LotClosingService.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    private readonly realtime: RealtimePublisher,
    @Inject(DEPOSIT_GATEWAY) private readonly deposits: DepositGateway,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly notices: LotNoticesService,
    private readonly sessionResults: SessionResultsService,
    @InjectQueue(QUEUES.auctions) private readonly auctions: Queue<SettleLotDepositsJob>,
  ) {}

  /**
   * `hammer`: the auctioneer closes a live lot now, before its end time. `withdraw`: the operator
   * withdraws the lot (撤拍), live or timed: it closes unsold ('withdrawn'), no deal, every deposit released.
   * `queueSettlement`: the worker's closes (many lots may end at one instant) leave the deposits to
   * their own job, so the job slot is free for the next lot; otherwise (the auctioneer's hammer, a
   * withdrawal) they are settled before this returns.
   */
  async close(
    lotId: string,
    options: { hammer?: boolean; withdraw?: { reason: string }; actorUserId?: string; queueSettlement?: boolean } = {},
  ): Promise<CloseResult> {
    const [result] = await this.tx.run(async (m): Promise<CloseResult[]> => {
      const lot = await lockLot(m, lotId);
      if (!lot && (options.hammer || options.withdraw)) throw new NotFoundError('LOT_NOT_FOUND', 'No such lot');
      const now = this.clock.now();
      if (lot && lot.status !== 'closed' && lot.status !== 'cancelled' && options.hammer && !lot.live)
        throw new ConflictError('LOT_NOT_LIVE', 'Only a live lot is hammered; timed lots close at their end time');
      const refusal = lot ? this.refusal(lot, now, !!(options.hammer || options.withdraw)) : ({ closed: false, lotId, reason: 'not_found' } as const);
      return refusal ? [refusal] : this.closeLocked(m, [lot!], now, options);
    });
    await this.afterClose([result], options);
    return result;
  }

  /**
   * The worker's close of a lot at its end time (the job of that time; the sweep passes null): the lot, and with it up
   * to CLOSE_BATCH_LOTS - 1 other lots past their end and still open, in one transaction (set-based statements: a
   * market day's lots often end at one minute, and one transaction per lot spent the worker's core on round trips;
   * docs/BENCHMARKS.md, seventh pass). The lot itself is waited for (a bid may hold it a moment); the others are
   * taken only when no one else holds them (SKIP LOCKED): another job is closing them, or their own job or the
   * sweep will. Each closes exactly once: its row is locked and checked as in `close`. The first result is the lot's.
   */
  async closeEnded(lotId: string | null, options: { queueSettlement?: boolean } = {}): Promise<CloseResult[]> {
    const results = await this.tx.run(async (m): Promise<CloseResult[]> => {
      const lot = lotId ? await lockLot(m, lotId) : undefined;
      const now = this.clock.now();
      const lots: LotRow[] = [];
      const refused: CloseResult[] = [];
      if (lotId) {
        const refusal = lot ? this.refusal(lot, now, false) : ({ closed: false, lotId, reason: 'not_found' } as const);
        if (refusal) refused.push(refusal);
        else lots.push(lot!);
      }
      lots.push(...(await lockDueLots(m, now, lotId, CLOSE_BATCH_LOTS - lots.length)));
      return [...refused, ...(await this.closeLocked(m, lots, now, {}))];
    });
    await this.afterClose(results, options);
    return results;
  }

  /** Why a locked lot is not closed now, or null when it is. `early`: a hammer or a withdrawal closes before the end. */
  private refusal(lot: LotRow, now: Date, early: boolean): CloseResult | null {
    if (lot.status === 'closed' || lot.status === 'cancelled') return { closed: false, lotId: lot.id, reason: 'already_closed' };
    if (!early && now < lot.ends_at) return { closed: false, lotId: lot.id, reason: 'not_ended', endsAt: lot.ends_at.toISOString() };
    return null;
  }

  /** Closes locked lots that are due, in the caller's transaction, each statement once for all of them. */
  private async closeLocked(
    m: EntityManager,
    lots: readonly LotRow[],
    now: Date,
    options: { hammer?: boolean; withdraw?: { reason: string }; actorUserId?: string },
  ): Promise<CloseResult[]> {
    if (!lots.length) return [];
    const closes = lots.map((lot) => {
      const outcome: ReturnType<typeof closeOutcome> | { result: 'unsold'; reason: 'withdrawn' } = options.withdraw
        ? { result: 'unsold', reason: 'withdrawn' }
        : closeOutcome(rulesOf(lot), stateOf(lot, now));
      return { lot, outcome, dealId: outcome.result === 'sold' ? newId(this.clock) : null };
    });
    await closeLots(
      m,
      closes.map(({ lot, outcome }) => ({
        lotId: lot.id,
        result: outcome.result,
        unsoldReason: outcome.result === 'sold' ? null : outcome.reason,
        winnerRegistrationId: outcome.result === 'sold' ? outcome.winnerId : null,
        hammerPriceFen: outcome.result === 'sold' ? outcome.hammerPriceFen : null,
      })),
      now,
    );
    if (options.withdraw) await markWithdrawn(m, lots[0].id, options.withdraw.reason);
    await closeListings(
      m,
      closes.map(({ lot, outcome }) => ({ listingId: lot.listing_id, reason: outcome.result === 'sold' ? 'sold at auction' : `unsold: ${outcome.reason}` })),
    );
    // The deals the contracts context picks up (DealConcluded): the hammer price and the deposit carry over.
    const sold = closes.flatMap(({ lot, outcome, dealId }) =>
      outcome.result === 'sold' ? [{ id: dealId!, lotId: lot.id, winnerRegistrationId: outcome.winnerId, priceFen: outcome.hammerPriceFen }] : [],
    );
    const deals = await insertAuctionDeals(m, sold, now);
    await this.outbox.appendMany(
      m,
      sold.map(({ id }) =>
        DealConcluded.create({ dealId: id, source: 'auction', listingId: deals.get(id)!.listingId, buyerId: deals.get(id)!.buyerId }, this.clock),
      ),
    );
    await this.notices.closed(
      m,
      lots.map((l) => l.id),
    ); // lot_won / lot_lost, pushed after the commit
    await recordAudits(
      m,
      closes.map(({ lot, outcome, dealId }) => ({
        actorUserId: options.actorUserId ?? null,
        action: options.withdraw ? 'lot.withdrawn' : options.hammer ? 'lot.hammered' : 'lot.closed',
        subjectType: 'lot',
        subjectId: lot.id,
        data: {
          result: outcome.result,
          ...(outcome.result === 'sold' ? { hammerPriceFen: outcome.hammerPriceFen.toString(), dealId } : { reason: outcome.reason }),
          ...(options.withdraw ? { withdrawnReason: options.withdraw.reason } : {}),
        },
        occurredAt: now,
      })),
    );
    // a session's last lot: its 成交结果 is computed and stored with this close
    for (const sessionId of new Set(lots.flatMap((l) => (l.session_id ? [l.session_id] : [])))) await this.sessionResults.afterLotClosed(m, sessionId);
    return closes.map(({ lot, outcome, dealId }) => ({
      closed: true,
      lotId: lot.id,
      result: outcome.result,
      hammerPriceFen: outcome.result === 'sold' ? outcome.hammerPriceFen.toString() : null,
      dealId,
    }));
  }

  /**
   * After the commit: each closed lot's room hears `lot.closed`; the deposits of every closed lot (and of one found
   * already closed: a crash may have lost its settlement) are settled, or queued for their own jobs.
   */
  private async afterClose(results: readonly CloseResult[], options: { withdraw?: { reason: string }; queueSettlement?: boolean }): Promise<void> {
    const closed = results.filter((r) => r.closed);
    const summaries = closed.length
      ? await closedLotSummaries(
          this.db,
          closed.map((r) => r.lotId),
        )
      : new Map();
    for (const r of closed) {
      const lot = summaries.get(r.lotId)!;
      this.realtime.toLot(r.lotId, LOT_EVENTS.closed, {
        lotId: r.lotId,
        result: r.result,
        hammerPriceFen: r.hammerPriceFen,
        winner: lot.paddle_number === null ? null : bidderPseudonym(lot.paddle_number),
        seq: lot.seq,
        bidCount: lot.bid_count,
        ...(options.withdraw ? { withdrawn: true } : {}),
      });
    }
    const settle = results.filter((r) => r.closed || r.reason === 'already_closed').map((r) => r.lotId);
    if (options.queueSettlement) await this.queueSettlements(settle);
    else for (const id of settle) await this.settleDeposits(id);
  }

  /**
   * The settlement of closed lots' deposits, as jobs (one per lot while it waits: its id). When they
   * cannot be queued (Redis is down), they are done here and now instead; if that fails too, the
   * caller fails, and a retry of the close (the job, the sweep) queues them again.
   */
  private async queueSettlements(lotIds: readonly string[]): Promise<void> {
    if (!lotIds.length) return;
    try {
      await this.auctions.addBulk(
        lotIds.map((lotId) => ({
          name: AUCTION_JOBS.settleLotDeposits,
          data: { lotId },
          opts: {
            jobId: `settle-deposits-${lotId}`,
            attempts: 10,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: true,
            removeOnFail: { age: 30 * 86400 },
          },
        })),
      );
    } catch (err) {
      this.logger.warn(`settlement of ${lotIds.length} lot(s) not queued, settled now: ${err instanceof Error ? err.message : String(err)}`);
      for (const lotId of lotIds) await this.settleDeposits(lotId);
    }
  }

  /**
   * Closes every lot past its end that is still open, CLOSE_BATCH_LOTS at a time through `closeEnded`
   * (so exactly once, like the delayed job). Run every minute and whenever a worker starts: a close job lost
   * with a crashed worker, or a close transaction killed half-way (rolled back by PostgreSQL), is
   * redone without waiting for the queue to notice the dead worker.
   */
  async closeDue(limit = 500): Promise<number> {
    let closed = 0;
    while (closed < limit) {
      const batch = (await this.closeEnded(null, { queueSettlement: true })).filter((r) => r.closed).length;
      if (!batch) break;
      closed += batch;
    }
    return closed;
  }

  /**
   * After the close: the losers' holds are released; the winner's stays held for the contract (applied
   * to the price, see ListingFlowsService.applyWinnerDeposit, or forfeited). A deposit held by the
   * payments context is released through the DepositGateway, one by one (one that fails is left for
   * the next attempt, after the others); then ONE statement marks every loser released (those
   * without a gateway deposit, and those just released). A pending
   * registration without a deposit is left alone. Safe to repeat: a settled registration is not
   * touched again. Returns how many registrations it marked.
   */
  async settleDeposits(lotId: string): Promise<number> {
    const released: string[] = [];
    let failure: unknown;
    for (const r of await losingGatewayDeposits(this.db, lotId)) {
      try {
        await this.deposits.release(r.deposit_id);
        released.push(r.id);
      } catch (err) {
        // Left as it is (the others go on): the next attempt settles it; the error is thrown once the rest is marked.
        this.logger.error(`releasing the deposit of registration ${r.id} failed: ${err instanceof Error ? err.message : String(err)}`);
        failure ??= err;
      }
    }
    const marked = await releaseLosingRegistrations(this.db, lotId, released);
    if (failure) throw failure;
    return marked;
  }
}
