import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The official working-day calendar (the market's: notice periods count working days). One row
 * per loaded year (where its schedule came from) and one per day that differs from
 * Monday–Friday: a holiday or a make-up working day (调休). Seeded from the `chinese-days`
 * package, which ships the State Council's published schedules; the platform administrator loads
 * the next year's when it is announced (PUT /calendar/years/:year).
 */
export class WorkingDayCalendar1764000019000 implements MigrationInterface {
  name = 'WorkingDayCalendar1764000019000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_years (
        year int PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
        source text NOT NULL,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        loaded_by uuid REFERENCES users (id)
      )`);
    await q.query(`
      CREATE TABLE calendar_days (
        day date PRIMARY KEY,
        year int NOT NULL REFERENCES calendar_years (year) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
        name text NOT NULL,
        CHECK (extract(year FROM day) = year)
      )`);
    // A notice whose period crossed a year with no schedule loaded was counted Monday–Friday there:
    // marked so, shown to users, and recounted when the year is loaded.
    await q.query(`ALTER TABLE listings ADD COLUMN notice_provisional boolean NOT NULL DEFAULT false`);
    const dir = join(dirname(require.resolve('chinese-days/package.json')), 'dist', 'years');
    const version = (JSON.parse(readFileSync(join(dirname(dir), '..', 'package.json'), 'utf8')) as { version: string }).version;
    for (const file of readdirSync(dir)
      .filter((f) => /^\d{4}\.json$/.test(f))
      .sort()) {
      const year = Number(file.slice(0, 4));
      const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { holidays: Record<string, string>; workdays: Record<string, string> };
      await q.query(`INSERT INTO calendar_years (year, source) VALUES ($1, $2)`, [year, `chinese-days ${version} (国务院办公厅节假日安排)`]);
      const days = [
        ...Object.entries(data.holidays).map(([day, label]) => [day, 'holiday', label.split(',')[1] ?? label]),
        ...Object.entries(data.workdays).map(([day, label]) => [day, 'workday', label.split(',')[1] ?? label]),
      ];
      if (days.length === 0) continue;
      await q.query(
        `INSERT INTO calendar_days (day, year, kind, name) SELECT d::date, $1, k, n FROM unnest($2::text[], $3::text[], $4::text[]) AS t(d, k, n)`,
        [year, days.map((d) => d[0]), days.map((d) => d[1]), days.map((d) => d[2])],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE listings DROP COLUMN notice_provisional`);
    await q.query(`DROP TABLE calendar_days`);
    await q.query(`DROP TABLE calendar_years`);
  }
}
