import { LocalDate, shanghaiDate, startOfShanghaiDay } from '@zjp/core';

/** How the State Council's schedule marks a day that differs from Monday–Friday: a holiday (休) or a make-up working day (调休上班). */
export type CalendarDayKind = 'holiday' | 'workday';

export function isWeekday(date: LocalDate): boolean {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The official working-day calendar (法定节假日与调休), as data: the years whose schedule is loaded
 * and the days of those years that differ from Monday–Friday. A day of a year with no schedule
 * loaded is counted Monday–Friday, and the year is reported (`provisionalYears`), never silently.
 */
export class WorkingDayCalendar {
  constructor(
    private readonly loadedYears: ReadonlySet<number>,
    private readonly exceptions: ReadonlyMap<string, CalendarDayKind>,
  ) {}

  isLoaded(year: number): boolean {
    return this.loadedYears.has(year);
  }

  isWorkingDay(date: LocalDate): boolean {
    const kind = this.exceptions.get(date.toString());
    if (kind) return kind === 'workday';
    return isWeekday(date);
  }
}

export interface NoticePeriod {
  /** The instant the notice ends: midnight (Asia/Shanghai) starting the day after its last working day. */
  endsAt: Date;
  /** The last working day counted. */
  lastDay: LocalDate;
  /** Years the period crossed with no schedule loaded (counted Monday–Friday): the end is provisional until they are. */
  provisionalYears: number[];
}

/**
 * 挂牌公示期: a notice of N working days runs from the day after the listing (the start day is not
 * counted, as in the Civil Code) and ends at the end of its last working day, Asia/Shanghai time,
 * counting working days by the official calendar (holidays skipped, make-up Saturdays counted).
 */
export function noticePeriod(listedAt: Date, workingDays: number, calendar: WorkingDayCalendar): NoticePeriod {
  if (!Number.isInteger(workingDays) || workingDays < 1) throw new RangeError('workingDays must be a positive integer');
  let day = shanghaiDate(listedAt);
  let counted = 0;
  const provisional = new Set<number>();
  while (counted < workingDays) {
    day = day.plusDays(1);
    if (!calendar.isLoaded(day.year)) provisional.add(day.year);
    if (calendar.isWorkingDay(day)) counted++;
  }
  return { endsAt: startOfShanghaiDay(day.plusDays(1)), lastDay: day, provisionalYears: [...provisional].sort() };
}

/** The instant a notice of N working days from `listedAt` ends (see noticePeriod). */
export function noticeEndsAt(listedAt: Date, workingDays: number, calendar: WorkingDayCalendar): Date {
  return noticePeriod(listedAt, workingDays, calendar).endsAt;
}
