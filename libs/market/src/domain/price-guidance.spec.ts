import {
  type PastDeal,
  priceGuidance,
  type PricingSubject,
  remainingTermYears,
  sharedIpcDepth,
  similarity,
  termAdjustedLogPrice,
  weightedQuantile,
} from './price-guidance';

const SUBJECT: PricingSubject = {
  technicalField: 'new_materials',
  ipcClasses: ['C01B 32/184'],
  ipType: 'invention_patent',
  maturity: 'pilot',
  remainingYears: 10,
  dealType: 'transfer',
};

function deal(n: number, priceYuan: number, over: Partial<PastDeal> = {}): PastDeal {
  return {
    dealId: `d${n}`,
    achievementTitle: `成果${n}`,
    concludedOn: `2026-0${(n % 9) + 1}-01`,
    priceFen: BigInt(priceYuan) * 100n,
    technicalField: 'new_materials',
    ipcClasses: ['C01B32/05'],
    ipType: 'invention_patent',
    maturity: 'pilot',
    remainingYears: 10,
    dealType: 'transfer',
    ...over,
  };
}

describe('weightedQuantile', () => {
  it.each`
    values          | weights         | q       | expected | behaviour
    ${[1, 2, 3, 4]} | ${[1, 1, 1, 1]} | ${0.5}  | ${2.5}   | ${'the median of an even count with equal weights is the mean of the middle two'}
    ${[3, 1, 2]}    | ${[1, 1, 1]}    | ${0.5}  | ${2}     | ${'sorts the values first'}
    ${[1, 2, 3, 4]} | ${[1, 1, 1, 1]} | ${0.0}  | ${1}     | ${'q below the first midpoint is the smallest value'}
    ${[1, 2, 3, 4]} | ${[1, 1, 1, 1]} | ${1.0}  | ${4}     | ${'q above the last midpoint is the largest value'}
    ${[1, 2, 3, 4]} | ${[1, 1, 1, 1]} | ${0.25} | ${1.5}   | ${'P25 of four equal weights lies halfway between the first two'}
    ${[1, 2]}       | ${[3, 1]}       | ${0.5}  | ${1.25}  | ${'a heavier value pulls the median: midpoints 0.375 and 0.875'}
    ${[10, 20, 30]} | ${[1, 2, 1]}    | ${0.5}  | ${20}    | ${'the heaviest middle value is the median'}
    ${[7]}          | ${[0.2]}        | ${0.9}  | ${7}     | ${'one value is every quantile'}
  `('$behaviour', ({ values, weights, q, expected }: { values: number[]; weights: number[]; q: number; expected: number }) => {
    expect(weightedQuantile(values, weights, q)).toBeCloseTo(expected, 10);
  });

  it('refuses empty input, zero weights and q outside [0, 1]', () => {
    expect(() => weightedQuantile([], [], 0.5)).toThrow(RangeError);
    expect(() => weightedQuantile([1], [0], 0.5)).toThrow(RangeError);
    expect(() => weightedQuantile([1], [1], 1.5)).toThrow(RangeError);
  });
});

describe('similarity', () => {
  it.each`
    a                             | b                 | depth | behaviour
    ${['C01B 32/184']}            | ${['C01B32/05']}  | ${4}  | ${'the same main group (spaces ignored)'}
    ${['C01B 32/184']}            | ${['C01B 33/02']} | ${3}  | ${'the same subclass only'}
    ${['C01B 32/184']}            | ${['C01F 7/02']}  | ${2}  | ${'the same class only'}
    ${['C01B 32/184']}            | ${['C22C 1/00']}  | ${1}  | ${'the same section only'}
    ${['C01B 32/184']}            | ${['H01M 4/00']}  | ${0}  | ${'nothing shared'}
    ${['H01M 4/00', 'C01B 33/1']} | ${['C01B32/05']}  | ${3}  | ${'the best pair of several classes counts'}
    ${[]}                         | ${['C01B32/05']}  | ${0}  | ${'no IPC class on one side'}
  `('$behaviour', ({ a, b, depth }: { a: string[]; b: string[]; depth: number }) => {
    expect(sharedIpcDepth(a, b)).toBe(depth);
  });

  it('multiplies the IPC, IP-type and maturity factors; another field or deal type is no comparable', () => {
    expect(similarity(SUBJECT, deal(1, 1)).similarity).toBe(1);
    expect(similarity(SUBJECT, deal(1, 1, { ipcClasses: ['C01B 33/02'], ipType: 'utility_model', maturity: 'lab' })).similarity).toBeCloseTo(
      0.7 * 0.6 * 0.45,
      10,
    );
    expect(similarity(SUBJECT, deal(1, 1, { technicalField: 'life_health' })).similarity).toBe(0);
    expect(similarity(SUBJECT, deal(1, 1, { dealType: 'license' })).similarity).toBe(0);
    expect(similarity(SUBJECT, deal(1, 1, { dealType: 'license' }), { otherDealTypeFactor: 0.25 }).similarity).toBe(0.25);
  });
});

