import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { ListingFlowsService, LotClosingService, LotNoticesService, type CloseResult, type ListingConclusion } from '@zjp/market';
import { QUEUES } from '@zjp/platform';
import {
  AUCTION_JOBS,
  CloseLotJob,
  ConcludeListingJob,
  outbidLotsOf,
  type LotStartingSoonJob,
  type NotifyOutbidJob,
  type SettleLotDepositsJob,
} from '@zjp/market';
import type { Job } from 'bullmq';

/**
 * Closes lots at their end time. The job only carries the lot id; the lot row decides, so a job
 * that fires before an extended end does nothing, and a repeated job finds the lot closed (and
 * queues the settlement of its deposits again, in case a crash lost it). The settlement is its own
 * job (`settle-lot-deposits`), so a close's slot is free for the next lot as soon as it committed.
 */
@Processor(QUEUES.auctions, { concurrency: 8 })
export class AuctionsProcessor extends WorkerHost {
  private readonly logger = new Logger(AuctionsProcessor.name);

  constructor(
    private readonly closing: LotClosingService,
    private readonly listings: ListingFlowsService,
    private readonly notices: LotNoticesService,
  ) {
    super();
  }

  async process(
    job: Job<CloseLotJob | ConcludeListingJob | NotifyOutbidJob | LotStartingSoonJob | SettleLotDepositsJob>,
  ): Promise<CloseResult | ListingConclusion | { concluded: number } | { closed: number } | { notified: number } | { sent: number } | { released: number }> {
    if (job.name === AUCTION_JOBS.notifyOutbid) {
      return { notified: (await this.notices.outbidMany(outbidLotsOf(job.data as NotifyOutbidJob))).length };
    }
    if (job.name === AUCTION_JOBS.lotStartingSoon) {
      const { lotId, startsAt } = job.data as LotStartingSoonJob;
      return { sent: await this.notices.startingSoon(lotId, startsAt) };
    }
    if (job.name === AUCTION_JOBS.settleLotDeposits) return { released: await this.closing.settleDeposits((job.data as SettleLotDepositsJob).lotId) };
    if (job.name === AUCTION_JOBS.concludeDueListings) return { concluded: await this.listings.concludeDue() };
    if (job.name === AUCTION_JOBS.closeDueLots) return { closed: await this.closing.closeDue() };
    if (job.name === AUCTION_JOBS.concludeListing) return this.listings.conclude((job.data as ConcludeListingJob).listingId);
    if (job.name !== AUCTION_JOBS.closeLot) throw new Error(`unknown auction job ${job.name}`);
    // the job's lot, and with it other lots that have ended (LotClosingService.closeEnded); the first result is the job's lot
    const results = await this.closing.closeEnded((job.data as CloseLotJob).lotId, { queueSettlement: true });
    for (const r of results) if (r.closed) this.logger.log(`lot ${r.lotId} closed: ${r.result}${r.hammerPriceFen ? ` at ${r.hammerPriceFen} fen` : ''}`);
    return results[0];
  }
}
