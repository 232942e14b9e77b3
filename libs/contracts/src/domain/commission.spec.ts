import { commissionFen } from './commission';

describe('commissionFen', () => {
  it.each([
    [1_000_000n, 300, 30_000n], // 3% of 10,000 元
    [12_345n, 300, 370n], // 370.35 → 370
    [12_350n, 300, 371n], // 370.5 → 371 (half up)
    [1n, 1, 0n], // 0.0001 fen → 0
    [5_000n, 1, 1n], // 0.5 fen → 1
    [999_999_999_999n, 10_000, 999_999_999_999n], // 100%
  ])('a rate: %s fen at %s bp is %s fen', (value, bp, expected) => {
    expect(commissionFen(value, { rateBp: bp, fixedFen: null })).toBe(expected);
  });

  it('a fixed amount whatever the value', () => {
    expect(commissionFen(1_000_000n, { rateBp: null, fixedFen: 50_000n })).toBe(50_000n);
  });

  it('refuses rates out of range and non-positive fixed amounts', () => {
    expect(() => commissionFen(1n, { rateBp: 0, fixedFen: null })).toThrow(RangeError);
    expect(() => commissionFen(1n, { rateBp: 10_001, fixedFen: null })).toThrow(RangeError);
    expect(() => commissionFen(1n, { rateBp: null, fixedFen: 0n })).toThrow(RangeError);
  });
});
