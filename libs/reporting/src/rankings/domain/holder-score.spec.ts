import { competitionRanks, type HolderIndicators, RANKING_METHOD, rankHolders } from './holder-score';

const share = (numerator: number, denominator: number) => ({ numerator, denominator });

function holder(id: string, kind: HolderIndicators['kind'], v: Partial<HolderIndicators>): HolderIndicators {
  return {
    holderId: id,
    holderName: id,
    kind,
    listings: 0,
    contractsInForce: 0,
    contractValueFen: '0',
    transformedShare: share(0, 0),
    useFirstShare: share(0, 0),
    registrationTimeliness: share(0, 0),
    ...v,
  };
}

describe('holder ranking (P-MKT 排序机制)', () => {
  it('weights add up to 100 points', () => {
    expect(RANKING_METHOD.reduce((s, m) => s + m.weight, 0)).toBe(100);
  });

  it('ranks ties by standard competition ranking: 1, 2, 2, 4', () => {
    expect(competitionRanks([100, 90, 90, 80])).toEqual([1, 2, 2, 4]);
    expect(competitionRanks([5, 5, 5])).toEqual([1, 1, 1]);
    expect(competitionRanks([0, 10, 10])).toEqual([3, 1, 1]);
    expect(competitionRanks([])).toEqual([]);
  });

  // computed by hand: universities A, B, C normalised together, institute D alone
  const holders = [
    holder('B', 'university', {
      listings: 2,
      contractsInForce: 1,
      contractValueFen: '100000',
      transformedShare: share(1, 4),
      useFirstShare: share(2, 4),
      registrationTimeliness: share(1, 2),
    }),
    holder('A', 'university', {
      listings: 4,
      contractsInForce: 2,
      contractValueFen: '300000',
      transformedShare: share(3, 4),
      useFirstShare: share(0, 4),
      registrationTimeliness: share(2, 2),
    }),
    holder('C', 'university', {}),
    holder('D', 'institute', { listings: 1, transformedShare: share(1, 2), useFirstShare: share(0, 1) }),
  ];
  const ranked = rankHolders(holders);
  const byId = Object.fromEntries(ranked.map((r) => [r.holder.holderId, r]));

  it('scores by min-max within the kind: the best university gets every point', () => {
    expect(byId.A.scoreHundredths).toBe(10000);
    expect(byId.A.contributions.map((c) => c.pointsHundredths)).toEqual([1500, 1500, 2500, 2000, 1000, 1500]);
  });

  it('gives a middle university its share of each range (2/4 listings, 1/2 contracts, 1/3 of the value)', () => {
    // 15 × 0.5 = 7.50, 15 × 0.5 = 7.50, 25 × 1/3 = 8.33, transformed and use-first at the worst end, P-REG 0.5 is the min
    expect(byId.B.contributions.map((c) => c.pointsHundredths)).toEqual([750, 750, 833, 0, 0, 0]);
    expect(byId.B.scoreHundredths).toBe(2333);
    const value = byId.B.contributions.find((c) => c.key === 'contractValueFen')!;
    expect(value).toMatchObject({ value: '100000', min: '0', max: '300000', normalized: 0.333333, noData: false });
  });

  it('flags shares without a denominator as no data, scoring 0', () => {
    const c = byId.C.contributions.find((x) => x.key === 'transformedShare')!;
    expect(c).toMatchObject({ value: null, noData: true, pointsHundredths: 0 });
    expect(byId.C.scoreHundredths).toBe(0);
  });

  it('a kind with one holder: every indicator is degenerate (ideal side → 1, else 0)', () => {
    // listings 1 > 0 → 15; contracts 0 → 0; value 0 → 0; transformed 0.5 > 0 → 20; use-first 0 (lower is better) → 10; P-REG no data → 0
    expect(byId.D.contributions.map((c) => c.pointsHundredths)).toEqual([1500, 0, 0, 2000, 1000, 0]);
    expect(byId.D.scoreHundredths).toBe(4500);
  });

  it('orders by rank', () => {
    expect(ranked.map((r) => [r.holder.holderId, r.rank])).toEqual([
      ['A', 1],
      ['D', 2],
      ['B', 3],
      ['C', 4],
    ]);
  });

  it('equal scores share a rank, the next one skips, and a tie is listed by name', () => {
    const same = { listings: 1, transformedShare: share(1, 1) };
    const r = rankHolders([
      holder('Z', 'university', { listings: 3 }),
      holder('Y', 'university', same),
      holder('X', 'university', same),
      holder('W', 'university', {}),
    ]);
    expect(r.map((x) => [x.holder.holderId, x.rank, x.tied])).toEqual([
      ['X', 1, true],
      ['Y', 1, true],
      ['Z', 3, false],
      ['W', 4, false],
    ]);
  });

  it('compares contract values in fen beyond 2^53 exactly', () => {
    const r = rankHolders([
      holder('big', 'institute', { contractValueFen: '9007199254740993' }),
      holder('small', 'institute', { contractValueFen: '9007199254740992' }),
    ]);
    expect(r[0].holder.holderId).toBe('big');
    expect(r[1].contributions.find((c) => c.key === 'contractValueFen')!.pointsHundredths).toBe(0);
  });
});
