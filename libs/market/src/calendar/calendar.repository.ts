import { queries, type Queryable } from '@zjp/database';
import type { CalendarDayKind } from '../domain';

/** The working-day calendar: loaded years and the days that differ from Monday–Friday; listings whose notice was counted provisionally. */
const SQL = queries(__filename, {
  loadedYears: `SELECT year FROM calendar_years WHERE year BETWEEN $1 AND $2`,
  exceptions: `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM calendar_days WHERE year BETWEEN $1 AND $2`,
  listYears: `
    SELECT y.year, y.source, y.loaded_at, y.loaded_by,
           count(d.day) FILTER (WHERE d.kind = 'holiday')::int AS holidays,
           count(d.day) FILTER (WHERE d.kind = 'workday')::int AS workdays
      FROM calendar_years y LEFT JOIN calendar_days d ON d.year = y.year
     GROUP BY y.year ORDER BY y.year`,
  yearDays: `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name FROM calendar_days WHERE year = $1 ORDER BY day`,
  upsertYear: `
    INSERT INTO calendar_years (year, source, loaded_at, loaded_by) VALUES ($1, $2, $3, $4)
    ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source, loaded_at = EXCLUDED.loaded_at, loaded_by = EXCLUDED.loaded_by`,
  deleteYearDays: `DELETE FROM calendar_days WHERE year = $1`,
  insertDays: `INSERT INTO calendar_days (day, year, kind, name) SELECT d::date, $1, k, n FROM unnest($2::text[], $3::text[], $4::text[]) AS t(d, k, n)`,
  provisionalNotices: `
    SELECT id, created_at, notice_days FROM listings
     WHERE notice_provisional AND concluded_at IS NULL AND notice_days IS NOT NULL
     ORDER BY created_at FOR UPDATE`,
  setNotice: `UPDATE listings SET notice_ends_at = $2, notice_provisional = $3, updated_at = $4 WHERE id = $1`,
});

export interface CalendarData {
  years: number[];
  exceptions: { day: string; kind: CalendarDayKind }[];
}

export interface CalendarYearRow {
  year: number;
  source: string;
  loadedAt: Date;
  loadedBy: string | null;
  holidays: number;
  workdays: number;
}

export interface CalendarDay {
  day: string;
  kind: CalendarDayKind;
  name: string;
}

export async function loadCalendar(m: Queryable, fromYear: number, toYear: number): Promise<CalendarData> {
  const years = (await m.query(SQL.loadedYears, [fromYear, toYear])) as { year: number }[];
  const exceptions = (await m.query(SQL.exceptions, [fromYear, toYear])) as { day: string; kind: CalendarDayKind }[];
  return { years: years.map((y) => y.year), exceptions };
}

export async function listCalendarYears(m: Queryable): Promise<CalendarYearRow[]> {
  const rows = (await m.query(SQL.listYears)) as {
    year: number;
    source: string;
    loaded_at: Date;
    loaded_by: string | null;
    holidays: number;
    workdays: number;
  }[];
  return rows.map((r) => ({ year: r.year, source: r.source, loadedAt: r.loaded_at, loadedBy: r.loaded_by, holidays: r.holidays, workdays: r.workdays }));
}

export async function calendarYearDays(m: Queryable, year: number): Promise<CalendarDay[]> {
  return (await m.query(SQL.yearDays, [year])) as CalendarDay[];
}

/** Replaces a year's schedule (all of it: a new announcement supersedes the old one). */
export async function replaceCalendarYear(
  m: Queryable,
  year: number,
  source: string,
  at: Date,
  by: string | null,
  days: readonly CalendarDay[],
): Promise<void> {
  await m.query(SQL.upsertYear, [year, source, at, by]);
  await m.query(SQL.deleteYearDays, [year]);
  if (days.length > 0) await m.query(SQL.insertDays, [year, days.map((d) => d.day), days.map((d) => d.kind), days.map((d) => d.name)]);
}

/** Open fixed-price listings whose notice end was counted with a year not loaded, locked for recounting. */
export async function lockProvisionalNotices(m: Queryable): Promise<{ id: string; createdAt: Date; noticeDays: number }[]> {
  const rows = (await m.query(SQL.provisionalNotices)) as { id: string; created_at: Date; notice_days: number }[];
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, noticeDays: r.notice_days }));
}

export async function setListingNotice(m: Queryable, listingId: string, endsAt: Date, provisional: boolean, at: Date): Promise<void> {
  await m.query(SQL.setNotice, [listingId, endsAt, provisional, at]);
}
