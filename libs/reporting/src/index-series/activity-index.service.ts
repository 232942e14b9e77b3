import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock, LocalDate, shanghaiDate, ValidationError } from '@zjp/core';
import { DataSource } from 'typeorm';
import { activityIndex, type ComponentSums, DEFAULT_BASE_DATE, INDEX_WEIGHTS } from '../domain/activity-index';
import { formatHundredths } from '../domain/figures';
import type { ActivityComponentsDto, ActivityIndexDto, ActivityIndexQuery } from '../dto/activity-index.dto';
import { fieldRegionPairs, type TrailingRow, trailingSums, upsertIndex } from '../reports.repository';

const MAX_DAYS = 400;

const sumsOf = (r: TrailingRow): ComponentSums => ({
  listings: BigInt(r.listings),
  bidders: BigInt(r.bidders),
  bids: BigInt(r.bids),
  deals: BigInt(r.deals),
  valueFen: BigInt(r.valueFen),
});

const componentsOf = (r: TrailingRow): ActivityComponentsDto => ({
  listings: Number(r.listings),
  bidders: Number(r.bidders),
  bids: Number(r.bids),
  deals: Number(r.deals),
  valueFen: r.valueFen,
});

/** A region code as the prefix of the codes within it: 330000 → 33, 330100 → 3301, 330106 → 330106. */
export function regionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** The 技术交易活跃指数 from the daily facts (domain/activity-index.ts has the rule). */
@Injectable()
export class ActivityIndexService {
  constructor(
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async series(q: ActivityIndexQuery): Promise<ActivityIndexDto> {
    const from = LocalDate.parse(q.from);
    const to = LocalDate.parse(q.to);
    if (to.isBefore(from)) throw new ValidationError([{ field: 'to', code: 'beforeFrom', message: 'to cannot be before from' }]);
    if (!from.plusDays(MAX_DAYS).isAfter(to)) throw new ValidationError([{ field: 'to', code: 'rangeTooLong', message: `at most ${MAX_DAYS} days` }]);
    const baseDate = q.base ?? DEFAULT_BASE_DATE;
    const field = q.field ?? null;
    const prefix = q.region ? regionPrefix(q.region) : null;
    const [baseRow] = await trailingSums(this.db, baseDate, baseDate, field, prefix);
    const base = sumsOf(baseRow);
    const rows = await trailingSums(this.db, q.from, q.to, field, prefix);
    return {
      baseDate,
      base: componentsOf(baseRow),
      weights: { ...INDEX_WEIGHTS },
      field,
      region: q.region ?? null,
      series: rows.map((r) => {
        const index = activityIndex(sumsOf(r), base);
        return { date: r.day, index: index === null ? null : formatHundredths(index), components: componentsOf(r) };
      }),
    };
  }

  /**
   * The worker's daily record: the index of `day` (default yesterday, Beijing) overall ('*', '*'),
   * per field, per city, and per field and city, against the default base day.
   */
  async recordDay(day?: string): Promise<{ day: string; rows: number }> {
    const d = day ?? shanghaiDate(this.clock.now()).plusDays(-1).toString();
    const pairs = await fieldRegionPairs(this.db, d);
    const keys = new Set<string>(['*|*']);
    for (const p of pairs) {
      keys.add(`${p.field}|*`);
      keys.add(`*|${p.region}`);
      keys.add(`${p.field}|${p.region}`);
    }
    const at = this.clock.now();
    for (const key of keys) {
      const [f, r] = key.split('|');
      const field = f === '*' ? null : f;
      const prefix = r === '*' ? null : regionPrefix(r);
      const [baseRow] = await trailingSums(this.db, DEFAULT_BASE_DATE, DEFAULT_BASE_DATE, field, prefix);
      const [row] = await trailingSums(this.db, d, d, field, prefix);
      const index = activityIndex(sumsOf(row), sumsOf(baseRow));
      await upsertIndex(this.db, {
        day: d,
        field: f,
        region: r,
        baseDate: DEFAULT_BASE_DATE,
        index: index === null ? null : formatHundredths(index),
        sums: row,
        at,
      });
    }
    return { day: d, rows: keys.size };
  }
}
