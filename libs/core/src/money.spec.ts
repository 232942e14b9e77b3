import { DomainError } from './errors';
import { Money } from './money';
import { Rate } from './rate';

const fen = (n: number | bigint) => Money.fen(n);

describe('Money parsing', () => {
  it.each`
    input                         | expected
    ${0}                          | ${0n}
    ${123}                        | ${123n}
    ${-45}                        | ${-45n}
    ${Number.MAX_SAFE_INTEGER}    | ${9007199254740991n}
    ${123n}                       | ${123n}
    ${'123456'}                   | ${123456n}
    ${'-7'}                       | ${-7n}
    ${'0012'}                     | ${12n}
    ${'123456789012345678901234'} | ${123456789012345678901234n}
  `('takes $input fen', ({ input, expected }) => {
    expect(Money.fen(input).fen).toBe(expected);
  });

  it.each([
    [1.5],
    [0.1],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [Number.MAX_SAFE_INTEGER + 1],
    ['1.5'],
    ['12.00'],
    ['1e3'],
    [''],
    [' 12'],
    ['+12'],
    ['abc'],
    ['１２'],
    [null],
    [undefined],
  ])('rejects %p as fen with INVALID_MONEY', (input) => {
    expect(() => Money.fen(input as never)).toThrow(expect.objectContaining({ code: 'INVALID_MONEY', kind: 'validation' }));
  });

  it.each`
    input                        | expected
    ${'12.34'}                   | ${1234n}
    ${'12.3'}                    | ${1230n}
    ${'12'}                      | ${1200n}
    ${'0.05'}                    | ${5n}
    ${'0.5'}                     | ${50n}
    ${'-0.05'}                   | ${-5n}
    ${'-12.34'}                  | ${-1234n}
    ${'-0.00'}                   | ${0n}
    ${'99999999999999999999.99'} | ${9999999999999999999999n}
  `('parses $input yuan as $expected fen', ({ input, expected }) => {
    expect(Money.yuan(input).fen).toBe(expected);
  });

  it.each([['12.345'], ['0.001'], ['12.'], ['.5'], [''], ['abc'], ['1e3'], ['1,000.00'], ['¥12.34'], ['12.34 '], ['+1'], ['NaN'], ['Infinity']])(
    'rejects %p as yuan with INVALID_MONEY',
    (input) => {
      expect(() => Money.yuan(input)).toThrow(expect.objectContaining({ code: 'INVALID_MONEY' }));
    },
  );

  it.each([[12.34], [12], [Number.NaN]])('rejects the number %p as yuan, since floats are never money', (input) => {
    expect(() => Money.yuan(input as unknown as string)).toThrow(DomainError);
  });
});

