/**
 * How many bids each lot received at this process in the current second and the one before: a lot is
 * hot once either count reaches the threshold. The bid router forwards only hot lots' bids to their
 * owner (a cold lot gains nothing from one queue, and the hop costs CPU); the counts of lots that went
 * quiet are dropped by `prune`.
 */
export class LotHeat {
  private readonly counts = new Map<string, { second: number; current: number; previous: number }>();

  /** threshold: bids per second at this process from which a lot is hot (0: every lot is) */
  constructor(private readonly threshold: number) {}

  /** Counts a bid of the lot at `nowMs` and says whether the lot is hot. */
  hit(lotId: string, nowMs: number): boolean {
    if (this.threshold <= 0) return true;
    const second = Math.floor(nowMs / 1000);
    let c = this.counts.get(lotId);
    if (!c) this.counts.set(lotId, (c = { second, current: 0, previous: 0 }));
    else if (c.second !== second) {
      c.previous = c.second === second - 1 ? c.current : 0;
      c.current = 0;
      c.second = second;
    }
    c.current++;
    return c.current >= this.threshold || c.previous >= this.threshold;
  }

  /** Forgets the lots without a bid in the last two seconds. */
  prune(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    for (const [lotId, c] of this.counts) if (c.second < second - 1) this.counts.delete(lotId);
  }

  /** lots counted (for tests) */
  get size(): number {
    return this.counts.size;
  }
}
