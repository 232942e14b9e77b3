import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('grants a burst of its capacity at once, then refuses with the wait until the next token', () => {
    const bucket = new TokenBucket(10, 5_000, 0); // 10 at once, refilled at 2 per second
    const granted = Array.from({ length: 15 }, () => bucket.take(0));
    expect(granted.filter((w) => w === 0)).toHaveLength(10);
    expect(granted.slice(10)).toEqual([500, 500, 500, 500, 500]);
  });

  it('refills continuously at capacity per refill time, never above capacity', () => {
    const bucket = new TokenBucket(4, 2_000, 0); // 2 per second
    for (let i = 0; i < 4; i++) expect(bucket.take(0)).toBe(0);
    expect(bucket.take(250)).toBe(250); // half a token back after 250 ms: 250 ms more
    expect(bucket.take(500)).toBe(0); // one token after 500 ms
    expect(bucket.take(500)).toBe(500);
    // after a long pause: a full burst again, not more
    const later = Array.from({ length: 6 }, () => bucket.take(60_000));
    expect(later.filter((w) => w === 0)).toHaveLength(4);
  });

  it('admits a steady rate equal to its refill rate indefinitely', () => {
    const bucket = new TokenBucket(1, 100, 0);
    for (let t = 0; t < 10_000; t += 100) expect(bucket.take(t)).toBe(0);
    expect(bucket.take(9_950)).toBeGreaterThan(0);
  });

  it('does not go back in time when the clock does', () => {
    const bucket = new TokenBucket(2, 1_000, 1_000);
    expect(bucket.take(1_000)).toBe(0);
    expect(bucket.take(1_000)).toBe(0);
    expect(bucket.take(500)).toBe(500);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => new TokenBucket(0, 1_000)).toThrow(RangeError);
    expect(() => new TokenBucket(5, 0)).toThrow(RangeError);
  });
});