describe('Money arithmetic', () => {
  it.each`
    a      | b      | sum     | difference
    ${100} | ${23}  | ${123n} | ${77n}
    ${5}   | ${10}  | ${15n}  | ${-5n}
    ${0}   | ${0}   | ${0n}   | ${0n}
    ${-50} | ${-25} | ${-75n} | ${-25n}
  `('adds and subtracts $a and $b fen exactly', ({ a, b, sum, difference }) => {
    expect(fen(a).add(fen(b)).fen).toBe(sum);
    expect(fen(a).subtract(fen(b)).fen).toBe(difference);
  });

  it('stays exact beyond 2^53 fen', () => {
    const big = Money.fen(2n ** 60n);
    expect(big.add(fen(1)).subtract(big).fen).toBe(1n);
  });

  it('sums a list, zero when empty', () => {
    expect(Money.sum([fen(1), fen(2), fen(3)]).fen).toBe(6n);
    expect(Money.sum([]).isZero()).toBe(true);
  });

  it('negates', () => {
    expect(fen(5).negate().fen).toBe(-5n);
  });

  it('leaves operands unchanged (immutable)', () => {
    const a = fen(10);
    a.add(fen(5));
    expect(a.fen).toBe(10n);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it.each`
    a     | b    | compare
    ${1}  | ${2} | ${-1}
    ${2}  | ${2} | ${0}
    ${3}  | ${2} | ${1}
    ${-3} | ${2} | ${-1}
  `('compares $a with $b as $compare', ({ a, b, compare }) => {
    const [x, y] = [fen(a), fen(b)];
    expect(x.compare(y)).toBe(compare);
    expect(x.equals(y)).toBe(compare === 0);
    expect(x.isLessThan(y)).toBe(compare < 0);
    expect(x.isLessThanOrEqual(y)).toBe(compare <= 0);
    expect(x.isGreaterThan(y)).toBe(compare > 0);
    expect(x.isGreaterThanOrEqual(y)).toBe(compare >= 0);
  });

  it.each`
    amount | negative | zero     | positive
    ${-1}  | ${true}  | ${false} | ${false}
    ${0}   | ${false} | ${true}  | ${false}
    ${1}   | ${false} | ${false} | ${true}
  `('classifies $amount fen by sign', ({ amount, negative, zero, positive }) => {
    expect(fen(amount).isNegative()).toBe(negative);
    expect(fen(amount).isZero()).toBe(zero);
    expect(fen(amount).isPositive()).toBe(positive);
  });

  it('has a zero equal to 0 fen', () => {
    expect(Money.zero().equals(fen(0))).toBe(true);
  });
});

describe('Money.multiplyByRate', () => {
  it.each`
    amount         | rate       | expected      | case
    ${5}           | ${'0.1'}   | ${1n}         | ${'rounds exactly half a fen up'}
    ${15}          | ${'0.1'}   | ${2n}         | ${'rounds 1.5 fen up to 2'}
    ${25}          | ${'0.1'}   | ${3n}         | ${'rounds 2.5 fen up to 3, not to even'}
    ${14}          | ${'0.1'}   | ${1n}         | ${'rounds 1.4 fen down to 1'}
    ${4}           | ${'0.1'}   | ${0n}         | ${'rounds 0.4 fen down to 0'}
    ${-5}          | ${'0.1'}   | ${-1n}        | ${'rounds negative half a fen away from zero'}
    ${-15}         | ${'0.1'}   | ${-2n}        | ${'rounds -1.5 fen to -2'}
    ${-14}         | ${'0.1'}   | ${-1n}        | ${'rounds -1.4 fen to -1'}
    ${1000}        | ${'12.5%'} | ${125n}       | ${'applies a percentage'}
    ${4}           | ${'12.5%'} | ${1n}         | ${'rounds 0.5 fen from a percentage up'}
    ${3}           | ${'12.5%'} | ${0n}         | ${'rounds 0.375 fen down'}
    ${100_000_000} | ${'0.03'}  | ${3_000_000n} | ${'computes 3% of one million yuan exactly'}
    ${333}         | ${'0.333'} | ${111n}       | ${'rounds once at the end (110.889 → 111)'}
    ${12345}       | ${'1'}     | ${12345n}     | ${'keeps the amount at rate 1'}
    ${12345}       | ${'0'}     | ${0n}         | ${'gives zero at rate 0'}
    ${10}          | ${'1.55'}  | ${16n}        | ${'rounds 15.5 fen up with a rate above 1'}
  `('$case: $amount fen × $rate = $expected fen', ({ amount, rate, expected }) => {
    expect(fen(amount).multiplyByRate(Rate.parse(rate)).fen).toBe(expected);
  });

  it('rounds a true half up where float arithmetic would round it down', () => {
    // 100 × 0.285 is 28.499999999999996 in floating point
    expect(fen(100).multiplyByRate(Rate.parse('0.285')).fen).toBe(29n);
  });
});

describe('Money.allocate', () => {
  it.each`
    amount  | ratios          | expected
    ${100}  | ${[1, 1, 1]}    | ${[34n, 33n, 33n]}
    ${5}    | ${[3, 7]}       | ${[2n, 3n]}
    ${101}  | ${[1, 1]}       | ${[51n, 50n]}
    ${10}   | ${[1, 0, 1]}    | ${[5n, 0n, 5n]}
    ${1}    | ${[1, 0, 0]}    | ${[1n, 0n, 0n]}
    ${1}    | ${[0, 0, 1]}    | ${[0n, 0n, 1n]}
    ${2}    | ${[1, 1, 1]}    | ${[1n, 1n, 0n]}
    ${0}    | ${[1, 2]}       | ${[0n, 0n]}
    ${-100} | ${[1, 1, 1]}    | ${[-34n, -33n, -33n]}
    ${1000} | ${[70, 20, 10]} | ${[700n, 200n, 100n]}
    ${7}    | ${[1n, 2n]}     | ${[2n, 5n]}
    ${100}  | ${[1]}          | ${[100n]}
  `('splits $amount fen by $ratios into $expected', ({ amount, ratios, expected }) => {
    expect(
      fen(amount)
        .allocate(ratios)
        .map((m: Money) => m.fen),
    ).toEqual(expected);
  });

  it.each`
    amount        | ratios
    ${1}          | ${[1, 1, 1, 1]}
    ${99_999}     | ${[3, 3, 3]}
    ${12_345_679} | ${[17, 29, 3, 51]}
    ${-12_345}    | ${[2, 5, 7]}
    ${1_000_003}  | ${[1, 1, 1, 1, 1, 1, 1]}
  `('loses no fen splitting $amount by $ratios', ({ amount, ratios }) => {
    const parts = fen(amount).allocate(ratios);
    expect(Money.sum(parts).fen).toBe(BigInt(amount));
    expect(parts).toHaveLength(ratios.length);
  });

  it.each([[[]], [[0, 0]], [[1, -1]], [[1.5, 1]]])('refuses the ratios %p', (ratios) => {
    expect(() => fen(100).allocate(ratios)).toThrow(RangeError);
  });
});

describe('Money formatting', () => {
  it.each`
    amount     | digits       | yuan
    ${123456}  | ${'123456'}  | ${'1234.56'}
    ${5}       | ${'5'}       | ${'0.05'}
    ${50}      | ${'50'}      | ${'0.50'}
    ${100}     | ${'100'}     | ${'1.00'}
    ${0}       | ${'0'}       | ${'0.00'}
    ${-5}      | ${'-5'}      | ${'-0.05'}
    ${-123456} | ${'-123456'} | ${'-1234.56'}
  `('writes $amount fen as "$digits" fen and "$yuan" yuan', ({ amount, digits, yuan }) => {
    expect(fen(amount).toString()).toBe(digits);
    expect(fen(amount).toYuanString()).toBe(yuan);
  });

  it('serialises to JSON as fen in a string', () => {
    expect(JSON.stringify({ price: Money.yuan('1234.56') })).toBe('{"price":"123456"}');
  });

  it('round-trips through yuan strings', () => {
    for (const text of ['0.00', '0.01', '-0.99', '1234567.89']) expect(Money.yuan(text).toYuanString()).toBe(text);
  });

  it('round-trips through its JSON form', () => {
    const price = Money.fen(2n ** 70n);
    expect(Money.fen(JSON.parse(JSON.stringify(price))).equals(price)).toBe(true);
  });
});
