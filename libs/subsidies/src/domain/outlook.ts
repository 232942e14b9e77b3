import { LocalDate } from '@zjp/core';
import type { PaymentFact } from './facts';

/*
 * The budget outlook of a subsidy policy: what is already committed (approved, batched or paid),
 * what is pending (applications under review) and what is expected (the subsidies that contracts
 * in force will earn as their scheduled payments fall due), month by month from this month to the
 * end of the year, cumulated against the budget, with the month in which the budget runs out if
 * the pace holds. Pure: the figures come in (aggregated by PostgreSQL, computed by the engine),
 * the placement and the exhaustion month are decided here.
 */

/** One expected subsidy: what the engine says a contract earns when a payment falls due on `dueOn`. */
export interface ExpectedSubsidy {
  dueOn: LocalDate;
  fen: bigint;
}

export interface OutlookInput {
  /** Today, an Asia/Shanghai date: the outlook runs from its month to the end of its year. */
  today: LocalDate;
  budgetFen: bigint;
  /** Approved, batched or paid under the policy so far. */
  committedFen: bigint;
  /** Under review (submitted or reviewed): what the applications ask, or the reviewer's recommendation. */
  pendingFen: bigint;
  expected: readonly ExpectedSubsidy[];
}

export interface OutlookMonth {
  /** YYYY-MM (Asia/Shanghai). */
  month: string;
  committedFen: bigint;
  pendingFen: bigint;
  expectedFen: bigint;
  /** Committed + pending + expected from the first month through this one. */
  cumulativeFen: bigint;
  /** Budget − cumulative (negative once over budget). */
  remainingFen: bigint;
}

export type ExhaustionStatus = 'already_exhausted' | 'within_year' | 'not_within_year';

export interface Outlook {
  year: number;
  budgetFen: bigint;
  committedFen: bigint;
  pendingFen: bigint;
  /** Expected within the year (from this month to December). */
  expectedFen: bigint;
  /** Expected on payments that fall due after the year: not in the months. */
  expectedLaterFen: bigint;
  /** Committed + pending + expected within the year. */
  projectedFen: bigint;
  /** Budget − committed: what is free today. */
  remainingFen: bigint;
  /** Budget − projected at the year's end (negative: the shortfall). */
  projectedRemainingFen: bigint;
  months: OutlookMonth[];
  exhaustion: { status: ExhaustionStatus; month: string | null };
}

const monthKey = (year: number, month: number): string => `${year}-${String(month).padStart(2, '0')}`;

/**
 * Places the figures by month: committed and pending in this month (they are decided or being
 * decided now), each expected subsidy in the month its payment falls due — one already overdue in
 * this month, one after December in `expectedLaterFen`. The budget runs out in the first month
 * whose cumulative total reaches it; when the committed amount alone reaches it, it already has.
 */
export function budgetOutlook(input: OutlookInput): Outlook {
  const { today, budgetFen } = input;
  const year = today.year;
  const months: OutlookMonth[] = [];
  for (let m = today.month; m <= 12; m++) {
    months.push({ month: monthKey(year, m), committedFen: 0n, pendingFen: 0n, expectedFen: 0n, cumulativeFen: 0n, remainingFen: 0n });
  }
  const first = months[0];
  first.committedFen = input.committedFen;
  first.pendingFen = input.pendingFen;
  let expectedLaterFen = 0n;
  for (const e of input.expected) {
    if (e.fen === 0n) continue;
    if (e.dueOn.year > year) {
      expectedLaterFen += e.fen;
      continue;
    }
    const index = e.dueOn.year < year || e.dueOn.month < today.month ? 0 : e.dueOn.month - today.month;
    months[index].expectedFen += e.fen;
  }
  let cumulative = 0n;
  let exhaustedIn: string | null = null;
  for (const month of months) {
    cumulative += month.committedFen + month.pendingFen + month.expectedFen;
    month.cumulativeFen = cumulative;
    month.remainingFen = budgetFen - cumulative;
    if (exhaustedIn === null && cumulative >= budgetFen) exhaustedIn = month.month;
  }
  const expectedFen = months.reduce((s, m) => s + m.expectedFen, 0n);
  const status: ExhaustionStatus = input.committedFen >= budgetFen ? 'already_exhausted' : exhaustedIn ? 'within_year' : 'not_within_year';
  return {
    year,
    budgetFen,
    committedFen: input.committedFen,
    pendingFen: input.pendingFen,
    expectedFen,
    expectedLaterFen,
    projectedFen: cumulative,
    remainingFen: budgetFen - input.committedFen,
    projectedRemainingFen: budgetFen - cumulative,
    months,
    exhaustion: { status, month: status === 'not_within_year' ? null : exhaustedIn },
  };
}

/** One fixed obligation of a contract's payment schedule (contract_schedule_directory). */
export interface ScheduledObligation {
  key: string;
  amountFen: bigint;
  /** Null while it cannot fall due yet (a milestone not reached). */
  dueOn: LocalDate | null;
}

/** What is still to be paid of an obligation, and the day it is expected (its due day, or today when overdue). */
export interface DuePayment {
  key: string;
  dueOn: LocalDate;
  outstandingFen: bigint;
}

/**
 * The payments still due under a contract: what was paid (net of refunds) settles the obligations
 * earliest due first (as the contracts context allocates it), and what is left of each dated one
 * is expected on its due day, or today when it is overdue. Undated obligations are not expected.
 */
export function duePayments(obligations: readonly ScheduledObligation[], payments: readonly PaymentFact[], today: LocalDate): DuePayment[] {
  let paid = payments.reduce((s, p) => s + p.amountFen, 0n);
  if (paid < 0n) paid = 0n;
  const ordered = obligations
    .map((o, i) => ({ o, i }))
    .sort((a, b) => {
      if (a.o.dueOn && b.o.dueOn) return a.o.dueOn.compare(b.o.dueOn) || a.i - b.i;
      if (a.o.dueOn) return -1;
      if (b.o.dueOn) return 1;
      return a.i - b.i;
    });
  const out: DuePayment[] = [];
  for (const { o } of ordered) {
    const take = paid < o.amountFen ? paid : o.amountFen;
    paid -= take;
    const outstandingFen = o.amountFen - take;
    if (outstandingFen > 0n && o.dueOn) out.push({ key: o.key, dueOn: o.dueOn.isBefore(today) ? today : o.dueOn, outstandingFen });
  }
  return out;
}

/**
 * What each payment still due adds to the subsidy, by the policy's own formula: `subsidyOn` is
 * the engine on the contract's payments (with the policy's tiers and caps); the payments due are
 * added one by one in their order, and each is credited with the increase it causes. The
 * amount already earned on what was paid is returned apart (`earnedFen`).
 */
export function expectedFromSchedule(
  payments: readonly PaymentFact[],
  due: readonly DuePayment[],
  subsidyOn: (payments: readonly PaymentFact[]) => bigint,
): { earnedFen: bigint; expected: ExpectedSubsidy[] } {
  const earnedFen = subsidyOn(payments);
  const so: PaymentFact[] = [...payments];
  let before = earnedFen;
  const expected: ExpectedSubsidy[] = [];
  for (const d of due) {
    so.push({ amountFen: d.outstandingFen, paidOn: d.dueOn });
    const after = subsidyOn(so);
    expected.push({ dueOn: d.dueOn, fen: after > before ? after - before : 0n });
    before = after > before ? after : before;
  }
  return { earnedFen, expected };
}
