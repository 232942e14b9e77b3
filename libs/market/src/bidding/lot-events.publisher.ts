import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { QUEUES } from '@zjp/platform';
import { AUCTION_JOBS, type CloseLotJob, type LotStartingSoonJob, type NotifyOutbidJob, type OutbidLot } from '../jobs';
import { RealtimePublisher } from '@zjp/realtime';
import type { Queue } from 'bullmq';
import { bidderPseudonym, type LotState } from '../domain';
import { LOT_BIDS_EVENT, LotFeed } from './lot-feed';
import type { FeedBid, FeedState } from './lot-feed-merge';

export const LOT_EVENTS = {
  bids: LOT_BIDS_EVENT,
  extended: 'lot.extended',
  call: 'lot.call',
  opened: 'lot.opened',
  closed: 'lot.closed',
} as const;

/** A bid as watchers see it, and the lot's state after a batch (the shapes of `lot.bids`). */
export type PublicBid = FeedBid;
export type LotSnapshot = FeedState;

/** Outbid organisations are gathered per lot for this long before jobs carry them to the worker. */
export const OUTBID_GATHER_MS = 1000;
/**
 * At most this many lots' outbid notices in one job. One job per lot cost the worker a job's round trips and three
 * queries for each lot every second (500 lots bidding at once kept it busy: docs/BENCHMARKS.md, seventh pass); a job
 * of many lots is one lookup, one Redis pipeline and one insert. Bounded so that several workers share a busy second.
 */
export const OUTBID_JOB_LOTS = 100;
/**
 * The outbid notices' jobs wait behind every job without a priority in the auctions queue (BullMQ takes those
 * first): a close that falls due while bidding still fills the queue with notices is taken next, not after
 * them (docs/BENCHMARKS.md, sixth pass: 500 lots ending together).
 */
export const OUTBID_JOB_PRIORITY = 10;
/** `lot_starting_soon` goes out this long before a lot starts. */
export const STARTING_SOON_MS = 30 * 60_000;

/**
 * What watchers of a lot receive. Committed bids go out in `lot.bids` events (coalesced per API
 * process by LotFeed) with their sequence numbers and the state after them, so a client that sees
 * `bids[0].seq` other than its last seq + 1 knows it missed some and fetches
 * `GET /lots/:id/bids?afterSeq=`.
 */
@Injectable()
export class LotEventsPublisher {
  private readonly logger = new Logger(LotEventsPublisher.name);
  /** Organisations that lost the lead, per lot, since the last flush (the bid path only adds to a set). */
  private readonly outbidPending = new Map<string, Set<string>>();
  private outbidTimer?: NodeJS.Timeout;

  constructor(
    private readonly realtime: RealtimePublisher,
    private readonly feed: LotFeed,
    @InjectQueue(QUEUES.auctions) private readonly auctions: Queue<CloseLotJob | NotifyOutbidJob | LotStartingSoonJob>,
  ) {}

  bidsAccepted(
    lotId: string,
    bids: { seq: number; paddle: number; amountFen: bigint; proxy: boolean; floor?: boolean; at: Date }[],
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
        ...(b.floor ? { floor: true } : {}), // entered by the auctioneer for a bidder in the room (P-AUC)
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

  /**
   * Organisations that led the lot before a committed batch, or during it, and no longer do. Off
   * the bid path: gathered in memory and handed to the worker every OUTBID_GATHER_MS, up to OUTBID_JOB_LOTS lots per
   * job, which stores and pushes their `outbid` notices (LotNoticesService.outbidMany).
   */
  outbid(lotId: string, organizationIds: readonly string[]): void {
    if (!organizationIds.length) return;
    let pending = this.outbidPending.get(lotId);
    if (!pending) this.outbidPending.set(lotId, (pending = new Set()));
    for (const id of organizationIds) pending.add(id);
    if (!this.outbidTimer) {
      this.outbidTimer = setTimeout(() => this.flushOutbid(), OUTBID_GATHER_MS);
      this.outbidTimer.unref();
    }
  }

  private flushOutbid(): void {
    this.outbidTimer = undefined;
    const lots = [...this.outbidPending].map(([lotId, ids]): OutbidLot => ({ lotId, organizationIds: [...ids] }));
    this.outbidPending.clear();
    const jobs = [];
    for (let i = 0; i < lots.length; i += OUTBID_JOB_LOTS)
      jobs.push({
        name: AUCTION_JOBS.notifyOutbid,
        data: { lots: lots.slice(i, i + OUTBID_JOB_LOTS) } satisfies NotifyOutbidJob,
        opts: {
          priority: OUTBID_JOB_PRIORITY,
          attempts: 3,
          backoff: { type: 'exponential', delay: 500 },
          removeOnComplete: true,
          removeOnFail: { age: 86400 },
        },
      });
    this.auctions.addBulk(jobs).catch((err: unknown) => this.logger.warn(`outbid notices of ${lots.length} lot(s) not queued: ${String(err)}`));
  }

  /**
   * The `lot_starting_soon` job of a lot, STARTING_SOON_MS before its start; at the lot's creation
   * and at each registration (one job per lot and start: its id). Removed once done, so a later
   * registration before the start queues it again at once, and the notices' keys keep the ones
   * already sent from being sent twice.
   */
  async scheduleStartingSoon(lotId: string, startsAt: Date): Promise<void> {
    if (startsAt.getTime() <= Date.now()) return;
    await this.auctions.add(
      AUCTION_JOBS.lotStartingSoon,
      { lotId, startsAt: startsAt.toISOString() },
      {
        jobId: `starting-soon-${lotId}-${startsAt.getTime()}`,
        delay: Math.max(0, startsAt.getTime() - STARTING_SOON_MS - Date.now()),
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 86400 },
      },
    );
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
