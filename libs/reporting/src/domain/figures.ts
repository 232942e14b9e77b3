import { roundHalfUp, ValidationError } from '@zjp/core';

/*
 * The report's rules as pure functions: periods, rates and changes (README "Market figures and
 * reports"). Every rate is exact integer arithmetic on counts and fen, rounded half-up to two
 * decimals of a percent.
 */

export type ReportKind = 'monthly' | 'quarterly' | 'annual';

export interface Period {
  kind: ReportKind;
  /** canonical label: 2026-11, 2026-Q3, 2026 */
  period: string;
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function monthsPeriod(kind: ReportKind, label: string, y: number, firstMonth: number, months: number): Period {
  const lastMonth = firstMonth + months - 1;
  return { kind, period: label, from: `${y}-${pad(firstMonth)}-01`, to: `${y}-${pad(lastMonth)}-${pad(lastDay(y, lastMonth))}` };
}

function make(kind: ReportKind, y: number, n: number): Period {
  if (kind === 'monthly') return monthsPeriod(kind, `${y}-${pad(n)}`, y, n, 1);
  if (kind === 'quarterly') return monthsPeriod(kind, `${y}-Q${n}`, y, 3 * n - 2, 3);
  return monthsPeriod(kind, String(y), y, 1, 12);
}

const FORMATS: Record<ReportKind, RegExp> = {
  monthly: /^(\d{4})-(0[1-9]|1[0-2])$/,
  quarterly: /^(\d{4})-Q([1-4])$/,
  annual: /^(\d{4})$/,
};

/** The period a label names; a label of another kind's shape or out of range is a 400 on `period`. */
export function parsePeriod(kind: ReportKind, label: string): Period {
  const m = FORMATS[kind].exec(label);
  const year = m ? Number(m[1]) : NaN;
  if (!m || year < 2000 || year > 2999) {
    const example = { monthly: '2026-11', quarterly: '2026-Q3', annual: '2026' }[kind];
    throw new ValidationError([{ field: 'period', code: 'invalidPeriod', message: `a ${kind} period looks like ${example}` }]);
  }
  return make(kind, year, kind === 'annual' ? 1 : Number(m[2]));
}

/** The period before (2026-01 → 2025-12, 2026-Q1 → 2025-Q4, 2026 → 2025). */
export function previousPeriod(p: Period): Period {
  const y = Number(p.period.slice(0, 4));
  if (p.kind === 'annual') return make('annual', y - 1, 1);
  const n = Number(p.kind === 'monthly' ? p.period.slice(5) : p.period.slice(6));
  const last = p.kind === 'monthly' ? 12 : 4;
  return n === 1 ? make(p.kind, y - 1, last) : make(p.kind, y, n - 1);
}

/** The same period a year before. */
export function yearAgoPeriod(p: Period): Period {
  const y = Number(p.period.slice(0, 4));
  return parsePeriod(p.kind, `${y - 1}${p.period.slice(4)}`);
}

/** The reports due on a Beijing date: the month before, the quarter and the year just ended. */
export function periodsDueOn(today: string): Period[] {
  const [y, m] = today.split('-').map(Number);
  const prevMonth = m === 1 ? { y: y - 1, m: 12 } : { y, m: m - 1 };
  const due = [make('monthly', prevMonth.y, prevMonth.m)];
  if (prevMonth.m % 3 === 0) due.push(make('quarterly', prevMonth.y, prevMonth.m / 3));
  if (prevMonth.m === 12) due.push(make('annual', prevMonth.y, 1));
  return due;
}

/** hundredths of a percent → "12.34" / "-0.50" */
export function formatHundredths(h: bigint): string {
  const neg = h < 0n;
  const a = neg ? -h : h;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

/** a ÷ b in percent, two decimals; null when b is 0. */
export function percentOf(a: bigint, b: bigint): string | null {
  return b === 0n ? null : formatHundredths(roundHalfUp(a * 10000n, b));
}

/** 溢价率: hammer total ÷ starting total − 1 over the lots sold, in percent; null when nothing sold. */
export function premiumRate(soldHammerFen: bigint, soldStartFen: bigint): string | null {
  return soldStartFen === 0n ? null : formatHundredths(roundHalfUp((soldHammerFen - soldStartFen) * 10000n, soldStartFen));
}

const hundredths = (s: string) => {
  const neg = s.startsWith('-');
  const [i, f] = s.replace('-', '').split('.');
  const v = BigInt(i) * 100n + BigInt(f);
  return neg ? -v : v;
};

/**
 * The change of a figure: counts and fen in percent of the earlier value ((v − e) ÷ e), percents in
 * percentage points (v − e); null when either is null or the earlier count is 0.
 */
export function change(unit: 'count' | 'fen' | 'percent', value: string | null, earlier: string | null): string | null {
  if (value === null || earlier === null) return null;
  if (unit === 'percent') return formatHundredths(hundredths(value) - hundredths(earlier));
  return percentOf(BigInt(value) - BigInt(earlier), BigInt(earlier));
}
