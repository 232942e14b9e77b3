import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, newId, NotFoundError } from '@zjp/core';
import { Outbox, recordAudit, TransactionRunner } from '@zjp/database';
import { QUEUES } from '@zjp/platform';
import { RealtimePublisher } from '@zjp/realtime';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { bidderPseudonym, closeOutcome } from '../domain';
import { LOT_EVENTS } from '../bidding/lot-events.publisher';
import { AUCTION_JOBS, type SettleLotDepositsJob } from '../jobs';
import { DealConcluded } from '../events';
import { DEPOSIT_GATEWAY, type DepositGateway } from '../lots/deposit-gateway';
import { insertAuctionDeal } from '../deals/deals.repository';
import { closeListing } from '../listings/listings.repository';
import { rulesOf, stateOf } from '../lots/lot-row';
import { LotNoticesService } from '../notices/lot-notices.service';
import { SessionResultsService } from '../sessions/results/session-results.service';
import { closedLotSummary, closeLot, dueLotIds, lockLot, losingGatewayDeposits, markWithdrawn, releaseLosingRegistrations } from '../lots/lots.repository';

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
    const result = await this.tx.run(async (m): Promise<CloseResult> => {
      const lot = await lockLot(m, lotId);
      if (!lot) {
        if (options.hammer || options.withdraw) throw new NotFoundError('LOT_NOT_FOUND', 'No such lot');
        return { closed: false, lotId, reason: 'not_found' };
      }
      if (lot.status === 'closed' || lot.status === 'cancelled') return { closed: false, lotId, reason: 'already_closed' };
      const now = this.clock.now();
      if (options.hammer && !lot.live) throw new ConflictError('LOT_NOT_LIVE', 'Only a live lot is hammered; timed lots close at their end time');
      if (!options.hammer && !options.withdraw && now < lot.ends_at) return { closed: false, lotId, reason: 'not_ended', endsAt: lot.ends_at.toISOString() };

      const outcome: ReturnType<typeof closeOutcome> | { result: 'unsold'; reason: 'withdrawn' } = options.withdraw
        ? { result: 'unsold', reason: 'withdrawn' }
        : closeOutcome(rulesOf(lot), stateOf(lot, now));
      const sold = outcome.result === 'sold';
      await closeLot(m, lotId, {
        result: outcome.result,
        unsoldReason: sold ? null : outcome.reason,
        winnerRegistrationId: sold ? outcome.winnerId : null,
        hammerPriceFen: sold ? outcome.hammerPriceFen : null,
        closedAt: now,
      });
      if (options.withdraw) await markWithdrawn(m, lotId, options.withdraw.reason);
      await closeListing(m, lot.listing_id, sold ? 'sold at auction' : `unsold: ${outcome.result === 'unsold' ? outcome.reason : ''}`);
      let dealId: string | null = null;
      if (sold) {
        dealId = newId(this.clock);
        // The deal the contracts context picks up (DealConcluded): the hammer price and the deposit carry over.
        const deal = await insertAuctionDeal(m, {
          id: dealId,
          lotId,
          winnerRegistrationId: outcome.winnerId,
          priceFen: outcome.hammerPriceFen,
          concludedAt: now,
        });
        await this.outbox.append(m, DealConcluded.create({ dealId, source: 'auction', listingId: deal.listingId, buyerId: deal.buyerId }, this.clock));
      }
      await this.notices.closed(m, lotId); // lot_won / lot_lost, pushed after the commit
      await recordAudit(m, {
        actorUserId: options.actorUserId ?? null,
        action: options.withdraw ? 'lot.withdrawn' : options.hammer ? 'lot.hammered' : 'lot.closed',
        subjectType: 'lot',
        subjectId: lotId,
        data: {
          result: outcome.result,
          ...(sold ? { hammerPriceFen: outcome.hammerPriceFen.toString(), dealId } : { reason: outcome.reason }),
          ...(options.withdraw ? { withdrawnReason: options.withdraw.reason } : {}),
        },
        occurredAt: now,
      });
      // the session's last lot: its 成交结果 is computed and stored with this close
      if (lot.session_id) await this.sessionResults.afterLotClosed(m, lot.session_id);
      return { closed: true, lotId, result: outcome.result, hammerPriceFen: sold ? outcome.hammerPriceFen.toString() : null, dealId };
    });

    if (result.closed) {
      const lot = [await closedLotSummary(this.db, lotId)];
      this.realtime.toLot(lotId, LOT_EVENTS.closed, {
        lotId,
        result: result.result,
        hammerPriceFen: result.hammerPriceFen,
        winner: lot[0].paddle_number === null ? null : bidderPseudonym(lot[0].paddle_number),
        seq: lot[0].seq,
        bidCount: lot[0].bid_count,
        ...(options.withdraw ? { withdrawn: true } : {}),
      });
    }
    if (result.closed || result.reason === 'already_closed') {
      if (options.queueSettlement) await this.queueSettlement(lotId);
      else await this.settleDeposits(lotId);
    }
    return result;
  }

  /**
   * The settlement of a closed lot's deposits, as a job (one per lot while it waits: its id). When
   * it cannot be queued (Redis is down), it is done here and now instead; if that fails too, the
   * caller fails, and a retry of the close (the job, the sweep) queues it again.
   */
  private async queueSettlement(lotId: string): Promise<void> {
    try {
      await this.auctions.add(
        AUCTION_JOBS.settleLotDeposits,
        { lotId },
        {
          jobId: `settle-deposits-${lotId}`,
          attempts: 10,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: true,
          removeOnFail: { age: 30 * 86400 },
        },
      );
    } catch (err) {
      this.logger.warn(`settlement of lot ${lotId} not queued, settled now: ${err instanceof Error ? err.message : String(err)}`);
      await this.settleDeposits(lotId);
    }
  }

  /**
   * Closes every lot past its end that is still open, one at a time through `close` (so exactly
   * once, like the delayed job). Run every minute and whenever a worker starts: a close job lost
   * with a crashed worker, or a close transaction killed half-way (rolled back by PostgreSQL), is
   * redone without waiting for the queue to notice the dead worker.
   */
  async closeDue(limit = 500): Promise<number> {
    const due = await dueLotIds(this.db, this.clock.now(), limit);
    let closed = 0;
    for (const id of due) if ((await this.close(id, { queueSettlement: true })).closed) closed++;
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
