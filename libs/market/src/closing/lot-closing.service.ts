import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, newId, NotFoundError } from '@zjp/core';
import { Outbox, recordAudit, TransactionRunner } from '@zjp/database';
import { RealtimePublisher } from '@zjp/realtime';
import { DataSource } from 'typeorm';
import { bidderPseudonym, closeOutcome } from '../domain';
import { LOT_EVENTS } from '../bidding/lot-events.publisher';
import { DealConcluded } from '../events';
import { DEPOSIT_GATEWAY, type DepositGateway } from '../lots/deposit-gateway';
import { insertAuctionDeal } from '../deals/deals.repository';
import { closeListing } from '../listings/listings.repository';
import { rulesOf, stateOf } from '../lots/lot-row';
import { LotNoticesService } from '../notices/lot-notices.service';
import { SessionResultsService } from '../sessions/results/session-results.service';
import { closedLotSummary, closeLot, dueLotIds, lockLot, markRegistrationReleased, markWithdrawn, unsettledRegistrations } from '../lots/lots.repository';

export type CloseResult =
  | { closed: true; lotId: string; result: 'sold' | 'unsold'; hammerPriceFen: string | null; dealId: string | null }
  | { closed: false; lotId: string; reason: 'already_closed' | 'not_ended' | 'not_found'; endsAt?: string };

/**
 * Invariant 4: a lot closes exactly once. The guard is the lot row, locked and checked in the
 * closing transaction, so two workers, a retried job or a restarted worker cannot close it twice.
 * Deposits are settled after the commit, idempotently, and settled again by any later run, so a
 * crash between the commit and the settlement only delays it.
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
  ) {}

  /**
   * `hammer`: the auctioneer closes a live lot now, before its end time. `withdraw`: the operator
   * withdraws the lot (撤拍), live or timed: it closes unsold ('withdrawn'), no deal, every deposit released.
   */
  async close(lotId: string, options: { hammer?: boolean; withdraw?: { reason: string }; actorUserId?: string } = {}): Promise<CloseResult> {
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
    if (result.closed || result.reason === 'already_closed') await this.settleDeposits(lotId);
    return result;
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
    for (const id of due) if ((await this.close(id)).closed) closed++;
    return closed;
  }

  /** After the close: the losers' holds are released; the winner's stays held for the contract. Safe to repeat. */
  async settleDeposits(lotId: string): Promise<void> {
    const regs = await unsettledRegistrations(this.db, lotId);
    for (const r of regs) {
      if (r.deposit_status === 'pending' && r.deposit_id === null) continue;
      try {
        if (r.winner) {
          // The winner's hold stays until the deal is contracted (applied to the price, see
          // ListingFlowsService.applyWinnerDeposit) or defaulted (forfeited).
          continue;
        } else {
          if (r.deposit_id) await this.deposits.release(r.deposit_id);
          await markRegistrationReleased(this.db, r.id);
        }
      } catch (err) {
        // Left as it is: the next run of the close job (BullMQ retries it) settles it.
        this.logger.error(`settling deposit of registration ${r.id} failed: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
    }
  }
}
