import { decodeIncrement, defaultIncrement, encodeIncrement, incrementAt, minimumNextBid, validateIncrementRule, type IncrementRule } from './increment';

// 0–999.99 yuan: +10 yuan; 1,000–9,999.99 yuan: +50 yuan; from 10,000 yuan: +200 yuan (in fen).
const LADDER: IncrementRule = {
  kind: 'ladder',
  bands: [
    { fromFen: 0n, incrementFen: 1_000n },
    { fromFen: 100_000n, incrementFen: 5_000n },
    { fromFen: 1_000_000n, incrementFen: 20_000n },
  ],
};
const FIXED: IncrementRule = { kind: 'fixed', amountFen: 500n };

describe('incrementAt', () => {
  it.each`
    rule      | currentFen     | expected   | behaviour
    ${FIXED}  | ${0n}          | ${500n}    | ${'a fixed increment applies at any price (0)'}
    ${FIXED}  | ${12_345_678n} | ${500n}    | ${'a fixed increment applies at any price (high)'}
    ${LADDER} | ${0n}          | ${1_000n}  | ${'the first band starts at 0'}
    ${LADDER} | ${99_999n}     | ${1_000n}  | ${'one fen below a band boundary stays in the lower band'}
    ${LADDER} | ${100_000n}    | ${5_000n}  | ${'a price exactly at fromFen is in that band'}
    ${LADDER} | ${100_001n}    | ${5_000n}  | ${'one fen above a boundary is in the upper band'}
    ${LADDER} | ${999_999n}    | ${5_000n}  | ${'one fen below the top band stays in the middle band'}
    ${LADDER} | ${1_000_000n}  | ${20_000n} | ${'exactly at the top band boundary takes the top band'}
    ${LADDER} | ${10n ** 15n}  | ${20_000n} | ${'the top band is open-ended'}
  `('$behaviour', ({ rule, currentFen, expected }: { rule: IncrementRule; currentFen: bigint; expected: bigint }) => {
    expect(incrementAt(rule, currentFen)).toBe(expected);
  });

  it.each`
    rule                                                               | currentFen | behaviour
    ${LADDER}                                                          | ${-1n}     | ${'refuses a negative price, below every band'}
    ${{ kind: 'fixed', amountFen: 0n }}                                | ${100n}    | ${'refuses a zero fixed increment that would let a bid repeat the price'}
    ${{ kind: 'ladder', bands: [] }}                                   | ${100n}    | ${'refuses an empty ladder'}
    ${{ kind: 'ladder', bands: [{ fromFen: 0n, incrementFen: -5n }] }} | ${100n}    | ${'refuses a negative band increment'}
  `('$behaviour', ({ rule, currentFen }: { rule: IncrementRule; currentFen: bigint }) => {
    expect(() => incrementAt(rule, currentFen)).toThrow(RangeError);
  });
});

describe('minimumNextBid', () => {
  const lot = { startingPriceFen: 50_000n, increment: LADDER };

  it.each`
    currentFen    | expected      | behaviour
    ${null}       | ${50_000n}    | ${'is the starting price before the first bid'}
    ${50_000n}    | ${51_000n}    | ${'adds the band increment of the current price'}
    ${99_999n}    | ${100_999n}   | ${'uses the band of the current price, not of the amount it leads to'}
    ${100_000n}   | ${105_000n}   | ${'uses the upper band when the current price is exactly at its fromFen'}
    ${1_000_000n} | ${1_020_000n} | ${'uses the top band from its boundary on'}
  `('$behaviour', ({ currentFen, expected }: { currentFen: bigint | null; expected: bigint }) => {
    expect(minimumNextBid(lot, currentFen)).toBe(expected);
  });

  it('adds a fixed increment', () => {
    expect(minimumNextBid({ startingPriceFen: 1_000n, increment: FIXED }, 1_000n)).toBe(1_500n);
  });
});

