import { CLOCK, FixedClock, SystemClock, TravelClock } from './clock';

describe('FixedClock', () => {
  it('stands still until moved', () => {
    const clock = new FixedClock('2026-03-01T08:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-03-01T08:00:00.000Z');
  });

  it.each`
    steps               | expected
    ${[1]}              | ${'2026-03-01T08:00:00.001Z'}
    ${[1000, 59_000]}   | ${'2026-03-01T08:01:00.000Z'}
    ${[0]}              | ${'2026-03-01T08:00:00.000Z'}
    ${[16 * 3_600_000]} | ${'2026-03-02T00:00:00.000Z'}
  `('advances by $steps ms to $expected', ({ steps, expected }) => {
    const clock = new FixedClock('2026-03-01T08:00:00.000Z');
    for (const ms of steps) clock.advance(ms);
    expect(clock.now().toISOString()).toBe(expected);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses to advance by %p', (ms) => {
    expect(() => new FixedClock(0).advance(ms)).toThrow(RangeError);
  });

  it('can be set, including backwards', () => {
    const clock = new FixedClock('2026-03-01T08:00:00.000Z');
    clock.set(new Date('2020-01-01T00:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });

  it.each([[new Date('2026-01-01T00:00:00Z')], ['2026-01-01T08:00:00+08:00'], [Date.UTC(2026, 0, 1)]])('accepts the instant %p', (instant) => {
    expect(new FixedClock(instant).now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('refuses an invalid instant', () => {
    expect(() => new FixedClock('not a date')).toThrow(RangeError);
    expect(() => new FixedClock(0).set('2026-13-01')).toThrow(RangeError);
  });

  it('cannot be moved by mutating a Date it returned', () => {
    const clock = new FixedClock('2026-03-01T08:00:00.000Z');
    clock.now().setUTCFullYear(1999);
    expect(clock.now().toISOString()).toBe('2026-03-01T08:00:00.000Z');
  });
});

describe('SystemClock', () => {
  it('reads the real time', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe('CLOCK token', () => {
  it('is a registered symbol, the same across copies of the module', () => {
    expect(CLOCK).toBe(Symbol.for('zjp.Clock'));
  });
});

describe('TravelClock', () => {
  it('reads real time until moved, then real time shifted to the instant it was moved to', async () => {
    const clock = new TravelClock();
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(50);
    clock.travelTo('2025-09-26T02:00:00Z');
    const first = clock.now().getTime();
    expect(first - Date.parse('2025-09-26T02:00:00Z')).toBeLessThan(50);
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now().getTime()).toBeGreaterThan(first); // time still passes
    clock.reset();
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(50);
  });
});
