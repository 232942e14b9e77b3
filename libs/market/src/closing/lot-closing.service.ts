import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, newId, NotFoundError } from '@zjp/core';
import { Outbox, recordAudit, TransactionRunner } from '@zjp/database';
import { RealtimePublisher } from '@zjp/realtime';
import { DataSource } from 'typeorm';
import { bidderPseudonym, closeOutcome } from '../domain';
import { LOT_EVENTS } from '../bidding/lot-events.publisher';
import { DealConcluded } from '../events';
import { DEPOSIT_GATEWAY, type DepositGateway } from '../lots/deposit-gateway';
import { LotRow, rulesOf, stateOf } from '../lots/lot-row';

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
  ) {}

  /** `hammer`: the auctioneer closes a live lot now, before its end time. */
  async close(lotId: string, options: { hammer?: boolean; actorUserId?: string } = {}): Promise<CloseResult> {
    const result = await this.tx.run(async (m): Promise<CloseResult> => {
      const rows = (await m.query(`SELECT * FROM lots WHERE id = $1 FOR UPDATE`, [lotId])) as LotRow[];
      const lot = rows[0];
      if (!lot) {
        if (options.hammer) throw new NotFoundError('LOT_NOT_FOUND', 'No such lot');
        return { closed: false, lotId, reason: 'not_found' };
      }
      if (lot.status === 'closed' || lot.status === 'cancelled') return { closed: false, lotId, reason: 'already_closed' };
      const now = this.clock.now();
      if (options.hammer && !lot.live) throw new ConflictError('LOT_NOT_LIVE', 'Only a live lot is hammered; timed lots close at their end time');
      if (!options.hammer && now < lot.ends_at) return { closed: false, lotId, reason: 'not_ended', endsAt: lot.ends_at.toISOString() };

      const outcome = closeOutcome(rulesOf(lot), stateOf(lot, now));
      const sold = outcome.result === 'sold';
      await m.query(
        // A hammered lot keeps its scheduled end; closed_at says when the hammer fell.
        `UPDATE lots SET status = 'closed', result = $2, unsold_reason = $3, winner_registration_id = $4, hammer_price_fen = $5, closed_at = $6 WHERE id = $1`,
        [lotId, outcome.result, sold ? null : outcome.reason, sold ? outcome.winnerId : null, sold ? outcome.hammerPriceFen.toString() : null, now],
      );
      await m.query(`UPDATE listings SET status = 'closed', status_reason = $2, updated_at = now() WHERE id = $1`, [lot.listing_id, sold ? 'sold at auction' : `unsold: ${outcome.result === 'unsold' ? outcome.reason : ''}`]);
      let dealId: string | null = null;
      if (sold) {
        dealId = newId(this.clock);
        // The deal the contracts context picks up (DealConcluded): the hammer price and the deposit carry over.
        const [deal] = (await m.query(
          `INSERT INTO deals (id, lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at)
           SELECT $1, l.id, l.listing_id, l.achievement_id, l.holder_id, r.organization_id, COALESCE(li.deal_type, 'license'), CASE WHEN li.deal_type IS NULL THEN 'ordinary' ELSE li.license_type END, $3, l.deposit_fen, $4
             FROM lots l JOIN lot_registrations r ON r.id = $2 JOIN listings li ON li.id = l.listing_id WHERE l.id = $5
           RETURNING listing_id, buyer_id`,
          [dealId, outcome.winnerId, outcome.hammerPriceFen.toString(), now, lotId],
        )) as { listing_id: string; buyer_id: string }[];
        await this.outbox.append(m, DealConcluded.create({ dealId, source: 'auction', listingId: deal.listing_id, buyerId: deal.buyer_id }, this.clock));
      }
      await recordAudit(m, {
        actorUserId: options.actorUserId ?? null,
        action: options.hammer ? 'lot.hammered' : 'lot.closed',
        subjectType: 'lot',
        subjectId: lotId,
        data: { result: outcome.result, ...(sold ? { hammerPriceFen: outcome.hammerPriceFen.toString(), dealId } : { reason: outcome.reason }) },
        occurredAt: now,
      });
      return { closed: true, lotId, result: outcome.result, hammerPriceFen: sold ? outcome.hammerPriceFen.toString() : null, dealId };
    });

    if (result.closed) {
      const lot = (await this.db.query(`SELECT l.seq, l.bid_count, r.paddle_number FROM lots l LEFT JOIN lot_registrations r ON r.id = l.winner_registration_id WHERE l.id = $1`, [lotId])) as { seq: number; bid_count: number; paddle_number: number | null }[];
      this.realtime.toLot(lotId, LOT_EVENTS.closed, {
        lotId,
        result: result.result,
        hammerPriceFen: result.hammerPriceFen,
        winner: lot[0].paddle_number === null ? null : bidderPseudonym(lot[0].paddle_number),
        seq: lot[0].seq,
        bidCount: lot[0].bid_count,
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
    const due = (await this.db.query(`SELECT id FROM lots WHERE status IN ('scheduled', 'open') AND ends_at <= $1 ORDER BY ends_at LIMIT $2`, [this.clock.now(), limit])) as { id: string }[];
    let closed = 0;
    for (const { id } of due) if ((await this.close(id)).closed) closed++;
    return closed;
  }

  /** After the close: the losers' holds are released; the winner's stays held for the contract. Safe to repeat. */
  async settleDeposits(lotId: string): Promise<void> {
    const regs = (await this.db.query(
      `SELECT r.id, r.deposit_id, r.deposit_status, r.id = l.winner_registration_id AS winner
         FROM lot_registrations r JOIN lots l ON l.id = r.lot_id WHERE r.lot_id = $1 AND l.status = 'closed' AND r.deposit_status IN ('held', 'pending')`,
      [lotId],
    )) as { id: string; deposit_id: string | null; deposit_status: string; winner: boolean }[];
    for (const r of regs) {
      if (r.deposit_status === 'pending' && r.deposit_id === null) continue;
      try {
        if (r.winner) {
          // The winner's hold stays until the deal is contracted (applied to the price, see
          // ListingFlowsService.applyWinnerDeposit) or defaulted (forfeited).
          continue;
        } else {
          if (r.deposit_id) await this.deposits.release(r.deposit_id);
          await this.db.query(`UPDATE lot_registrations SET deposit_status = 'released' WHERE id = $1 AND deposit_status IN ('held', 'pending')`, [r.id]);
        }
      } catch (err) {
        // Left as it is: the next run of the close job (BullMQ retries it) settles it.
        this.logger.error(`settling deposit of registration ${r.id} failed: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
    }
  }
}

