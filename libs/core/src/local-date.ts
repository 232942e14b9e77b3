import type { Clock } from './clock';
import { DomainError } from './errors';

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function invalidDate(what: string): DomainError {
  return new DomainError('INVALID_DATE', `Not a calendar date: ${what}`, { kind: 'validation' });
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// setUTCFullYear rather than Date.UTC, which maps years 0–99 to 1900–1999.
function utcMidnightMs(year: number, month: number, day: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  return t.getTime();
}

function fromUtcMs(ms: number): LocalDate {
  const t = new Date(ms);
  return LocalDate.of(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

function requireInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer, got ${n}`);
}

/** A calendar date without time or zone; business dates are Asia/Shanghai dates (GLOSSARY). */
export class LocalDate {
  private constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {
    Object.freeze(this);
  }

  /** Years 1–9999, so that every date has a four-digit ISO form. */
  static of(year: number, month: number, day: number): LocalDate {
    const valid =
      Number.isInteger(year) &&
      Number.isInteger(month) &&
      Number.isInteger(day) &&
      year >= 1 &&
      year <= 9999 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysInMonth(year, month);
    if (!valid) throw invalidDate(`${year}-${month}-${day}`);
    return new LocalDate(year, month, day);
  }

  /** Strict "YYYY-MM-DD" only: no time part, no zone, no other separators. */
  static parse(iso: string): LocalDate {
    const match = typeof iso === 'string' ? ISO_DATE.exec(iso) : null;
    if (!match) throw invalidDate(`"${String(iso)}"`);
    return LocalDate.of(Number(match[1]), Number(match[2]), Number(match[3]));
  }

  static isLeapYear(year: number): boolean {
    return isLeapYear(year);
  }

  static daysInMonth(year: number, month: number): number {
    return daysInMonth(year, month);
  }

  compare(other: LocalDate): -1 | 0 | 1 {
    const a = this.year * 10_000 + this.month * 100 + this.day;
    const b = other.year * 10_000 + other.month * 100 + other.day;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(other: LocalDate): boolean {
    return this.compare(other) === 0;
  }

  isBefore(other: LocalDate): boolean {
    return this.compare(other) < 0;
  }

  isAfter(other: LocalDate): boolean {
    return this.compare(other) > 0;
  }

  plusDays(days: number): LocalDate {
    requireInteger(days, 'plusDays');
    return fromUtcMs(utcMidnightMs(this.year, this.month, this.day) + days * MS_PER_DAY);
  }

  /** Same day-of-month n months on, or that month's last day where the day does not exist. */
  plusMonths(months: number): LocalDate {
    requireInteger(months, 'plusMonths');
    const index = this.year * 12 + (this.month - 1) + months;
    const year = Math.floor(index / 12);
    const month = (index % 12) + 1;
    return LocalDate.of(year, month, Math.min(this.day, daysInMonth(year, month)));
  }

  plusYears(years: number): LocalDate {
    requireInteger(years, 'plusYears');
    return this.plusMonths(years * 12);
  }

  toString(): string {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    return `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/**
 * Asia/Shanghai is UTC+8 all year: China has observed no daylight saving time since 1991 (it
 * did in 1986–1991). A fixed offset is therefore exact for every instant this platform records,
 * and it does not depend on the runtime's ICU time-zone data, which slim images may lack.
 * Instants in the summers of 1986–1991 would come out one hour off; we have none.
 */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The calendar date in Shanghai at the given instant. */
export function shanghaiDate(instant: Date): LocalDate {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('shanghaiDate: invalid Date');
  return fromUtcMs(ms + SHANGHAI_OFFSET_MS);
}

/** The instant at which the given date begins in Shanghai (16:00 UTC the day before). */
export function startOfShanghaiDay(date: LocalDate): Date {
  return new Date(utcMidnightMs(date.year, date.month, date.day) - SHANGHAI_OFFSET_MS);
}

export function todayInShanghai(clock: Clock): LocalDate {
  return shanghaiDate(clock.now());
}
