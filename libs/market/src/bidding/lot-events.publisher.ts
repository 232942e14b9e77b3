import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { QUEUES } from '@zjp/platform';
import { AUCTION_JOBS, CloseLotJob } from '../jobs';
import { RealtimePublisher } from '@zjp/realtime';
import type { Queue } from 'bullmq';
import { bidderPseudonym, type LotState } from '../domain';
import { LOT_BIDS_EVENT, LotFeed } from './lot-feed';
import type { FeedBid, FeedState } from './lot-feed-merge';

export const LOT_EVENTS = {
  bids: LOT_BIDS_EVENT,
  extended: 'lot.extended',
  call: 'lot.call',
  closed: 'lot.closed',
} as const;

/** A bid as watchers see it, and the lot's state after a batch (the shapes of `lot.bids`). */
export type PublicBid = FeedBid;
export type LotSnapshot = FeedState;

/**
 * What watchers of a lot receive. Committed bids go out in `lot.bids` events (coalesced per API
 * process by LotFeed) with their sequence numbers and the state after them, so a client that sees
 * `bids[0].seq` other than its last seq + 1 knows it missed some and fetches
 * `GET /lots/:id/bids?afterSeq=`.
 */
@Injectable()
export class LotEventsPublisher {
  private readonly logger = new Logger(LotEventsPublisher.name);

  constructor(
    private readonly realtime: RealtimePublisher,
    private readonly feed: LotFeed,
    @InjectQueue(QUEUES.auctions) private readonly auctions: Queue<CloseLotJob>,
  ) {}

  bidsAccepted(
    lotId: string,
    bids: { seq: number; paddle: number; amountFen: bigint; proxy: boolean; at: Date }[],
    state: LotState,
    leader: string | null,
  ): void {
    this.feed.publish({
      lotId,
      bids: bids.map((b): PublicBid => ({
        seq: b.seq,
        amountFen: b.amountFen.toString(),
        bidder: bidderPseudonym(b.paddle),
        proxy: b.proxy,
        at: b.at.toISOString(),
      })),
      state: {
        seq: state.seq,
        currentFen: state.currentFen?.toString() ?? null,
        leader,
        bidCount: state.bidCount,
        endsAt: state.endsAt.toISOString(),
        status: state.status,
      } satisfies LotSnapshot,
    });
  }

  /** Anti-sniping moved the end: tell the room and queue a close job for the new end. */
  extended(lotId: string, endsAt: Date): void {
    this.realtime.toLot(lotId, LOT_EVENTS.extended, { lotId, endsAt: endsAt.toISOString() });
    this.scheduleClose(lotId, endsAt).catch((err: unknown) => this.logger.error(`could not reschedule the close of lot ${lotId}: ${String(err)}`));
  }

  /**
   * One delayed job per end time. A job that fires before a later extended end finds the lot still
   * open and does nothing; the job for the new end closes it.
   */
  async scheduleClose(lotId: string, endsAt: Date): Promise<void> {
    await this.auctions.add(
      AUCTION_JOBS.closeLot,
      { lotId },
      {
        jobId: `close-${lotId}-${endsAt.getTime()}`,
        delay: Math.max(0, endsAt.getTime() - Date.now()),
        attempts: 10,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: 86400 },
        removeOnFail: { age: 30 * 86400 },
      },
    );
  }
}
