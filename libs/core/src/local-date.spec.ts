import { FixedClock } from './clock';
import { LocalDate, shanghaiDate, startOfShanghaiDay, todayInShanghai } from './local-date';

const d = LocalDate.parse;

describe('LocalDate', () => {
  it.each([['2024-02-29'], ['2000-02-29'], ['2023-01-31'], ['2023-04-30'], ['2023-12-31'], ['0001-01-01'], ['9999-12-31'], ['0099-06-15']])(
    'accepts the real date %s and writes it back unchanged',
    (iso) => {
      expect(d(iso).toString()).toBe(iso);
    },
  );

  it.each([
    ['2023-02-29', 'not a leap year'],
    ['1900-02-29', 'century not divisible by 400'],
    ['2024-02-30', 'February never has 30 days'],
    ['2023-04-31', 'April has 30 days'],
    ['2023-13-01', 'no month 13'],
    ['2023-00-10', 'no month 0'],
    ['2023-01-00', 'no day 0'],
    ['2023-01-32', 'no day 32'],
    ['0000-01-01', 'no year 0'],
    ['2023-1-5', 'unpadded'],
    ['2023/01/05', 'wrong separator'],
    ['20230105', 'basic format'],
    ['2023-01-05T00:00:00Z', 'a time part'],
    [' 2023-01-05', 'whitespace'],
    ['', 'empty'],
  ])('rejects %s (%s) with INVALID_DATE', (iso) => {
    expect(() => d(iso)).toThrow(expect.objectContaining({ code: 'INVALID_DATE', kind: 'validation' }));
  });

  it.each`
    year          | month  | day
    ${2023}       | ${2}   | ${29}
    ${2023}       | ${1.5} | ${1}
    ${Number.NaN} | ${1}   | ${1}
    ${10000}      | ${1}   | ${1}
  `('refuses LocalDate.of($year, $month, $day)', ({ year, month, day }) => {
    expect(() => LocalDate.of(year, month, day)).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
  });

  it.each`
    year    | leap
    ${2024} | ${true}
    ${2023} | ${false}
    ${2000} | ${true}
    ${1900} | ${false}
    ${2100} | ${false}
  `('knows that $year leap=$leap', ({ year, leap }) => {
    expect(LocalDate.isLeapYear(year)).toBe(leap);
    expect(LocalDate.daysInMonth(year, 2)).toBe(leap ? 29 : 28);
  });

  it.each`
    a               | b               | expected
    ${'2024-01-01'} | ${'2024-01-02'} | ${-1}
    ${'2024-01-02'} | ${'2024-01-02'} | ${0}
    ${'2024-02-01'} | ${'2024-01-31'} | ${1}
    ${'2023-12-31'} | ${'2024-01-01'} | ${-1}
  `('compares $a with $b as $expected', ({ a, b, expected }) => {
    expect(d(a).compare(d(b))).toBe(expected);
    expect(d(a).equals(d(b))).toBe(expected === 0);
    expect(d(a).isBefore(d(b))).toBe(expected < 0);
    expect(d(a).isAfter(d(b))).toBe(expected > 0);
  });

  it.each`
    from            | days   | to
    ${'2024-02-28'} | ${1}   | ${'2024-02-29'}
    ${'2023-02-28'} | ${1}   | ${'2023-03-01'}
    ${'2024-02-29'} | ${1}   | ${'2024-03-01'}
    ${'2023-12-31'} | ${1}   | ${'2024-01-01'}
    ${'2024-01-01'} | ${-1}  | ${'2023-12-31'}
    ${'2024-03-01'} | ${-1}  | ${'2024-02-29'}
    ${'2024-01-01'} | ${366} | ${'2025-01-01'}
    ${'2024-01-01'} | ${0}   | ${'2024-01-01'}
    ${'2026-03-28'} | ${2}   | ${'2026-03-30'}
    ${'0099-12-31'} | ${1}   | ${'0100-01-01'}
  `('adds $days days to $from giving $to', ({ from, days, to }) => {
    expect(d(from).plusDays(days).toString()).toBe(to);
  });

  it.each`
    from            | months | to
    ${'2023-01-31'} | ${1}   | ${'2023-02-28'}
    ${'2024-01-31'} | ${1}   | ${'2024-02-29'}
    ${'2023-03-31'} | ${1}   | ${'2023-04-30'}
    ${'2023-11-15'} | ${2}   | ${'2024-01-15'}
    ${'2024-03-31'} | ${-1}  | ${'2024-02-29'}
    ${'2024-01-15'} | ${-13} | ${'2022-12-15'}
    ${'2023-02-28'} | ${1}   | ${'2023-03-28'}
  `('adds $months months to $from giving $to', ({ from, months, to }) => {
    expect(d(from).plusMonths(months).toString()).toBe(to);
  });

  it.each([[1.5], [Number.NaN]])('refuses a fractional or NaN count of days: %p', (days) => {
    expect(() => d('2024-01-01').plusDays(days)).toThrow(RangeError);
  });

  it('serialises to JSON as its ISO string', () => {
    expect(JSON.stringify({ on: d('2024-02-29') })).toBe('{"on":"2024-02-29"}');
  });

  it('is immutable', () => {
    const date = d('2024-02-29');
    date.plusDays(1);
    expect(date.toString()).toBe('2024-02-29');
    expect(Object.isFrozen(date)).toBe(true);
  });
});

