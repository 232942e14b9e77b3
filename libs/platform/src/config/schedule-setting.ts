import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

/**
 * When a repeating worker job runs (README "Scheduled jobs"): `off`, `every <n>s|m|h`, or a
 * five-field cron pattern read in Asia/Shanghai time (e.g. `10 0 * * *`: 00:10 Beijing time).
 */
export type ScheduleSetting = { kind: 'off' } | { kind: 'every'; ms: number } | { kind: 'cron'; pattern: string };

export const SCHEDULE_TIME_ZONE = 'Asia/Shanghai';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Parses a schedule; undefined when it is not one. */
export function parseSchedule(value: string): ScheduleSetting | undefined {
  const text = value.trim();
  if (text === 'off') return { kind: 'off' };
  const every = /^every\s+([1-9]\d{0,5})\s*([smh])$/.exec(text);
  if (every) {
    const ms = Number(every[1]) * UNIT_MS[every[2] as keyof typeof UNIT_MS];
    return ms >= 1_000 && ms <= 7 * 86_400_000 ? { kind: 'every', ms } : undefined;
  }
  if (text.split(/\s+/).length !== 5) return undefined;
  try {
    CronExpressionParser.parse(text, { tz: SCHEDULE_TIME_ZONE });
    return { kind: 'cron', pattern: text.replace(/\s+/g, ' ') };
  } catch {
    return undefined;
  }
}

export const schedule = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx): ScheduleSetting => {
      const parsed = parseSchedule(v);
      if (parsed) return parsed;
      ctx.addIssue({ code: 'custom', message: 'must be off, every <n>s|m|h (1 s to 7 days), or a five-field cron pattern (Asia/Shanghai time)' });
      return z.NEVER;
    });
