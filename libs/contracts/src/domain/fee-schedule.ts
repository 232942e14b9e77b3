import { LocalDate, Money, Rate } from '@zjp/core';
import { ContractTerms, ROYALTY_PERIOD_MONTHS, RoyaltyPeriod } from './terms';

/*
 * What a contract's fees oblige the buyer to pay, and what its payments have settled: pure
 * functions of the terms, the dates that make fees fall due, the royalty reports and the money
 * paid. Everything the API shows about money (total value, 实际成交额, what is due or overdue) is
 * derived here, never stored.
 */

export type ObligationKind = 'lump_sum' | 'instalment' | 'milestone' | 'royalty';

export interface Obligation {
  /** Stable within the contract: lump_sum, instalment:2, milestone:pilot, royalty:3. */
  key: string;
  kind: ObligationKind;
  amountFen: bigint;
  /** Null while it cannot fall due yet: a milestone not reached, use-first fees before conversion. */
  dueOn: LocalDate | null;
}

export interface RoyaltyPeriodSpan {
  index: number;
  startsOn: LocalDate;
  endsOn: LocalDate;
}

export interface RoyaltyReport {
  periodIndex: number;
  salesFen: bigint;
}

export interface ScheduleFacts {
  /** The day fees start counting (dueDays): signing; for use-first, conversion. Null before. */
  feeStartOn: LocalDate | null;
  /** Milestone key → the day it was reached. */
  milestonesReached: Readonly<Record<string, LocalDate>>;
  royaltyReports: readonly RoyaltyReport[];
}

/**
 * The reporting periods of a running royalty over [startsOn, endsOn] (both included): period i
 * starts i × n months after startsOn (a day missing in a short month is its last day, as in the
 * Civil Code) and ends the day before the next one starts, the last one at endsOn.
 */
export function royaltyPeriods(startsOn: LocalDate, endsOn: LocalDate, period: RoyaltyPeriod): RoyaltyPeriodSpan[] {
  const months = ROYALTY_PERIOD_MONTHS[period];
  const spans: RoyaltyPeriodSpan[] = [];
  for (let i = 0; ; i++) {
    const start = startsOn.plusMonths(i * months);
    if (start.isAfter(endsOn)) break;
    const nextStart = startsOn.plusMonths((i + 1) * months);
    const end = nextStart.plusDays(-1).isAfter(endsOn) ? endsOn : nextStart.plusDays(-1);
    spans.push({ index: i + 1, startsOn: start, endsOn: end });
    if (spans.length > 1200) throw new RangeError('too many royalty periods');
  }
  return spans;
}

/** Royalty of one period: sales × rate, rounded half-up to the fen once, and at least the minimum. */
export function royaltyAmount(salesFen: bigint, rate: string, minimumFen: bigint = 0n): bigint {
  if (salesFen < 0n) throw new RangeError('sales cannot be negative');
  const amount = Money.fen(salesFen).multiplyByRate(Rate.parse(rate)).fen;
  return amount > minimumFen ? amount : minimumFen;
}

/** The royalty periods of a contract: over the licence term, from the fee start when that is later (use-first: from conversion). */
export function royaltyPeriodsOf(terms: ContractTerms, feeStartOn: LocalDate | null): RoyaltyPeriodSpan[] {
  const royalty = terms.fees.find((f) => f.kind === 'royalty');
  if (!royalty || royalty.kind !== 'royalty' || !terms.license || !feeStartOn) return [];
  const termStart = LocalDate.parse(terms.license.startsOn);
  const start = feeStartOn.isAfter(termStart) ? feeStartOn : termStart;
  return royaltyPeriods(start, LocalDate.parse(terms.license.endsOn), royalty.period);
}

const dueOf = (due: { dueOn?: string | null; dueDays?: number | null }, feeStartOn: LocalDate | null): LocalDate | null => {
  if (due.dueOn) return LocalDate.parse(due.dueOn);
  return feeStartOn && due.dueDays !== undefined && due.dueDays !== null ? feeStartOn.plusDays(due.dueDays) : null;
};

/** Every obligation known so far, in the order of the terms (royalties: one per reported period). */
export function obligationsOf(terms: ContractTerms, facts: ScheduleFacts): Obligation[] {
  const out: Obligation[] = [];
  for (const fee of terms.fees) {
    switch (fee.kind) {
      case 'lump_sum':
        out.push({ key: 'lump_sum', kind: 'lump_sum', amountFen: BigInt(fee.amountFen), dueOn: dueOf(fee, facts.feeStartOn) });
        break;
      case 'instalments':
        fee.instalments.forEach((inst, i) =>
          out.push({ key: `instalment:${i + 1}`, kind: 'instalment', amountFen: BigInt(inst.amountFen), dueOn: dueOf(inst, facts.feeStartOn) }),
        );
        break;
      case 'milestones':
        for (const ms of fee.milestones) {
          const reached = facts.milestonesReached[ms.key];
          // A milestone reached before the fees start (use-first) falls due from the start.
          const from = reached && facts.feeStartOn ? (reached.isAfter(facts.feeStartOn) ? reached : facts.feeStartOn) : null;
          out.push({ key: `milestone:${ms.key}`, kind: 'milestone', amountFen: BigInt(ms.amountFen), dueOn: from ? from.plusDays(ms.dueDays) : null });
        }
        break;
      case 'royalty': {
        const periods = new Map(royaltyPeriodsOf(terms, facts.feeStartOn).map((p) => [p.index, p]));
        const minimum = fee.minimumFen ? BigInt(fee.minimumFen) : 0n;
        for (const report of [...facts.royaltyReports].sort((a, b) => a.periodIndex - b.periodIndex)) {
          const span = periods.get(report.periodIndex);
          if (!span) continue;
          out.push({
            key: `royalty:${report.periodIndex}`,
            kind: 'royalty',
            amountFen: royaltyAmount(report.salesFen, fee.rate, minimum),
            dueOn: span.endsOn.plusDays(fee.dueDays),
          });
        }
        break;
      }
    }
  }
  return out;
}

