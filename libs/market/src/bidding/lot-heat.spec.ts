import { LotHeat } from './lot-heat';

describe('LotHeat', () => {
  const t0 = 1_800_000_000_000; // a whole second

  it('turns a lot hot at the threshold within one second, and keeps it hot through the next second', () => {
    const heat = new LotHeat(3);
    expect([heat.hit('a', t0), heat.hit('a', t0 + 10), heat.hit('a', t0 + 999)]).toEqual([false, false, true]);
    // the next second: hot from its first bid, on the previous second's count
    expect(heat.hit('a', t0 + 1_000)).toBe(true);
    // two seconds later with one bid in between: cold again
    expect(heat.hit('a', t0 + 3_000)).toBe(false);
  });

  it('counts lots apart, and a gap of a second forgets the count', () => {
    const heat = new LotHeat(2);
    expect(heat.hit('a', t0)).toBe(false);
    expect(heat.hit('b', t0)).toBe(false);
    expect(heat.hit('a', t0 + 1)).toBe(true);
    expect(heat.hit('b', t0 + 2_500)).toBe(false); // b's one bid was two seconds ago
  });

  it('makes every lot hot with a threshold of 0', () => {
    const heat = new LotHeat(0);
    expect(heat.hit('a', t0)).toBe(true);
    expect(heat.size).toBe(0);
  });

  it('prunes the lots without a bid in the last two seconds', () => {
    const heat = new LotHeat(5);
    heat.hit('old', t0);
    heat.hit('recent', t0 + 1_500);
    heat.prune(t0 + 2_100);
    expect(heat.size).toBe(1);
    expect(heat.hit('old', t0 + 2_200)).toBe(false);
    expect(heat.size).toBe(2);
  });
});
