import { Inject, Injectable } from '@nestjs/common';
import { type Clock, CLOCK, type FieldError, LocalDate, NotFoundError, shanghaiDate, ValidationError } from '@zjp/core';
import { type Queryable, recordAudit, TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { isWeekday, type NoticePeriod, noticePeriod, WorkingDayCalendar } from '../domain';
import { calendarYearDays, listCalendarYears, loadCalendar, lockProvisionalNotices, replaceCalendarYear, setListingNotice } from './calendar.repository';
import type { CalendarDayDto, CalendarYearDetailDto, CalendarYearDto, CalendarYearsDto, LoadCalendarYearDto, LoadedCalendarYearDto } from './dto/calendar.dto';

/**
 * The official working-day calendar: what notice periods count by. A notice is at most 60 working
 * days, so the year it starts and the next one are all a count can reach.
 */
@Injectable()
export class CalendarService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async calendar(m: Queryable, fromYear: number, toYear: number): Promise<WorkingDayCalendar> {
    const data = await loadCalendar(m, fromYear, toYear);
    return new WorkingDayCalendar(new Set(data.years), new Map(data.exceptions.map((e) => [e.day, e.kind])));
  }

  /** The notice period of a listing made at `listedAt`, by the calendar as loaded now. */
  async noticePeriod(m: Queryable, listedAt: Date, workingDays: number): Promise<NoticePeriod> {
    const year = shanghaiDate(listedAt).year;
    return noticePeriod(listedAt, workingDays, await this.calendar(m, year, year + 1));
  }

  async years(): Promise<CalendarYearsDto> {
    const years = await listCalendarYears(this.db);
    const thisYear = shanghaiDate(this.clock.now()).year;
    const loaded = new Set(years.map((y) => y.year));
    return { years: years.map(toYearDto), missingYears: [thisYear, thisYear + 1].filter((y) => !loaded.has(y)) };
  }

  async year(year: number): Promise<CalendarYearDetailDto> {
    const row = (await listCalendarYears(this.db)).find((y) => y.year === year);
    if (!row) throw new NotFoundError('CALENDAR_YEAR_NOT_LOADED', `No working-day schedule is loaded for ${year}`);
    const days = await calendarYearDays(this.db, year);
    return { ...toYearDto(row), days: days.map((d) => ({ date: d.day, kind: d.kind, name: d.name })) };
  }

  /**
   * Loads (or replaces) a year's schedule, then recounts the open listings whose notice end was
   * provisional, in the same transaction, so no listing keeps a Monday–Friday end once the real
   * schedule is known.
   */
  async loadYear(actor: Principal, year: number, dto: LoadCalendarYearDto): Promise<LoadedCalendarYearDto> {
    const errors = checkSchedule(year, dto.days);
    if (errors.length > 0) throw new ValidationError(errors);
    const now = this.clock.now();
    return this.tx.run(async (m) => {
      await replaceCalendarYear(
        m,
        year,
        dto.source,
        now,
        actor.userId,
        dto.days.map((d) => ({ day: d.date, kind: d.kind, name: d.name })),
      );
      let recounted = 0;
      for (const listing of await lockProvisionalNotices(m)) {
        const period = await this.noticePeriod(m, listing.createdAt, listing.noticeDays);
        await setListingNotice(m, listing.id, period.endsAt, period.provisionalYears.length > 0, now);
        recounted++;
      }
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'calendar.year_loaded',
        subjectType: 'calendar_year',
        subjectId: String(year),
        occurredAt: now,
        data: { year, source: dto.source, days: dto.days.length, recountedListings: recounted },
      });
      return {
        year,
        holidays: dto.days.filter((d) => d.kind === 'holiday').length,
        workdays: dto.days.filter((d) => d.kind === 'workday').length,
        recountedListings: recounted,
      };
    });
  }
}

function toYearDto(y: { year: number; source: string; loadedAt: Date; loadedBy: string | null; holidays: number; workdays: number }): CalendarYearDto {
  return { year: y.year, source: y.source, loadedAt: y.loadedAt.toISOString(), loadedBy: y.loadedBy, holidays: y.holidays, workdays: y.workdays };
}

/** A schedule's days: in the year, each once, make-up working days on weekends only, at least one holiday. */
export function checkSchedule(year: number, days: readonly CalendarDayDto[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  days.forEach((d, i) => {
    const field = `days[${i}].date`;
    const date = LocalDate.parse(d.date);
    if (date.year !== year) errors.push({ field, code: 'otherYear', message: `${d.date} is not in ${year}` });
    else if (seen.has(d.date)) errors.push({ field, code: 'duplicate', message: `${d.date} is listed twice` });
    else if (d.kind === 'workday' && isWeekday(date))
      errors.push({ field, code: 'workdayOnWeekday', message: `${d.date} is a weekday: a make-up working day (调休上班) is a Saturday or Sunday` });
    seen.add(d.date);
  });
  if (!days.some((d) => d.kind === 'holiday')) errors.push({ field: 'days', code: 'noHolidays', message: 'a schedule names its public holidays' });
  return errors;
}
