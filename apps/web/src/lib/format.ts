/** Money is integer fen (as decimal strings from the API); times are shown in Beijing time whatever the browser's zone. */
export const BEIJING = 'Asia/Shanghai';

const grouping = new Intl.NumberFormat('en-US'); // thousands separators: 1,234,567

/** "1,234,567.80 元" from "123456780" fen; "—" for null. */
export function yuan(fen: string | bigint | null | undefined, unit = '元'): string {
  if (fen === null || fen === undefined || fen === '') return '—';
  const value = BigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = grouping.format(abs / 100n);
  const cents = abs % 100n;
  const text = cents === 0n ? whole : `${whole}.${cents.toString().padStart(2, '0')}`;
  return `${negative ? '-' : ''}${text} ${unit}`;
}

/** Parses what a user typed in 元 ("1,234.5") into fen, or null when it is not an amount with at most two decimals. */
export function fenFromYuan(input: string | number | null | undefined): bigint | null {
  if (input === null || input === undefined) return null;
  const text = String(input).replace(/[,\s，]/g, '');
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  return BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

/** A fen amount as a plain number of 元 for an input box (never used for arithmetic). */
export function yuanNumber(fen: string | bigint | null | undefined): number | null {
  if (fen === null || fen === undefined) return null;
  return Number(BigInt(fen)) / 100;
}

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: BEIJING,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const timeOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: BEIJING, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

function parts(format: Intl.DateTimeFormat, at: string | number | Date): Record<string, string> {
  return Object.fromEntries(format.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
}

/** "2026-12-06 10:30" in Beijing time. */
export function beijingDateTime(at: string | number | Date | null | undefined, withSeconds = false): string {
  if (at === null || at === undefined) return '—';
  const p = parts(dateTime, at);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${withSeconds ? `:${p.second}` : ''}`;
}

/** "10:30:05" in Beijing time. */
export function beijingTime(at: string | number | Date): string {
  const p = parts(timeOnly, at);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** A business date (YYYY-MM-DD, already a Beijing calendar date) as it is. */
export function businessDate(date: string | null | undefined): string {
  return date ?? '—';
}

/** "2天 03:04:05" / "03:04:05" for a duration in ms (never negative). */
export function countdown(ms: number, dayUnit: string): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const hms = [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
  return days > 0 ? `${days}${dayUnit} ${hms}` : hms;
}