export type ObligationStatus = 'paid' | 'partially_paid' | 'overdue' | 'due' | 'not_yet_due' | 'awaiting_trigger';

export interface AllocatedObligation extends Obligation {
  paidFen: bigint;
  outstandingFen: bigint;
  status: ObligationStatus;
}

/**
 * Spreads the net amount paid over the obligations, earliest due first (those without a due
 * date last, in the order of the terms): a payment settles what falls due first, whatever it was
 * sent for. What is left over (an overpayment) is returned as `unallocatedFen`.
 */
export function allocatePayments(
  obligations: readonly Obligation[],
  netPaidFen: bigint,
  today: LocalDate,
): { obligations: AllocatedObligation[]; unallocatedFen: bigint } {
  const order = obligations
    .map((o, i) => ({ o, i }))
    .sort((a, b) => {
      if (a.o.dueOn && b.o.dueOn) return a.o.dueOn.compare(b.o.dueOn) || a.i - b.i;
      if (a.o.dueOn) return -1;
      if (b.o.dueOn) return 1;
      return a.i - b.i;
    });
  let left = netPaidFen > 0n ? netPaidFen : 0n;
  const paid = new Map<number, bigint>();
  for (const { o, i } of order) {
    const take = left < o.amountFen ? left : o.amountFen;
    paid.set(i, take);
    left -= take;
  }
  return {
    obligations: obligations.map((o, i) => {
      const paidFen = paid.get(i) ?? 0n;
      const outstandingFen = o.amountFen - paidFen;
      let status: ObligationStatus;
      if (outstandingFen === 0n) status = 'paid';
      else if (!o.dueOn) status = paidFen > 0n ? 'partially_paid' : 'awaiting_trigger';
      else if (o.dueOn.isBefore(today)) status = 'overdue';
      else if (paidFen > 0n) status = 'partially_paid';
      else if (o.dueOn.equals(today)) status = 'due';
      else status = 'not_yet_due';
      return { ...o, paidFen, outstandingFen, status };
    }),
    unallocatedFen: left,
  };
}

export interface MoneyMovement {
  status: string;
  amountFen: bigint;
}

/** 实际成交额: what was actually paid under the contract: succeeded payments (an applied deposit included) less succeeded refunds. */
export function actualValue(payments: readonly MoneyMovement[], refunds: readonly MoneyMovement[]): bigint {
  const sum = (rows: readonly MoneyMovement[]) => rows.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amountFen, 0n);
  return sum(payments) - sum(refunds);
}

export interface ScheduleSummary {
  /** Fees known so far: fixed amounts plus the royalties of the periods reported. */
  totalFeesFen: bigint;
  paidFen: bigint;
  outstandingFen: bigint;
  /** Outstanding on obligations due today or earlier. */
  dueFen: bigint;
  overdueFen: bigint;
  /** Royalty periods that have ended without a report. */
  royaltyReportsMissing: number[];
  /** Royalty periods still to come or to report: the contract is not settled while any is left. */
  royaltyPeriodsLeft: number;
  /** Nothing left to pay or to report. */
  settled: boolean;
  obligations: AllocatedObligation[];
  unallocatedFen: bigint;
}

export function summarise(terms: ContractTerms, facts: ScheduleFacts, netPaidFen: bigint, today: LocalDate): ScheduleSummary {
  const obligations = obligationsOf(terms, facts);
  const { obligations: allocated, unallocatedFen } = allocatePayments(obligations, netPaidFen, today);
  const reported = new Set(facts.royaltyReports.map((r) => r.periodIndex));
  const periods = royaltyPeriodsOf(terms, facts.feeStartOn);
  const hasRoyalty = terms.fees.some((f) => f.kind === 'royalty');
  const royaltyReportsMissing = periods.filter((p) => !reported.has(p.index) && p.endsOn.isBefore(today)).map((p) => p.index);
  // Before the fees start (unsigned, use-first before conversion) the periods are not known yet.
  const royaltyPeriodsLeft = hasRoyalty && !facts.feeStartOn ? 1 : periods.filter((p) => !reported.has(p.index)).length;
  const milestonesOpen = allocated.some((o) => o.kind === 'milestone' && o.outstandingFen > 0n);
  const sum = (pick: (o: AllocatedObligation) => boolean) => allocated.filter(pick).reduce((s, o) => s + o.outstandingFen, 0n);
  const outstandingFen = sum(() => true);
  return {
    totalFeesFen: obligations.reduce((s, o) => s + o.amountFen, 0n),
    paidFen: netPaidFen,
    outstandingFen,
    dueFen: sum((o) => o.dueOn !== null && !o.dueOn.isAfter(today)),
    overdueFen: sum((o) => o.dueOn !== null && o.dueOn.isBefore(today)),
    royaltyReportsMissing,
    royaltyPeriodsLeft,
    settled: outstandingFen === 0n && royaltyPeriodsLeft === 0 && !milestonesOpen,
    obligations: allocated,
    unallocatedFen,
  };
}
