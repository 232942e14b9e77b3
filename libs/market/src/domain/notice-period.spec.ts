import { LocalDate } from '@zjp/core';
import { type CalendarDayKind, isWeekday, noticeEndsAt, noticePeriod, WorkingDayCalendar } from './notice-period';

/** The State Council's published schedules (国办发明电) for the weeks under test, as the platform stores them. */
const SCHEDULES: Record<number, [string, CalendarDayKind][]> = {
  2025: [
    ['2025-09-28', 'workday'], // Sunday, made up for National Day
    ...['01', '02', '03', '04', '05', '06', '07', '08'].map((d): [string, CalendarDayKind] => [`2025-10-${d}`, 'holiday']),
    ['2025-10-11', 'workday'], // Saturday, made up
  ],
  2026: [
    ['2026-02-14', 'workday'], // Saturday before Spring Festival
    ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d): [string, CalendarDayKind] => [`2026-02-${d}`, 'holiday']),
    ['2026-02-28', 'workday'], // Saturday after
    ['2026-09-20', 'workday'],
    ...['01', '02', '03', '04', '05', '06', '07'].map((d): [string, CalendarDayKind] => [`2026-10-${d}`, 'holiday']),
    ['2026-10-10', 'workday'],
  ],
};
const official = new WorkingDayCalendar(new Set([2025, 2026]), new Map(Object.values(SCHEDULES).flat()));
const shanghaiNoon = (date: string) => new Date(`${date}T04:00:00Z`);
/** The last working day counted, as a Shanghai date. */
const lastDay = (listed: string, days: number, calendar = official) => noticePeriod(shanghaiNoon(listed), days, calendar).lastDay.toString();

describe('the public notice period of a fixed-price listing', () => {
  it.each([
    ['2026-11-23', true], // Monday
    ['2026-11-27', true], // Friday
    ['2026-11-28', false], // Saturday
    ['2026-11-29', false], // Sunday
  ])('counts Monday to Friday where the schedule changes nothing: %s is a working day: %s', (date, expected) => {
    expect(isWeekday(LocalDate.parse(date))).toBe(expected);
    expect(official.isWorkingDay(LocalDate.parse(date))).toBe(expected);
  });

  it.each([
    // listed (UTC instant)          days  ends (UTC instant = Shanghai midnight after the last working day)
    ['2026-11-23T02:00:00Z', 1, '2026-11-24T16:00:00.000Z'], // Mon → Tue counts → ends Wed 00:00 Shanghai
    ['2026-11-27T02:00:00Z', 1, '2026-11-30T16:00:00.000Z'], // Fri → the weekend is skipped → Mon counts
    ['2026-11-23T02:00:00Z', 10, '2026-12-07T16:00:00.000Z'], // 10 working days from Monday: ends after Mon 7 Dec
    ['2026-11-22T17:00:00Z', 1, '2026-11-24T16:00:00.000Z'], // Sun 17:00 UTC is already Monday in Shanghai
  ])('a listing at %s with %i working days of notice ends at %s', (listedAt, days, ends) => {
    expect(noticeEndsAt(new Date(listedAt), days, official).toISOString()).toBe(ends);
  });

  it('skips the 2025 National Day holidays and counts the make-up Sunday and Saturday', () => {
    // Friday 26 Sep: Sun 28 (made up), Mon 29, Tue 30, [1–8 Oct off], Thu 9, Fri 10, Sat 11 (made up), Mon 13 … Thu 16.
    expect(lastDay('2025-09-26', 10)).toBe('2025-10-16');
    expect(lastDay('2025-09-26', 3)).toBe('2025-09-30');
    expect(lastDay('2025-09-26', 4)).toBe('2025-10-09');
    expect(lastDay('2025-10-10', 1)).toBe('2025-10-11');
  });

  it('skips the 2026 Spring Festival week and counts Saturdays 14 and 28 February', () => {
    expect(lastDay('2026-02-13', 1)).toBe('2026-02-14');
    expect(lastDay('2026-02-13', 2)).toBe('2026-02-24');
    expect(lastDay('2026-02-13', 6)).toBe('2026-02-28');
    expect(lastDay('2026-02-13', 10)).toBe('2026-03-05');
  });

  it('skips the 2026 National Day week and counts the make-up days', () => {
    expect(lastDay('2026-09-18', 1)).toBe('2026-09-20'); // Sunday 20 Sep is a working day
    expect(lastDay('2026-09-30', 1)).toBe('2026-10-08');
    expect(lastDay('2026-09-30', 3)).toBe('2026-10-10'); // Saturday 10 Oct is a working day
  });

  it('counts a year with no schedule Monday to Friday and reports it as provisional', () => {
    const p = noticePeriod(shanghaiNoon('2026-12-21'), 10, official);
    expect(p.lastDay.toString()).toBe('2027-01-04');
    expect(p.provisionalYears).toEqual([2027]);
    expect(noticePeriod(shanghaiNoon('2026-12-01'), 10, official).provisionalYears).toEqual([]);
  });

  it('refuses a notice of zero or fractional days', () => {
    expect(() => noticeEndsAt(new Date(), 0, official)).toThrow(RangeError);
    expect(() => noticeEndsAt(new Date(), 1.5, official)).toThrow(RangeError);
  });
});
