/**
 * The merging behind coalesced live updates (pure; the LotFeed service adds Redis and timers).
 *
 * Every API process receives every committed batch of a lot's bids (from whichever process
 * committed it) and, per lot, sends its own watchers at most one `lot.bids` event per window: all
 * bids since the last event, in sequence order, with the lot's state after the last of them.
 * Batches can arrive out of order (two processes publish after their commits); a batch that
 * leaves a hole is held back until the hole fills, or for at most one more window, after which
 * it goes out anyway and the client fetches the hole through GET /lots/:id/bids?afterSeq=.
 */
export interface FeedBid {
  seq: number;
  amountFen: string;
  bidder: string;
  proxy: boolean;
  /** a floor bid, entered by the auctioneer (absent for online bids) */
  floor?: boolean;
  at: string;
}

export interface FeedState {
  seq: number;
  currentFen: string | null;
  leader: string | null;
  bidCount: number;
  endsAt: string;
  status: string;
}

export interface LotBidsEvent {
  lotId: string;
  bids: FeedBid[];
  state: FeedState;
  /** how many earlier bids of this event were left out (only the newest MAX_BIDS_PER_EVENT are sent); fetch them if needed */
  omitted?: number;
}

/** An event never carries more bids than this: under a flood, watchers get the newest and the state. */
export const MAX_BIDS_PER_EVENT = 200;

export class LotFeedBuffer {
  private lastSeq: number | null = null;
  private readonly pending = new Map<number, FeedBid>();
  /** states received, by the seq they describe */
  private readonly states = new Map<number, FeedState>();
  private newest?: FeedState;
  private lastFlushAt = -Infinity;
  /** when the oldest held-back batch arrived (for the hole timeout) */
  private heldSince: number | null = null;

  constructor(
    readonly lotId: string,
    private readonly windowMs: number,
  ) {}

  /** Takes a committed batch; returns when (ms from `now`) the buffer wants to flush, or null when it has nothing to send. */
  receive(event: LotBidsEvent, now: number): number | null {
    for (const b of event.bids) if (this.lastSeq === null || b.seq > this.lastSeq) this.pending.set(b.seq, b);
    if (this.lastSeq === null || event.state.seq > this.lastSeq) this.states.set(event.state.seq, event.state);
    if (!this.newest || event.state.seq > this.newest.seq) this.newest = event.state;
    return this.due(now);
  }

  /** ms until the next flush is due, 0 for now, null when nothing waits. */
  due(now: number): number | null {
    if (this.pending.size === 0) return null;
    if (this.lastSeq === null) {
      // The first batches this process hears of a lot may come out of order (published by two
      // processes): the first event waits one window, then starts at the lowest seq received.
      this.heldSince ??= now;
      return Math.max(0, this.heldSince + this.windowMs - now);
    }
    const windowLeft = Math.max(0, this.lastFlushAt + this.windowMs - now);
    if (this.runLength() > 0) return windowLeft;
    // only a batch after a hole waits: until the hole fills, or a window after it arrived
    this.heldSince ??= now;
    return Math.max(windowLeft, this.heldSince + this.windowMs - now);
  }

  /** The event to send now, if any (call when `due` said 0). */
  flush(now: number): LotBidsEvent | null {
    const due = this.due(now);
    if (due === null || due > 0) return null;
    let run = this.runLength();
    if (run === 0) run = this.pending.size; // the hole timed out: send what there is
    const seqs = [...this.pending.keys()].sort((a, b) => a - b).slice(0, run);
    const bids = seqs.map((s) => this.pending.get(s)!);
    seqs.forEach((s) => this.pending.delete(s));
    const last = seqs[seqs.length - 1];
    let state: FeedState | undefined;
    for (const [seq, s] of this.states) {
      if (seq <= last) {
        if (!state || seq > state.seq) state = s;
        this.states.delete(seq);
      }
    }
    this.lastSeq = last;
    this.lastFlushAt = now;
    this.heldSince = null;
    const sent = bids.length > MAX_BIDS_PER_EVENT ? bids.slice(-MAX_BIDS_PER_EVENT) : bids;
    // Each batch brings the state after its last bid and a run never splits a batch, so `state` is
    // found; the newest state seen is the fallback.
    const event: LotBidsEvent = { lotId: this.lotId, bids: sent, state: state ?? this.newest! };
    if (sent.length < bids.length) event.omitted = bids.length - sent.length;
    return event;
  }

  get idleSince(): number {
    return this.pending.size ? Infinity : this.lastFlushAt;
  }

  /** consecutive pending seqs after the last one sent (all pending ones before anything was sent) */
  private runLength(): number {
    if (this.pending.size === 0) return 0;
    let next = this.lastSeq === null ? Math.min(...this.pending.keys()) : this.lastSeq + 1;
    let n = 0;
    while (this.pending.has(next)) {
      n++;
      next++;
    }
    return n;
  }
}
