import { LotFeedBuffer, MAX_BIDS_PER_EVENT, type LotBidsEvent } from './lot-feed-merge';

const bid = (seq: number) => ({
  seq,
  amountFen: String(1000 + seq * 100),
  bidder: `竞买人 ${String(seq % 9).padStart(2, '0')}`,
  proxy: false,
  at: new Date(seq * 1000).toISOString(),
});
/** a committed batch of bids from..to, with the state after it */
const batch = (from: number, to: number): LotBidsEvent => {
  const bids = Array.from({ length: to - from + 1 }, (_, i) => bid(from + i));
  return {
    lotId: 'lot',
    bids,
    state: {
      seq: to,
      currentFen: bids[bids.length - 1].amountFen,
      leader: bids[bids.length - 1].bidder,
      bidCount: to,
      endsAt: '2026-11-26T10:00:00.000Z',
      status: 'open',
    },
  };
};
const seqs = (e: LotBidsEvent | null) => e?.bids.map((b) => b.seq);

describe('LotFeedBuffer: coalesced lot.bids events', () => {
  it('holds the very first batches of a lot one window, so that batches published out of order start in order', () => {
    const b = new LotFeedBuffer('lot', 50);
    expect(b.receive(batch(4, 5), 1000)).toBe(50);
    expect(b.receive(batch(1, 3), 1010)).toBe(40);
    expect(b.flush(1049)).toBeNull();
    const e = b.flush(1050);
    expect(seqs(e)).toEqual([1, 2, 3, 4, 5]);
    expect(e?.state.seq).toBe(5);
    expect(b.due(1050)).toBeNull();
  });

  it('sends the first batch after a quiet spell at once', () => {
    const b = new LotFeedBuffer('lot', 50);
    b.receive(batch(1, 3), 0);
    b.flush(50);
    expect(b.receive(batch(4, 4), 1000)).toBe(0);
    const e = b.flush(1000);
    expect(seqs(e)).toEqual([4]);
    expect(e?.state.seq).toBe(4);
    expect(b.due(1000)).toBeNull();
  });

  it('merges the batches of one window into one event, in order, with the state after the last', () => {
    const b = new LotFeedBuffer('lot', 50);
    b.receive(batch(1, 1), 950);
    b.flush(1000);
    expect(b.receive(batch(2, 4), 1010)).toBe(40);
    expect(b.flush(1010)).toBeNull(); // not due yet
    expect(b.receive(batch(5, 5), 1030)).toBe(20);
    expect(b.receive(batch(6, 9), 1049)).toBe(1);
    const e = b.flush(1050);
    expect(seqs(e)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e?.state).toEqual(batch(6, 9).state);
  });

  it('never sends more often than once a window, nor later than a window after the last event', () => {
    const b = new LotFeedBuffer('lot', 50);
    const sentAt: number[] = [];
    for (let t = 0, seq = 1; t < 1000; t += 5, seq++) {
      // a batch every 5 ms; flush whenever due
      if (b.receive(batch(seq, seq), t) === 0 && b.flush(t)) sentAt.push(t);
    }
    const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(55);
    expect(sentAt.length).toBeGreaterThanOrEqual(18);
  });

  it('holds a batch that arrives after a hole until the hole fills, then sends both in order', () => {
    const b = new LotFeedBuffer('lot', 50);
    b.receive(batch(1, 2), 0);
    b.flush(50);
    // batch 6-8 (published by one process) overtakes 3-5 (published by the other)
    expect(b.receive(batch(6, 8), 100)).toBe(50);
    expect(b.flush(100)).toBeNull();
    expect(b.receive(batch(3, 5), 120)).toBe(0);
    const e = b.flush(120);
    expect(seqs(e)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(e?.state.seq).toBe(8);
  });

  it('sends what it has when a hole is not filled within a window (the client fetches the hole)', () => {
    const b = new LotFeedBuffer('lot', 50);
    b.receive(batch(1, 2), 0);
    b.flush(50);
    expect(b.receive(batch(6, 8), 100)).toBe(50);
    expect(b.flush(149)).toBeNull();
    const e = b.flush(150);
    expect(seqs(e)).toEqual([6, 7, 8]);
    // the late batch is then stale and dropped: the client has fetched it
    expect(b.receive(batch(3, 5), 160)).toBeNull();
    expect(b.flush(500)).toBeNull();
  });

  it('ignores a batch delivered twice', () => {
    const b = new LotFeedBuffer('lot', 50);
    b.receive(batch(1, 3), 0);
    b.flush(50);
    expect(b.receive(batch(1, 3), 10)).toBeNull();
    expect(b.flush(100)).toBeNull();
  });

  it('sends only the newest bids and says how many were left out when a window holds a flood', () => {
    const b = new LotFeedBuffer('lot', 50);
    b.receive(batch(1, 1), 0);
    b.flush(50);
    b.receive(batch(2, 1001), 60);
    const e = b.flush(100)!;
    expect(e.bids).toHaveLength(MAX_BIDS_PER_EVENT);
    expect(e.bids[e.bids.length - 1].seq).toBe(1001);
    expect(e.omitted).toBe(1000 - MAX_BIDS_PER_EVENT);
    expect(e.state.seq).toBe(1001);
  });

  it('with a window of 0 sends every batch as it comes', () => {
    const b = new LotFeedBuffer('lot', 0);
    for (let i = 1; i <= 5; i++) {
      expect(b.receive(batch(i, i), i)).toBe(0);
      expect(seqs(b.flush(i))).toEqual([i]);
    }
  });
});