describe('term adjustment', () => {
  it('moves a price by β·ln(r_subject / r_deal)', () => {
    // 10 years left on the subject, 5 on the deal: × 2^0.6
    expect(Math.exp(termAdjustedLogPrice(100_000n, 5, 10, 0.6))).toBeCloseTo(100_000 * 2 ** 0.6, 6);
    expect(Math.exp(termAdjustedLogPrice(100_000n, 10, 5, 0.6))).toBeCloseTo(100_000 / 2 ** 0.6, 6);
  });
  it('leaves the price alone when either side has no term, and floors a term at half a year', () => {
    expect(Math.exp(termAdjustedLogPrice(100_000n, null, 10, 0.6))).toBeCloseTo(100_000, 6);
    expect(Math.exp(termAdjustedLogPrice(100_000n, 10, null, 0.6))).toBeCloseTo(100_000, 6);
    expect(Math.exp(termAdjustedLogPrice(100_000n, 0, 0.5, 0.6))).toBeCloseTo(100_000, 6);
  });
  it.each`
    ipType                  | number                | asOf            | expected | behaviour
    ${'invention_patent'}   | ${'ZL201810123456.X'} | ${'2028-07-01'} | ${10}    | ${'an invention filed in 2018 runs 20 years from 1 July 2018'}
    ${'utility_model'}      | ${'ZL202020123456.1'} | ${'2026-07-01'} | ${4}     | ${'a utility model runs 10 years'}
    ${'design_patent'}      | ${'ZL202230123456.1'} | ${'2027-07-01'} | ${10}    | ${'a design filed from 2021 runs 15 years'}
    ${'design_patent'}      | ${'ZL201930123456.1'} | ${'2027-07-01'} | ${2}     | ${'a design filed before 2021 runs 10 years'}
    ${'invention_patent'}   | ${'ZL97101765.4'}     | ${'2016-07-01'} | ${1}     | ${'a pre-2003 number carries a two-digit year'}
    ${'invention_patent'}   | ${'ZL200310123456.1'} | ${'2026-07-01'} | ${0}     | ${'an expired patent has no term left'}
    ${'technical_secret'}   | ${null}               | ${'2026-07-01'} | ${null}  | ${'a technical secret has no term'}
    ${'software_copyright'} | ${'2020SR123456'}     | ${'2026-07-01'} | ${null}  | ${'a software copyright is not adjusted'}
  `('$behaviour', ({ ipType, number, asOf, expected }: { ipType: string; number: string | null; asOf: string; expected: number | null }) => {
    const years = remainingTermYears(ipType, number, asOf);
    if (expected === null) expect(years).toBeNull();
    else expect(years).toBeCloseTo(expected, 1);
  });
});

describe('priceGuidance', () => {
  it('says 可比成交不足 below five comparables, and shows the ones it has', () => {
    const deals = [deal(1, 100_000), deal(2, 120_000), deal(3, 90_000), deal(4, 110_000), deal(5, 1, { technicalField: 'other' })];
    const g = priceGuidance(SUBJECT, deals);
    expect(g.status).toBe('insufficient');
    expect(g.comparables.map((c) => c.dealId)).toEqual(['d4', 'd3', 'd2', 'd1']);
    expect(g.minComparables).toBe(5);
  });

  it('gives the weighted P25, median and P75 of five equally similar deals, to the yuan', () => {
    const deals = [100_000, 200_000, 400_000, 800_000, 1_600_000].map((p, i) => deal(i + 1, p));
    const g = priceGuidance(SUBJECT, deals);
    if (g.status !== 'ok') throw new Error('expected a range');
    // equal weights: midpoints 0.1, 0.3, 0.5, 0.7, 0.9 → P25 = between the first two at 3/4, in logs
    expect(g.pointFen).toBe(40_000_000n);
    expect(g.lowFen).toBe(BigInt(Math.round(Math.exp(Math.log(100_000) + 0.75 * Math.log(2)))) * 100n);
    expect(g.highFen).toBe(BigInt(Math.round(Math.exp(Math.log(800_000) + 0.25 * Math.log(2)))) * 100n);
    expect(g.effectiveCount).toBe(5);
  });

  it('adjusts each comparable to the subject term before taking quantiles', () => {
    const deals = [1, 2, 3, 4, 5].map((i) => deal(i, 100_000, { remainingYears: 5 }));
    const g = priceGuidance(SUBJECT, deals);
    if (g.status !== 'ok') throw new Error('expected a range');
    const expected = BigInt(Math.round(100_000 * 2 ** 0.6)) * 100n;
    expect(g.pointFen).toBe(expected);
    expect(g.comparables[0].adjustedPriceFen).toBe(expected);
    expect(g.comparables[0].priceFen).toBe(10_000_000n);
  });

  it('weights by similarity: a close comparable pulls the median harder than a distant one', () => {
    const close = [1, 2, 3].map((i) => deal(i, 100_000));
    const far = [4, 5, 6].map((i) => deal(i, 400_000, { ipcClasses: ['C01F 7/02'] }));
    const g = priceGuidance(SUBJECT, [...close, ...far]);
    if (g.status !== 'ok') throw new Error('expected a range');
    expect(g.pointFen).toBe(10_000_000n);
    expect(g.comparables.slice(0, 3).every((c) => c.similarity === 1)).toBe(true);
    expect(g.comparables[3].similarity).toBeCloseTo(0.35, 3);
  });

  it('drops candidates below the similarity floor and keeps at most fifteen, the most similar first', () => {
    const weak = deal(99, 1_000, { ipcClasses: ['H01M 4/00'], ipType: 'utility_model', maturity: 'lab' }); // 0.1 × 0.6 × 0.45
    const many = Array.from({ length: 50 }, (_, i) => deal(i + 1, 100_000 + i));
    const g = priceGuidance(SUBJECT, [weak, ...many]);
    expect(g.comparables).toHaveLength(15);
    expect(g.comparables.some((c) => c.dealId === 'd99')).toBe(false);
  });
});
