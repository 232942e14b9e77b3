import { DomainError } from './errors';
import { Rate, roundHalfUp } from './rate';

describe('roundHalfUp', () => {
  it.each`
    numerator | denominator | expected | case
    ${5n}     | ${10n}      | ${1n}    | ${'rounds exactly half up'}
    ${15n}    | ${10n}      | ${2n}    | ${'rounds 1.5 up to 2'}
    ${25n}    | ${10n}      | ${3n}    | ${'rounds 2.5 up to 3 (not to even)'}
    ${14n}    | ${10n}      | ${1n}    | ${'rounds 1.4 down to 1'}
    ${149n}   | ${100n}     | ${1n}    | ${'rounds 1.49 down to 1'}
    ${16n}    | ${10n}      | ${2n}    | ${'rounds 1.6 up to 2'}
    ${4n}     | ${10n}      | ${0n}    | ${'rounds 0.4 down to 0'}
    ${20n}    | ${10n}      | ${2n}    | ${'keeps an exact quotient'}
    ${0n}     | ${7n}       | ${0n}    | ${'keeps zero'}
    ${-5n}    | ${10n}      | ${-1n}   | ${'rounds negative half away from zero'}
    ${-15n}   | ${10n}      | ${-2n}   | ${'rounds -1.5 to -2'}
    ${-14n}   | ${10n}      | ${-1n}   | ${'rounds -1.4 to -1'}
    ${5n}     | ${-10n}     | ${-1n}   | ${'handles a negative denominator'}
    ${-5n}    | ${-10n}     | ${1n}    | ${'handles both negative'}
    ${1n}     | ${3n}       | ${0n}    | ${'rounds a third down'}
    ${2n}     | ${3n}       | ${1n}    | ${'rounds two thirds up'}
  `('$case: $numerator/$denominator → $expected', ({ numerator, denominator, expected }) => {
    expect(roundHalfUp(numerator, denominator)).toBe(expected);
  });

  it('refuses a zero denominator', () => {
    expect(() => roundHalfUp(1n, 0n)).toThrow(RangeError);
  });

  it('rounds x and -x symmetrically', () => {
    for (let n = -50n; n <= 50n; n++) expect(roundHalfUp(-n, 10n)).toBe(-roundHalfUp(n, 10n));
  });
});

describe('Rate.parse', () => {
  it.each`
    input       | numerator | scale | canonical
    ${'0.1'}    | ${1n}     | ${1}  | ${'0.1'}
    ${'0.10'}   | ${1n}     | ${1}  | ${'0.1'}
    ${'0.125'}  | ${125n}   | ${3}  | ${'0.125'}
    ${'1'}      | ${1n}     | ${0}  | ${'1'}
    ${'0'}      | ${0n}     | ${0}  | ${'0'}
    ${'0.000'}  | ${0n}     | ${0}  | ${'0'}
    ${'1.5'}    | ${15n}    | ${1}  | ${'1.5'}
    ${'12.5%'}  | ${125n}   | ${3}  | ${'0.125'}
    ${'10%'}    | ${1n}     | ${1}  | ${'0.1'}
    ${'100%'}   | ${1n}     | ${0}  | ${'1'}
    ${'0.5%'}   | ${5n}     | ${3}  | ${'0.005'}
    ${'007.50'} | ${75n}    | ${1}  | ${'7.5'}
  `('parses "$input" exactly as $numerator/10^$scale', ({ input, numerator, scale, canonical }) => {
    const rate = Rate.parse(input);
    expect(rate.numerator).toBe(numerator);
    expect(rate.scale).toBe(scale);
    expect(rate.toString()).toBe(canonical);
  });

  it.each([
    ['abc'],
    ['1e3'],
    ['1E-2'],
    [''],
    [' '],
    ['.5'],
    ['5.'],
    ['-0.1'],
    ['+0.1'],
    ['0.1 '],
    [' 0.1'],
    ['%'],
    ['12.5 %'],
    ['12.5%%'],
    ['0,1'],
    ['0x10'],
    ['Infinity'],
    ['NaN'],
    ['０.１'],
  ])('rejects %p with INVALID_RATE', (input) => {
    expect(() => Rate.parse(input)).toThrow(expect.objectContaining({ code: 'INVALID_RATE', kind: 'validation' }));
  });

  it.each([[0.1], [Number.NaN], [null], [undefined]])('rejects the non-string %p, since a float is already inexact', (input) => {
    expect(() => Rate.parse(input as unknown as string)).toThrow(DomainError);
  });
});

describe('Rate', () => {
  it.each`
    a          | b          | expected
    ${'0.1'}   | ${'10%'}   | ${0}
    ${'0.10'}  | ${'0.1'}   | ${0}
    ${'0.125'} | ${'0.13'}  | ${-1}
    ${'1'}     | ${'0.999'} | ${1}
  `('compares $a with $b as $expected', ({ a, b, expected }) => {
    expect(Rate.parse(a).compare(Rate.parse(b))).toBe(expected);
    expect(Rate.parse(a).equals(Rate.parse(b))).toBe(expected === 0);
  });

  it.each`
    input      | percent
    ${'0.125'} | ${'12.5%'}
    ${'0.1'}   | ${'10%'}
    ${'1'}     | ${'100%'}
    ${'0.005'} | ${'0.5%'}
    ${'0'}     | ${'0%'}
  `('formats $input as the percentage $percent', ({ input, percent }) => {
    expect(Rate.parse(input).toPercentString()).toBe(percent);
  });

  it('serialises to JSON as its canonical decimal string', () => {
    expect(JSON.stringify({ rate: Rate.parse('12.50%') })).toBe('{"rate":"0.125"}');
  });

  it('has a zero', () => {
    expect(Rate.zero().isZero()).toBe(true);
    expect(Rate.parse('0.01').isZero()).toBe(false);
  });

  it('exposes its power-of-ten denominator', () => {
    expect(Rate.parse('0.125').denominator).toBe(1000n);
  });
});
