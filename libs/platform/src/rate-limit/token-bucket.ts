/**
 * A token bucket: `capacity` requests at once, refilled continuously at `capacity` per
 * `refillMs`. One per socket, in memory: a flood from one connection is refused at the cost of a
 * subtraction, before it reaches the bidding engine, so it cannot take the lot's turns from others.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly perMs: number;

  constructor(
    readonly capacity: number,
    refillMs: number,
    now = Date.now(),
  ) {
    if (!(capacity >= 1) || !(refillMs > 0)) throw new RangeError('a token bucket needs capacity >= 1 and refillMs > 0');
    this.tokens = capacity;
    this.updatedAt = now;
    this.perMs = capacity / refillMs;
  }

  /** Takes one token: 0 when granted, else the milliseconds until one is available (nothing taken). */
  take(now = Date.now()): number {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs);
      this.updatedAt = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / this.perMs);
  }
}
