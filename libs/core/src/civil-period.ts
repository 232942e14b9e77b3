import type { LocalDate } from './local-date';

/*
 * Periods counted in years or months, per the PRC Civil Code (民法典):
 *  - art. 201: the start day is not counted; counting begins the next day;
 *  - art. 202: the period ends on the corresponding day of the final month, or on the last day
 *    of that month where it has no corresponding day.
 * GLOSSARY "Dates, money and time": "满2年" holds from the day after the period's last day.
 *
 * Art. 203 (a last day falling on a statutory holiday moves to the day after the holiday)
 * is deliberately not applied: it extends deadlines for performing an act, whereas these
 * functions date a status ("满N年"), and the GLOSSARY examples do not shift for holidays.
 */

function requirePositiveInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, got ${n}`);
}

/** Last day of a period of `years` years starting on `start`: 2023-05-10 + 2 → 2025-05-10. */
export function periodEnd(start: LocalDate, years: number): LocalDate {
  requirePositiveInteger(years, 'years');
  return start.plusYears(years);
}

/** Last day of a period of `months` months: 2023-01-31 + 1 → 2023-02-28 (art. 202, month end). */
export function periodEndMonths(start: LocalDate, months: number): LocalDate {
  requirePositiveInteger(months, 'months');
  return start.plusMonths(months);
}

/** First date on which "满N年" holds: the day after the period ends. 2024-02-29 + 2 → 2026-03-01. */
export function fullYearsReachedOn(start: LocalDate, years: number): LocalDate {
  return periodEnd(start, years).plusDays(1);
}

/**
 * How many full years have been completed by `onDate`: the largest N with
 * fullYearsReachedOn(start, N) <= onDate, or 0 if not even one year.
 */
export function fullYearsElapsed(start: LocalDate, onDate: LocalDate): number {
  // N cannot exceed the difference in calendar years (that period would end in a later year),
  // and is at most one below it (N-1 years are full by 1 January of onDate's year at the latest).
  let years = onDate.year - start.year;
  while (years > 0 && fullYearsReachedOn(start, years).isAfter(onDate)) years -= 1;
  return Math.max(years, 0);
}
