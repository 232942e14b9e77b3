import { LocalDate } from '@zjp/core';
import { actualValue, allocatePayments, obligationsOf, royaltyAmount, royaltyPeriods, summarise } from './fee-schedule';
import { ContractTerms } from './terms';

const d = LocalDate.parse;
const iso = (x: { startsOn: LocalDate; endsOn: LocalDate }) => [x.startsOn.toString(), x.endsOn.toString()];
const license = {
  licenseType: 'ordinary' as const,
  startsOn: '2026-01-31',
  endsOn: '2026-12-31',
  territory: '中华人民共和国境内',
  fieldOfUse: '纺织',
  sublicensing: false,
};

describe('royaltyPeriods', () => {
  it('cuts quarters from the start, both days included, the last one at the end of the term', () => {
    expect(royaltyPeriods(d('2026-01-01'), d('2026-08-15'), 'quarter').map(iso)).toEqual([
      ['2026-01-01', '2026-03-31'],
      ['2026-04-01', '2026-06-30'],
      ['2026-07-01', '2026-08-15'],
    ]);
  });

  it('keeps month ends without drifting (31 January → 28 February → 31 March)', () => {
    expect(royaltyPeriods(d('2026-01-31'), d('2026-04-30'), 'month').map(iso)).toEqual([
      ['2026-01-31', '2026-02-27'],
      ['2026-02-28', '2026-03-30'],
      ['2026-03-31', '2026-04-29'],
      ['2026-04-30', '2026-04-30'],
    ]);
  });

  it('numbers the periods from 1 and makes one period of a term shorter than the period', () => {
    expect(royaltyPeriods(d('2026-03-01'), d('2026-03-10'), 'year')).toEqual([{ index: 1, startsOn: d('2026-03-01'), endsOn: d('2026-03-10') }]);
    expect(royaltyPeriods(d('2026-01-01'), d('2028-12-31'), 'year').map((p) => p.index)).toEqual([1, 2, 3]);
  });
});

describe('royaltyAmount', () => {
  it.each([
    [1_000_000n, '0.05', 0n, 50_000n],
    [333n, '0.05', 0n, 17n], // 16.65 → 17, half-up once
    [330n, '0.05', 0n, 17n], // 16.5 → 17
    [329n, '0.05', 0n, 16n],
    [0n, '0.05', 0n, 0n],
    [100_000n, '0.05', 20_000n, 20_000n], // the minimum per period
    [1_000_000n, '12.5%', 0n, 125_000n],
  ])('%s fen of sales at %s (minimum %s) → %s fen', (sales, rate, minimum, expected) => {
    expect(royaltyAmount(sales, rate, minimum)).toBe(expected);
  });

  it('refuses negative sales', () => {
    expect(() => royaltyAmount(-1n, '0.05')).toThrow(RangeError);
  });
});

describe('obligationsOf', () => {
  const combined: ContractTerms = {
    license,
    fees: [
      { kind: 'lump_sum', amountFen: '300000', dueDays: 30 },
      {
        kind: 'instalments',
        instalments: [
          { amountFen: '100000', dueOn: '2026-06-30' },
          { amountFen: '100000', dueDays: 365 },
        ],
      },
      { kind: 'milestones', milestones: [{ key: 'pilot', description: '中试完成', amountFen: '50000', dueDays: 15 }] },
      { kind: 'royalty', rate: '0.05', period: 'quarter', minimumFen: '1000', dueDays: 30 },
    ],
  };

  it('derives due dates from the fee start, fixed dates, milestones reached and reported royalty periods', () => {
    const obligations = obligationsOf(combined, {
      feeStartOn: d('2026-02-10'),
      milestonesReached: { pilot: d('2026-05-01') },
      royaltyReports: [
        { periodIndex: 2, salesFen: 2_000_000n },
        { periodIndex: 1, salesFen: 0n },
      ],
    });
    expect(obligations.map((o) => [o.key, o.amountFen, o.dueOn?.toString() ?? null])).toEqual([
      ['lump_sum', 300_000n, '2026-03-12'],
      ['instalment:1', 100_000n, '2026-06-30'],
      ['instalment:2', 100_000n, '2027-02-10'],
      ['milestone:pilot', 50_000n, '2026-05-16'],
      // periods from the later of the licence start and the fee start: 2026-02-10 … 2026-05-09, 2026-05-10 … 2026-08-09
      ['royalty:1', 1_000n, '2026-06-08'],
      ['royalty:2', 100_000n, '2026-09-08'],
    ]);
  });

  it('leaves relative due dates open until the fees start (use-first before conversion) and milestones until reached', () => {
    const obligations = obligationsOf(combined, { feeStartOn: null, milestonesReached: {}, royaltyReports: [] });
    expect(obligations.map((o) => [o.key, o.dueOn?.toString() ?? null])).toEqual([
      ['lump_sum', null],
      ['instalment:1', '2026-06-30'],
      ['instalment:2', null],
      ['milestone:pilot', null],
    ]);
  });

  it('a milestone reached before the fees start falls due from the start', () => {
    const [ms] = obligationsOf(
      { license, fees: [{ kind: 'milestones', milestones: [{ key: 'a', description: 'x', amountFen: '1', dueDays: 10 }] }] },
      {
        feeStartOn: d('2026-03-01'),
        milestonesReached: { a: d('2026-02-01') },
        royaltyReports: [],
      },
    );
    expect(ms.dueOn?.toString()).toBe('2026-03-11');
  });
});

