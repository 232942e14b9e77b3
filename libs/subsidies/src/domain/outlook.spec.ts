import { LocalDate } from '@zjp/core';
import { budgetOutlook, duePayments, expectedFromSchedule } from './outlook';

const d = (s: string) => LocalDate.parse(s);

describe('budgetOutlook', () => {
  it('runs from this month to December: committed and pending now, each expected subsidy in the month its payment falls due', () => {
    const o = budgetOutlook({
      today: d('2026-09-15'),
      budgetFen: 1_000_000n,
      committedFen: 300_000n,
      pendingFen: 100_000n,
      expected: [
        { dueOn: d('2026-08-01'), fen: 50_000n }, // overdue: this month
        { dueOn: d('2026-10-31'), fen: 200_000n },
        { dueOn: d('2026-10-01'), fen: 100_000n },
        { dueOn: d('2026-12-31'), fen: 150_000n },
        { dueOn: d('2027-01-01'), fen: 70_000n }, // next year: not in the months
      ],
    });
    expect(o.months.map((m) => m.month)).toEqual(['2026-09', '2026-10', '2026-11', '2026-12']);
    expect(o.months.map((m) => [m.committedFen, m.pendingFen, m.expectedFen, m.cumulativeFen, m.remainingFen])).toEqual([
      [300_000n, 100_000n, 50_000n, 450_000n, 550_000n],
      [0n, 0n, 300_000n, 750_000n, 250_000n],
      [0n, 0n, 0n, 750_000n, 250_000n],
      [0n, 0n, 150_000n, 900_000n, 100_000n],
    ]);
    expect(o.expectedFen).toBe(500_000n);
    expect(o.expectedLaterFen).toBe(70_000n);
    expect(o.projectedFen).toBe(900_000n);
    expect(o.remainingFen).toBe(700_000n);
    expect(o.projectedRemainingFen).toBe(100_000n);
    expect(o.exhaustion).toEqual({ status: 'not_within_year', month: null });
  });

  it('names the first month whose cumulative total reaches the budget', () => {
    const o = budgetOutlook({
      today: d('2026-03-02'),
      budgetFen: 1_000n,
      committedFen: 200n,
      pendingFen: 0n,
      expected: [
        { dueOn: d('2026-05-10'), fen: 500n },
        { dueOn: d('2026-07-10'), fen: 300n }, // reaches exactly 1,000 in July
        { dueOn: d('2026-09-10'), fen: 300n },
      ],
    });
    expect(o.months).toHaveLength(10);
    expect(o.exhaustion).toEqual({ status: 'within_year', month: '2026-07' });
    expect(o.projectedRemainingFen).toBe(-300n);
  });

  it('with nothing due, only what is committed and pending, and the budget lasts', () => {
    const o = budgetOutlook({ today: d('2026-12-31'), budgetFen: 500n, committedFen: 0n, pendingFen: 0n, expected: [] });
    expect(o.months).toEqual([{ month: '2026-12', committedFen: 0n, pendingFen: 0n, expectedFen: 0n, cumulativeFen: 0n, remainingFen: 500n }]);
    expect(o.exhaustion).toEqual({ status: 'not_within_year', month: null });
    expect(o.projectedFen).toBe(0n);
  });

  it('over budget already: the committed amount alone reaches the budget', () => {
    const o = budgetOutlook({
      today: d('2026-06-01'),
      budgetFen: 1_000n,
      committedFen: 1_000n,
      pendingFen: 50n,
      expected: [{ dueOn: d('2026-08-01'), fen: 10n }],
    });
    expect(o.exhaustion).toEqual({ status: 'already_exhausted', month: '2026-06' });
    expect(o.remainingFen).toBe(0n);
    expect(o.months[0].remainingFen).toBe(-50n);
  });

  it('pending applications alone can exhaust it this month (not already: they are not decided)', () => {
    const o = budgetOutlook({ today: d('2026-06-01'), budgetFen: 1_000n, committedFen: 900n, pendingFen: 100n, expected: [] });
    expect(o.exhaustion).toEqual({ status: 'within_year', month: '2026-06' });
  });
});

describe('duePayments', () => {
  const obligations = [
    { key: 'instalment:1', amountFen: 100n, dueOn: d('2026-02-01') },
    { key: 'instalment:2', amountFen: 200n, dueOn: d('2026-10-01') },
    { key: 'milestone:pilot', amountFen: 300n, dueOn: null },
    { key: 'instalment:3', amountFen: 400n, dueOn: d('2026-07-01') },
  ];

  it('settles the earliest due first and expects what is left on its due day (today when overdue); undated ones are not expected', () => {
    const due = duePayments(obligations, [{ amountFen: 150n, paidOn: d('2026-02-01') }], d('2026-08-20'));
    expect(due.map((x) => [x.key, x.dueOn.toString(), x.outstandingFen])).toEqual([
      ['instalment:3', '2026-08-20', 350n],
      ['instalment:2', '2026-10-01', 200n],
    ]);
  });

  it('refunds reduce what was paid; nothing is due when everything is paid', () => {
    expect(duePayments(obligations.slice(0, 1), [{ amountFen: 100n, paidOn: d('2026-02-01') }], d('2026-03-01'))).toEqual([]);
    const due = duePayments(
      obligations.slice(0, 1),
      [
        { amountFen: 100n, paidOn: d('2026-02-01') },
        { amountFen: -40n, paidOn: d('2026-02-05') },
      ],
      d('2026-03-01'),
    );
    expect(due.map((x) => x.outstandingFen)).toEqual([40n]);
  });
});

describe('expectedFromSchedule', () => {
  // A progressive formula: 10% up to 1,000, 5% above, capped at 120 per contract.
  const formula = (payments: readonly { amountFen: bigint }[]) => {
    const base = payments.reduce((s, p) => s + p.amountFen, 0n);
    const amount = (base < 1_000n ? base : 1_000n) / 10n + (base > 1_000n ? (base - 1_000n) / 20n : 0n);
    return amount < 120n ? amount : 120n;
  };

  it('credits each payment due with the increase it causes under the formula, after what was already earned', () => {
    const r = expectedFromSchedule(
      [{ amountFen: 600n, paidOn: d('2026-01-10') }],
      [
        { key: 'a', dueOn: d('2026-05-01'), outstandingFen: 600n },
        { key: 'b', dueOn: d('2026-09-01'), outstandingFen: 600n },
      ],
      formula,
    );
    expect(r.earnedFen).toBe(60n);
    // 1,200 → 100 + 10 = 110 (+50); 1,800 → 100 + 40 = 140, capped at 120 (+10).
    expect(r.expected.map((e) => [e.dueOn.toString(), e.fen])).toEqual([
      ['2026-05-01', 50n],
      ['2026-09-01', 10n],
    ]);
  });
});
