import { DomainError } from './errors';

/**
 * Rounds numerator/denominator to the nearest integer, halves away from zero
 * (2.5 → 3, -2.5 → -3), as Java's RoundingMode.HALF_UP. GLOSSARY: "rounding is explicit
 * (half-up to the fen)"; rounding negatives away from zero keeps x and -x symmetric, so a refund
 * rounds to exactly the negative of the charge it reverses.
 */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('roundHalfUp: denominator is zero');
  if (denominator < 0n) return roundHalfUp(-numerator, -denominator);
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = magnitude / denominator;
  const rounded = 2n * (magnitude % denominator) >= denominator ? quotient + 1n : quotient;
  return negative ? -rounded : rounded;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?(%)?$/;

/**
 * An exact, non-negative decimal rate (0.10, 12.5%): value = numerator / 10^scale.
 * Parsed from strings only, because a JS number such as 0.1 is already inexact.
 */
export class Rate {
  private constructor(
    readonly numerator: bigint,
    readonly scale: number,
  ) {
    Object.freeze(this);
  }

  /** Accepts "0.1", "0.125", "1", "12.5%"; rejects exponents, signs, blanks and bare dots. */
  static parse(input: string): Rate {
    const match = typeof input === 'string' ? DECIMAL.exec(input) : null;
    if (!match) {
      throw new DomainError('INVALID_RATE', `Not a decimal rate: "${String(input)}"`, {
        kind: 'validation',
      });
    }
    const [, whole, fraction = '', percent] = match;
    return Rate.normalised(BigInt(whole + fraction), fraction.length + (percent ? 2 : 0));
  }

  static zero(): Rate {
    return new Rate(0n, 0);
  }

  get denominator(): bigint {
    return 10n ** BigInt(this.scale);
  }

  isZero(): boolean {
    return this.numerator === 0n;
  }

  compare(other: Rate): -1 | 0 | 1 {
    const left = this.numerator * other.denominator;
    const right = other.numerator * this.denominator;
    return left < right ? -1 : left > right ? 1 : 0;
  }

  equals(other: Rate): boolean {
    return this.compare(other) === 0;
  }

  /** Canonical decimal form without trailing zeros: "0.1", "0.125", "1". */
  toString(): string {
    if (this.scale === 0) return this.numerator.toString();
    const digits = this.numerator.toString().padStart(this.scale + 1, '0');
    return `${digits.slice(0, -this.scale)}.${digits.slice(-this.scale)}`;
  }

  /** "12.5%", "10%". */
  toPercentString(): string {
    return `${Rate.normalised(this.numerator, this.scale - 2).toString()}%`;
  }

  toJSON(): string {
    return this.toString();
  }

  // Strips trailing zeros so that "0.10" and "0.1" have one representation; a negative scale
  // (from "100%" shifted for display) is folded back into the numerator.
  private static normalised(numerator: bigint, scale: number): Rate {
    while (scale < 0) {
      numerator *= 10n;
      scale += 1;
    }
    while (scale > 0 && numerator % 10n === 0n) {
      numerator /= 10n;
      scale -= 1;
    }
    return new Rate(numerator, scale);
  }
}