describe('allocatePayments', () => {
  const obligations = [
    { key: 'instalment:1', kind: 'instalment' as const, amountFen: 100n, dueOn: d('2026-03-01') },
    { key: 'milestone:x', kind: 'milestone' as const, amountFen: 50n, dueOn: null },
    { key: 'instalment:2', kind: 'instalment' as const, amountFen: 100n, dueOn: d('2026-02-01') },
  ];

  it('settles the earliest due first, undated last, and says what is overdue, due or not yet due', () => {
    const { obligations: out, unallocatedFen } = allocatePayments(obligations, 150n, d('2026-03-01'));
    expect(out.map((o) => [o.key, o.paidFen, o.outstandingFen, o.status])).toEqual([
      ['instalment:1', 50n, 50n, 'partially_paid'],
      ['milestone:x', 0n, 50n, 'awaiting_trigger'],
      ['instalment:2', 100n, 0n, 'paid'],
    ]);
    expect(unallocatedFen).toBe(0n);
    expect(allocatePayments(obligations, 0n, d('2026-03-02')).obligations.map((o) => o.status)).toEqual(['overdue', 'awaiting_trigger', 'overdue']);
    expect(allocatePayments(obligations, 100n, d('2026-03-01')).obligations.map((o) => o.status)).toEqual(['due', 'awaiting_trigger', 'paid']);
    expect(allocatePayments(obligations, 100n, d('2026-02-15')).obligations.map((o) => o.status)).toEqual(['not_yet_due', 'awaiting_trigger', 'paid']);
  });

  it('returns an overpayment as unallocated and treats a negative net as nothing paid', () => {
    expect(allocatePayments(obligations, 300n, d('2026-01-01')).unallocatedFen).toBe(50n);
    expect(allocatePayments(obligations, -5n, d('2026-01-01')).obligations.every((o) => o.paidFen === 0n)).toBe(true);
  });
});

describe('actualValue (实际成交额)', () => {
  it('counts succeeded payments, the applied deposit included, less succeeded refunds', () => {
    const payments = [
      { status: 'succeeded', amountFen: 100_000n }, // deposit applied at signing
      { status: 'succeeded', amountFen: 960_000n },
      { status: 'failed', amountFen: 960_000n },
      { status: 'pending', amountFen: 5n },
    ];
    expect(actualValue(payments, [])).toBe(1_060_000n);
    expect(
      actualValue(payments, [
        { status: 'succeeded', amountFen: 60_000n },
        { status: 'pending', amountFen: 1n },
      ]),
    ).toBe(1_000_000n);
    expect(actualValue([], [])).toBe(0n);
  });
});

describe('summarise', () => {
  const terms: ContractTerms = { transfer: { object: 'patent_right' }, fees: [{ kind: 'lump_sum', amountFen: '1060000', dueDays: 30 }] };
  const facts = { feeStartOn: d('2026-01-10'), milestonesReached: {}, royaltyReports: [] };

  it('a lump sum: total, paid, due, overdue and settled', () => {
    expect(summarise(terms, facts, 100_000n, d('2026-01-20'))).toMatchObject({
      totalFeesFen: 1_060_000n,
      paidFen: 100_000n,
      outstandingFen: 960_000n,
      dueFen: 0n,
      overdueFen: 0n,
      settled: false,
    });
    expect(summarise(terms, facts, 100_000n, d('2026-02-10'))).toMatchObject({ dueFen: 960_000n, overdueFen: 960_000n });
    expect(summarise(terms, facts, 1_060_000n, d('2026-02-10'))).toMatchObject({ outstandingFen: 0n, settled: true });
  });

  it('a royalty licence is settled only when every period of the term is reported and paid', () => {
    const royalty: ContractTerms = {
      license: { ...license, startsOn: '2026-01-01', endsOn: '2026-06-30' },
      fees: [{ kind: 'royalty', rate: '0.1', period: 'quarter', dueDays: 10 }],
    };
    const f = { feeStartOn: d('2026-01-01'), milestonesReached: {}, royaltyReports: [{ periodIndex: 1, salesFen: 1000n }] };
    const early = summarise(royalty, f, 100n, d('2026-07-05'));
    expect(early).toMatchObject({ totalFeesFen: 100n, outstandingFen: 0n, royaltyReportsMissing: [2], royaltyPeriodsLeft: 1, settled: false });
    const done = summarise(royalty, { ...f, royaltyReports: [...f.royaltyReports, { periodIndex: 2, salesFen: 3000n }] }, 400n, d('2026-07-05'));
    expect(done).toMatchObject({ totalFeesFen: 400n, royaltyReportsMissing: [], royaltyPeriodsLeft: 0, settled: true });
  });

  it('a royalty before the fees start is not settled, and a free licence with no fee is', () => {
    const royalty: ContractTerms = { license, fees: [{ kind: 'royalty', rate: '0.1', period: 'quarter', dueDays: 10 }] };
    expect(summarise(royalty, { ...facts, feeStartOn: null }, 0n, d('2026-01-01')).settled).toBe(false);
    expect(summarise({ license, fees: [] }, facts, 0n, d('2026-01-01'))).toMatchObject({ totalFeesFen: 0n, settled: true });
  });
});
