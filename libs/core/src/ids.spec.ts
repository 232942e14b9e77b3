import { FixedClock } from './clock';
import { isUuid, newId } from './ids';

const timestampOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('newId', () => {
  it('makes a version 7 uuid with the RFC variant', () => {
    const id = newId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUuid(id)).toBe(true);
  });

  it.each([['1970-01-01T00:00:00.001Z'], ['2026-01-01T16:30:00.123Z'], ['9999-12-31T23:59:59.999Z']])(
    'encodes the clock time %s in the first 48 bits',
    (instant) => {
      expect(timestampOf(newId(new FixedClock(instant)))).toBe(new Date(instant).getTime());
    },
  );

  it('encodes the current time by default', () => {
    const before = Date.now();
    const ms = timestampOf(newId());
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1);
  });

  it('sorts ids in creation order, even many within one millisecond', () => {
    const clock = new FixedClock('2026-01-01T00:00:00Z');
    const ids = Array.from({ length: 10_000 }, () => newId(clock));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts ids in creation order with the system clock', () => {
    const ids = Array.from({ length: 10_000 }, () => newId());
    expect([...ids].sort()).toEqual(ids);
  });

  it('sorts by time across milliseconds', () => {
    const clock = new FixedClock('2026-01-01T00:00:00Z');
    const first = newId(clock);
    clock.advance(1);
    expect(newId(clock) > first).toBe(true);
  });

  it('does not let a test clock in the future move system-clock ids', () => {
    newId(new FixedClock('2030-01-01T00:00:00Z'));
    expect(timestampOf(newId())).toBeLessThan(new Date('2030-01-01T00:00:00Z').getTime());
  });
});

describe('isUuid', () => {
  it.each`
    value                                       | expected
    ${'0190a6e2-7b3c-7def-8abc-0123456789ab'}   | ${true}
    ${'0190A6E2-7B3C-7DEF-8ABC-0123456789AB'}   | ${true}
    ${'f47ac10b-58cc-4372-a567-0e02b2c3d479'}   | ${true}
    ${'00000000-0000-0000-0000-000000000000'}   | ${false}
    ${'ffffffff-ffff-ffff-ffff-ffffffffffff'}   | ${false}
    ${'0190a6e2-7b3c-7def-cabc-0123456789ab'}   | ${false}
    ${'0190a6e27b3c7def8abc0123456789ab'}       | ${false}
    ${'{0190a6e2-7b3c-7def-8abc-0123456789ab}'} | ${false}
    ${'0190a6e2-7b3c-7def-8abc-0123456789a'}    | ${false}
    ${''}                                       | ${false}
    ${42}                                       | ${false}
    ${null}                                     | ${false}
  `('says $expected for $value', ({ value, expected }) => {
    expect(isUuid(value)).toBe(expected);
  });
});
