import { activityIndex } from './activity-index';
import { change, parsePeriod, percentOf, periodsDueOn, premiumRate, previousPeriod, yearAgoPeriod } from './figures';

describe('report periods', () => {
  it('parses each kind and refuses the others with a field error on period', () => {
    expect(parsePeriod('monthly', '2026-02')).toEqual({ kind: 'monthly', period: '2026-02', from: '2026-02-01', to: '2026-02-28' });
    expect(parsePeriod('quarterly', '2026-Q3')).toEqual({ kind: 'quarterly', period: '2026-Q3', from: '2026-07-01', to: '2026-09-30' });
    expect(parsePeriod('annual', '2028')).toMatchObject({ from: '2028-01-01', to: '2028-12-31' });
    for (const [kind, bad] of [
      ['monthly', '2026-00'],
      ['monthly', '2026-1'],
      ['quarterly', '2026-Q0'],
      ['annual', '2026-01'],
    ] as const)
      expect(() => parsePeriod(kind, bad)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'period' })] }),
      );
  });

  it('finds the previous period and the same period a year before', () => {
    expect(previousPeriod(parsePeriod('monthly', '2026-01')).period).toBe('2025-12');
    expect(previousPeriod(parsePeriod('quarterly', '2026-Q1')).period).toBe('2025-Q4');
    expect(previousPeriod(parsePeriod('annual', '2026')).period).toBe('2025');
    expect(yearAgoPeriod(parsePeriod('monthly', '2024-02')).to).toBe('2023-02-28');
  });

  it('is due: the month before on the 1st, plus the quarter and the year when they ended', () => {
    expect(periodsDueOn('2026-11-01').map((p) => p.period)).toEqual(['2026-10']);
    expect(periodsDueOn('2026-10-01').map((p) => p.period)).toEqual(['2026-09', '2026-Q3']);
    expect(periodsDueOn('2027-01-01').map((p) => `${p.kind}:${p.period}`)).toEqual(['monthly:2026-12', 'quarterly:2026-Q4', 'annual:2026']);
  });
});

describe('rates and changes', () => {
  it('computes sell-through, premium and changes exactly, half-up', () => {
    expect(percentOf(2n, 3n)).toBe('66.67');
    expect(percentOf(1n, 0n)).toBeNull();
    expect(premiumRate(3_700_000n, 3_000_000n)).toBe('23.33');
    expect(premiumRate(999_999n, 1_000_000n)).toBe('0.00'); // −0.0001 % rounds to zero, unsigned
    expect(premiumRate(994_999n, 1_000_000n)).toBe('-0.50');
    expect(premiumRate(0n, 0n)).toBeNull();
    expect(change('count', '3', '1')).toBe('200.00');
    expect(change('fen', '1', '0')).toBeNull();
    expect(change('percent', '66.67', '100.00')).toBe('-33.33');
    expect(change('percent', null, '1.00')).toBeNull();
  });
});

describe('activity index', () => {
  const base = { listings: 1n, bidders: 1n, bids: 2n, deals: 1n, valueFen: 1_000_000n };
  it('is 100 on its base and weighs the components 15/15/20/25/25', () => {
    expect(activityIndex(base, base)).toBe(10000n);
    expect(activityIndex({ listings: 3n, bidders: 3n, bids: 4n, deals: 2n, valueFen: 3_700_000n }, base)).toBe(27250n);
  });
  it('leaves out a component whose base is 0, and is null when all are', () => {
    expect(activityIndex({ ...base, bids: 100n }, { ...base, bids: 0n })).toBe(10000n);
    expect(activityIndex(base, { listings: 0n, bidders: 0n, bids: 0n, deals: 0n, valueFen: 0n })).toBeNull();
  });
});
