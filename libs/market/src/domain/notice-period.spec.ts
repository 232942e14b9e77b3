import { LocalDate } from '@zjp/core';
import { isWorkingDay, noticeEndsAt } from './notice-period';

describe('the public notice period of a fixed-price listing', () => {
  it.each([
    ['2026-11-23', true], // Monday
    ['2026-11-27', true], // Friday
    ['2026-11-28', false], // Saturday
    ['2026-11-29', false], // Sunday
  ])('treats %s as working day: %s', (date, expected) => {
    expect(isWorkingDay(LocalDate.parse(date))).toBe(expected);
  });

  it.each([
    // listed (UTC instant)          days  ends (UTC instant = Shanghai midnight after the last working day)
    ['2026-11-23T02:00:00Z', 1, '2026-11-24T16:00:00.000Z'], // Mon → Tue counts → ends Wed 00:00 Shanghai
    ['2026-11-27T02:00:00Z', 1, '2026-11-30T16:00:00.000Z'], // Fri → the weekend is skipped → Mon counts
    ['2026-11-23T02:00:00Z', 10, '2026-12-07T16:00:00.000Z'], // 10 working days from Monday: ends after Mon 7 Dec
    ['2026-11-22T17:00:00Z', 1, '2026-11-24T16:00:00.000Z'], // Sun 17:00 UTC is already Monday in Shanghai
  ])('a listing at %s with %i working days of notice ends at %s', (listedAt, days, ends) => {
    expect(noticeEndsAt(new Date(listedAt), days).toISOString()).toBe(ends);
  });

  it('refuses a notice of zero or fractional days', () => {
    expect(() => noticeEndsAt(new Date(), 0)).toThrow(RangeError);
    expect(() => noticeEndsAt(new Date(), 1.5)).toThrow(RangeError);
  });
});
