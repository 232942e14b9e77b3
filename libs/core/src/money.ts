import { DomainError } from './errors';
import { Rate, roundHalfUp } from './rate';

const FEN_DIGITS = /^-?\d+$/;
const YUAN = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

function invalidMoney(input: unknown, why: string): DomainError {
  return new DomainError('INVALID_MONEY', `Not a money amount (${why}): "${String(input)}"`, {
    kind: 'validation',
  });
}

function toWeight(ratio: bigint | number): bigint {
  if (typeof ratio === 'bigint' ? ratio < 0n : !Number.isSafeInteger(ratio) || ratio < 0) {
    throw new RangeError(`allocate: ratios must be non-negative integers, got ${String(ratio)}`);
  }
  return BigInt(ratio);
}

/**
 * An amount of CNY in integer fen (分). GLOSSARY "Dates, money and time": never a float; a
 * rate is applied with one explicit half-up rounding to the fen.
 */
export class Money {
  private constructor(readonly fen: bigint) {
    Object.freeze(this);
  }

  /** From fen: a bigint, a safe integer number, or a string of digits (as pg returns bigint). */
  static fen(amount: bigint | number | string): Money {
    if (typeof amount === 'bigint') return new Money(amount);
    if (typeof amount === 'number') {
      if (!Number.isSafeInteger(amount)) throw invalidMoney(amount, 'fen must be a safe integer');
      return new Money(BigInt(amount));
    }
    if (typeof amount === 'string' && FEN_DIGITS.test(amount)) return new Money(BigInt(amount));
    throw invalidMoney(amount, 'fen must be an integer');
  }

  /** From a yuan string with at most two decimals: "12", "12.3", "-0.05". */
  static yuan(amount: string): Money {
    const match = typeof amount === 'string' ? YUAN.exec(amount) : null;
    if (!match) throw invalidMoney(amount, 'yuan must be a decimal string with at most 2 decimals');
    const [, sign, whole, fraction = ''] = match;
    const fen = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
    return new Money(sign ? -fen : fen);
  }

  static zero(): Money {
    return new Money(0n);
  }

  static sum(amounts: Iterable<Money>): Money {
    let total = 0n;
    for (const amount of amounts) total += amount.fen;
    return new Money(total);
  }

  add(other: Money): Money {
    return new Money(this.fen + other.fen);
  }

  subtract(other: Money): Money {
    return new Money(this.fen - other.fen);
  }

  negate(): Money {
    return new Money(-this.fen);
  }

  compare(other: Money): -1 | 0 | 1 {
    return this.fen < other.fen ? -1 : this.fen > other.fen ? 1 : 0;
  }

  equals(other: Money): boolean {
    return this.fen === other.fen;
  }

  isGreaterThan(other: Money): boolean {
    return this.fen > other.fen;
  }

  isGreaterThanOrEqual(other: Money): boolean {
    return this.fen >= other.fen;
  }

  isLessThan(other: Money): boolean {
    return this.fen < other.fen;
  }

  isLessThanOrEqual(other: Money): boolean {
    return this.fen <= other.fen;
  }

  isNegative(): boolean {
    return this.fen < 0n;
  }

  isZero(): boolean {
    return this.fen === 0n;
  }

  isPositive(): boolean {
    return this.fen > 0n;
  }

  /** Exact product, rounded once, half away from zero (see roundHalfUp): 15 fen × 0.1 = 2 fen. */
  multiplyByRate(rate: Rate): Money {
    return new Money(roundHalfUp(this.fen * rate.numerator, rate.denominator));
  }

  /**
   * Splits this amount in proportion to integer ratios so that the parts sum back exactly. Each
   * part gets its floor share; the fen left over go one each to the parts with the largest
   * remainders (ties: the earlier part), so a part with ratio 0 never receives a fen.
   * A negative amount is split as its magnitude, then negated.
   */
  allocate(ratios: readonly (bigint | number)[]): Money[] {
    const weights = ratios.map(toWeight);
    const totalWeight = weights.reduce((a, b) => a + b, 0n);
    if (totalWeight === 0n) throw new RangeError('allocate: needs at least one positive ratio');
    const sign = this.fen < 0n ? -1n : 1n;
    const magnitude = this.fen * sign;
    const shares = weights.map((w) => (magnitude * w) / totalWeight);
    const remainders = weights.map((w) => (magnitude * w) % totalWeight);
    let leftover = magnitude - shares.reduce((a, b) => a + b, 0n);
    const byRemainder = weights.map((_, i) => i).sort((a, b) => (remainders[a] === remainders[b] ? a - b : remainders[a] > remainders[b] ? -1 : 1));
    for (const i of byRemainder) {
      if (leftover === 0n) break;
      shares[i] += 1n;
      leftover -= 1n;
    }
    return shares.map((share) => new Money(share * sign));
  }

  /** Fen as digits, e.g. "123456". */
  toString(): string {
    return this.fen.toString();
  }

  /** Yuan with exactly two decimals, e.g. "1234.56", "-0.05". */
  toYuanString(): string {
    const magnitude = this.fen < 0n ? -this.fen : this.fen;
    const sign = this.fen < 0n ? '-' : '';
    return `${sign}${magnitude / 100n}.${(magnitude % 100n).toString().padStart(2, '0')}`;
  }

  /** Fen as a string: JSON has no bigint, and a JS number would lose precision above 2^53. */
  toJSON(): string {
    return this.fen.toString();
  }
}
