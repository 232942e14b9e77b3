import { fullYearsElapsed, fullYearsReachedOn, periodEnd, periodEndMonths } from './civil-period';
import { LocalDate } from './local-date';

const d = LocalDate.parse;

describe('periodEnd (Civil Code arts. 201–202, years)', () => {
  it.each`
    start           | years | end             | behaviour
    ${'2023-05-10'} | ${2}  | ${'2025-05-10'} | ${'ends a 2-year period on the corresponding day (GLOSSARY example)'}
    ${'2024-02-29'} | ${2}  | ${'2026-02-28'} | ${'ends a 2-year period from a leap day on 28 February (GLOSSARY example)'}
    ${'2024-02-29'} | ${1}  | ${'2025-02-28'} | ${'ends a 1-year period from a leap day on 28 February'}
    ${'2024-02-29'} | ${4}  | ${'2028-02-29'} | ${'ends a 4-year period from a leap day on the next leap day'}
    ${'2023-02-28'} | ${1}  | ${'2024-02-28'} | ${'keeps 28 February when the final year is a leap year'}
    ${'2023-03-01'} | ${3}  | ${'2026-03-01'} | ${'ends a 3-year period on the corresponding day'}
    ${'2023-12-31'} | ${1}  | ${'2024-12-31'} | ${'ends a period started on 31 December on 31 December'}
    ${'2023-01-01'} | ${3}  | ${'2026-01-01'} | ${'ends a period started on 1 January on 1 January'}
  `('$behaviour: $start + $years y → $end', ({ start, years, end }) => {
    expect(periodEnd(d(start), years).toString()).toBe(end);
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])('refuses a period of %p years', (years) => {
    expect(() => periodEnd(d('2023-05-10'), years)).toThrow(RangeError);
  });
});

describe('periodEndMonths (Civil Code art. 202, months)', () => {
  it.each`
    start           | months | end             | behaviour
    ${'2023-01-31'} | ${1}   | ${'2023-02-28'} | ${'ends on the last day of February when the 31st does not exist'}
    ${'2024-01-31'} | ${1}   | ${'2024-02-29'} | ${'ends on 29 February in a leap year'}
    ${'2023-03-31'} | ${1}   | ${'2023-04-30'} | ${'ends on 30 April for a period from 31 March'}
    ${'2023-08-31'} | ${6}   | ${'2024-02-29'} | ${'ends on the month end across a year boundary'}
    ${'2023-02-28'} | ${1}   | ${'2023-03-28'} | ${'ends on the corresponding day, not the month end, when that day exists'}
    ${'2023-05-10'} | ${3}   | ${'2023-08-10'} | ${'ends on the corresponding day'}
    ${'2023-11-30'} | ${3}   | ${'2024-02-29'} | ${'ends on 29 February for a period from 30 November'}
    ${'2023-05-10'} | ${24}  | ${'2025-05-10'} | ${'agrees with the years form for 24 months'}
  `('$behaviour: $start + $months m → $end', ({ start, months, end }) => {
    expect(periodEndMonths(d(start), months).toString()).toBe(end);
  });

  it.each([[0], [-3], [0.5]])('refuses a period of %p months', (months) => {
    expect(() => periodEndMonths(d('2023-05-10'), months)).toThrow(RangeError);
  });
});

describe('fullYearsReachedOn ("满N年" holds from the day after the period ends)', () => {
  it.each`
    start           | years | from            | behaviour
    ${'2023-05-10'} | ${2}  | ${'2025-05-11'} | ${'applies P-2Y from 11 May 2025 for a grant on 10 May 2023 (GLOSSARY example)'}
    ${'2024-02-29'} | ${2}  | ${'2026-03-01'} | ${'applies from 1 March for a grant on a leap day (GLOSSARY example)'}
    ${'2023-05-10'} | ${3}  | ${'2026-05-11'} | ${'applies P-3Y from the day after the 3-year period ends'}
    ${'2023-12-31'} | ${1}  | ${'2025-01-01'} | ${'rolls over into the next year for a start on 31 December'}
    ${'2024-02-29'} | ${4}  | ${'2028-03-01'} | ${'applies from 1 March after a period ending on a leap day'}
    ${'2022-02-28'} | ${2}  | ${'2024-02-29'} | ${'applies on a leap day when the period ends on 28 February'}
  `('$behaviour', ({ start, years, from }) => {
    expect(fullYearsReachedOn(d(start), years).toString()).toBe(from);
  });
});

describe('fullYearsElapsed', () => {
  it.each`
    start           | on              | years | behaviour
    ${'2023-05-10'} | ${'2025-05-10'} | ${1}  | ${'is not yet 2 full years on the day the 2-year period ends'}
    ${'2023-05-10'} | ${'2025-05-11'} | ${2}  | ${'is 2 full years on the day after the period ends'}
    ${'2023-05-10'} | ${'2024-05-10'} | ${0}  | ${'is 0 full years on the day the first year ends'}
    ${'2023-05-10'} | ${'2024-05-11'} | ${1}  | ${'is 1 full year on the day after the first year ends'}
    ${'2023-05-10'} | ${'2023-05-10'} | ${0}  | ${'is 0 on the start day'}
    ${'2023-05-10'} | ${'2023-05-11'} | ${0}  | ${'is 0 on the first counted day'}
    ${'2023-05-10'} | ${'2020-01-01'} | ${0}  | ${'is 0 before the start'}
    ${'2024-02-29'} | ${'2026-02-28'} | ${1}  | ${'is 1 on 28 February, the end of a 2-year period from a leap day'}
    ${'2024-02-29'} | ${'2026-03-01'} | ${2}  | ${'is 2 on 1 March after a 2-year period from a leap day'}
    ${'2024-02-29'} | ${'2028-02-29'} | ${3}  | ${'is 3 on the leap day that ends a 4-year period'}
    ${'2024-02-29'} | ${'2028-03-01'} | ${4}  | ${'is 4 on the day after a leap day ends a 4-year period'}
    ${'2023-12-31'} | ${'2024-12-31'} | ${0}  | ${'is 0 on 31 December, one year after a start on 31 December'}
    ${'2023-12-31'} | ${'2025-01-01'} | ${1}  | ${'is 1 on 1 January after a year that ended on 31 December'}
    ${'2023-12-31'} | ${'2026-01-01'} | ${2}  | ${'is 2 on 1 January two years after a start on 31 December'}
    ${'2023-01-01'} | ${'2025-12-31'} | ${2}  | ${'is 2 at the end of the third calendar year'}
    ${'2003-07-15'} | ${'2026-07-16'} | ${23} | ${'counts many years'}
  `('$behaviour ($start → $on: $years)', ({ start, on, years }) => {
    expect(fullYearsElapsed(d(start), d(on))).toBe(years);
  });

  it('agrees with fullYearsReachedOn around every boundary for a range of start dates', () => {
    for (let start = d('2023-01-01'); start.isBefore(d('2025-01-01')); start = start.plusDays(7)) {
      for (const n of [1, 2, 3]) {
        const reached = fullYearsReachedOn(start, n);
        expect(fullYearsElapsed(start, reached)).toBe(n);
        expect(fullYearsElapsed(start, reached.plusDays(-1))).toBe(n - 1);
      }
    }
  });
});