describe('validateIncrementRule', () => {
  it.each`
    rule                                                              | behaviour
    ${FIXED}                                                          | ${'accepts a positive fixed increment'}
    ${LADDER}                                                         | ${'accepts a sorted ladder from 0 with positive increments'}
    ${{ kind: 'ladder', bands: [{ fromFen: 0n, incrementFen: 1n }] }} | ${'accepts a one-band ladder'}
  `('$behaviour', ({ rule }: { rule: IncrementRule }) => {
    expect(validateIncrementRule(rule)).toEqual([]);
  });

  it.each`
    rule                                                                                                                                           | problem                                 | behaviour
    ${{ kind: 'ladder', bands: [] }}                                                                                                               | ${/no bands/}                           | ${'reports an empty ladder'}
    ${{ kind: 'ladder', bands: [{ fromFen: 100n, incrementFen: 10n }] }}                                                                           | ${/must start at 0/}                    | ${'reports a ladder not starting at 0'}
    ${{ kind: 'ladder', bands: [{ fromFen: 0n, incrementFen: 10n }, { fromFen: 500n, incrementFen: 20n }, { fromFen: 200n, incrementFen: 30n }] }} | ${/band 3: .*sorted/}                   | ${'reports unsorted bands'}
    ${{ kind: 'ladder', bands: [{ fromFen: 0n, incrementFen: 10n }, { fromFen: 0n, incrementFen: 20n }] }}                                         | ${/band 2: duplicate fromFen 0/}        | ${'reports a duplicate fromFen'}
    ${{ kind: 'ladder', bands: [{ fromFen: 0n, incrementFen: 0n }] }}                                                                              | ${/band 1: increment must be positive/} | ${'reports a zero band increment'}
    ${{ kind: 'ladder', bands: [{ fromFen: 0n, incrementFen: 10n }, { fromFen: 50n, incrementFen: -1n }] }}                                        | ${/band 2: increment must be positive/} | ${'reports a negative band increment'}
    ${{ kind: 'fixed', amountFen: 0n }}                                                                                                            | ${/must be positive/}                   | ${'reports a zero fixed increment'}
    ${{ kind: 'fixed', amountFen: -100n }}                                                                                                         | ${/must be positive/}                   | ${'reports a negative fixed increment'}
    ${{ kind: 'fixed', amountFen: 100 }}                                                                                                           | ${/must be a bigint/}                   | ${'reports a fixed amount that is not a bigint (e.g. JSON)'}
    ${{ kind: 'ladder', bands: [{ fromFen: '0', incrementFen: 10n }] }}                                                                            | ${/must be bigints/}                    | ${'reports a band amount that is not a bigint'}
    ${{ kind: 'percent', rate: 0.1 }}                                                                                                              | ${/unknown increment kind/}             | ${'reports an unknown kind'}
  `('$behaviour', ({ rule, problem }: { rule: IncrementRule; problem: RegExp }) => {
    const problems = validateIncrementRule(rule);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it('reports every problem of a ladder at once', () => {
    const rule: IncrementRule = {
      kind: 'ladder',
      bands: [
        { fromFen: 10n, incrementFen: 0n },
        { fromFen: 10n, incrementFen: 5n },
      ],
    };
    expect(validateIncrementRule(rule)).toHaveLength(3);
  });
});

describe('encodeIncrement / decodeIncrement: the one stored and sent form', () => {
  it.each`
    behaviour                          | rule
    ${'round-trips a fixed increment'} | ${{ kind: 'fixed', amountFen: 123_456_789_012_345n }}
    ${'round-trips a ladder'}          | ${LADDER}
  `('$behaviour', ({ rule }: { rule: IncrementRule }) => {
    const json = encodeIncrement(rule);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json); // survives the jsonb column
    expect(decodeIncrement(json)).toEqual(rule);
  });

  it('writes fen as strings, never as numbers', () => {
    expect(encodeIncrement(LADDER)).toEqual({
      kind: 'ladder',
      bands: [
        { fromFen: '0', incrementFen: '1000' },
        { fromFen: '100000', incrementFen: '5000' },
        { fromFen: '1000000', incrementFen: '20000' },
      ],
    });
  });
});

describe('defaultIncrement: 1 % of the starting price, at least 1 元', () => {
  it.each`
    startingFen    | incrementFen
    ${1n}          | ${100n}
    ${10_000n}     | ${100n}
    ${10_099n}     | ${100n}
    ${10_100n}     | ${101n}
    ${50_000_000n} | ${500_000n}
  `('$startingFen fen → $incrementFen fen', ({ startingFen, incrementFen }: { startingFen: bigint; incrementFen: bigint }) => {
    expect(defaultIncrement(startingFen)).toEqual({ kind: 'fixed', amountFen: incrementFen });
    expect(validateIncrementRule(defaultIncrement(startingFen))).toEqual([]);
  });
});