describe('shanghaiDate', () => {
  it.each`
    instant                       | date
    ${'2026-01-01T15:59:59.999Z'} | ${'2026-01-01'}
    ${'2026-01-01T16:00:00.000Z'} | ${'2026-01-02'}
    ${'2026-01-01T16:30:00.000Z'} | ${'2026-01-02'}
    ${'2026-01-01T00:00:00.000Z'} | ${'2026-01-01'}
    ${'2025-12-31T23:59:59.000Z'} | ${'2026-01-01'}
    ${'2024-02-28T16:00:00.000Z'} | ${'2024-02-29'}
    ${'2026-07-01T15:59:59.999Z'} | ${'2026-07-01'}
    ${'2026-07-01T16:00:00.000Z'} | ${'2026-07-02'}
  `('puts the instant $instant on $date in Shanghai', ({ instant, date }) => {
    expect(shanghaiDate(new Date(instant)).toString()).toBe(date);
  });

  it('agrees with the runtime time-zone database since 1992, winter and summer', () => {
    const format = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });
    for (let ms = Date.UTC(1992, 0, 1, 15, 30); ms < Date.UTC(2040, 0, 1); ms += 37 * 86_400_000 + 3_600_000) {
      const instant = new Date(ms);
      expect(shanghaiDate(instant).toString()).toBe(format.format(instant));
    }
  });

  it('refuses an invalid Date', () => {
    expect(() => shanghaiDate(new Date('nope'))).toThrow(RangeError);
  });

  it("reads today's date from a clock", () => {
    expect(todayInShanghai(new FixedClock('2026-01-01T16:30:00Z')).toString()).toBe('2026-01-02');
  });
});

describe('startOfShanghaiDay', () => {
  it.each`
    date            | instant
    ${'2026-01-02'} | ${'2026-01-01T16:00:00.000Z'}
    ${'2024-03-01'} | ${'2024-02-29T16:00:00.000Z'}
    ${'2026-07-01'} | ${'2026-06-30T16:00:00.000Z'}
  `('starts $date at $instant', ({ date, instant }) => {
    expect(startOfShanghaiDay(d(date)).toISOString()).toBe(instant);
  });

  it('is the first instant whose Shanghai date is that date', () => {
    const start = startOfShanghaiDay(d('2026-01-02'));
    expect(shanghaiDate(start).toString()).toBe('2026-01-02');
    expect(shanghaiDate(new Date(start.getTime() - 1)).toString()).toBe('2026-01-01');
  });
});
