import { Rate, roundHalfUp } from '@zjp/core';

/**
 * An exact amount of fen with a decimal fraction: numerator / 10^scale. Rates are exact
 * decimals, so base × rate (and sums of such products) is always an exact decimal; the
 * calculation keeps it exact through every cap and rounds once, half-up, at the end.
 */
export class ExactFen {
  private constructor(
    readonly numerator: bigint,
    readonly scale: number,
  ) {
    Object.freeze(this);
  }

  static zero(): ExactFen {
    return new ExactFen(0n, 0);
  }

  static fen(fen: bigint): ExactFen {
    return new ExactFen(fen, 0);
  }

  /** fen × rate, exactly. */
  static product(fen: bigint, rate: Rate): ExactFen {
    return new ExactFen(fen * rate.numerator, rate.scale).normalised();
  }

  add(other: ExactFen): ExactFen {
    const scale = Math.max(this.scale, other.scale);
    return new ExactFen(this.at(scale) + other.at(scale), scale).normalised();
  }

  subtract(other: ExactFen): ExactFen {
    const scale = Math.max(this.scale, other.scale);
    return new ExactFen(this.at(scale) - other.at(scale), scale).normalised();
  }

  /** The smaller of the two. */
  min(other: ExactFen): ExactFen {
    return this.compare(other) <= 0 ? this : other;
  }

  compare(other: ExactFen): -1 | 0 | 1 {
    const scale = Math.max(this.scale, other.scale);
    const a = this.at(scale);
    const b = other.at(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** The smaller of this and a whole number of fen, and whether the limit was the smaller one. */
  limitTo(limitFen: bigint): { value: ExactFen; bit: boolean } {
    const limit = ExactFen.fen(limitFen < 0n ? 0n : limitFen);
    return this.compare(limit) > 0 ? { value: limit, bit: true } : { value: this, bit: false };
  }

  /** Half-up to the fen (GLOSSARY: rounding is explicit, half-up to the fen). */
  roundHalfUp(): bigint {
    return roundHalfUp(this.numerator, 10n ** BigInt(this.scale));
  }

  isWhole(): boolean {
    return this.scale === 0;
  }

  /** Fen as an exact decimal: "12345", "12345.5", "0.125". */
  toString(): string {
    if (this.scale === 0) return this.numerator.toString();
    const negative = this.numerator < 0n;
    const digits = (negative ? -this.numerator : this.numerator).toString().padStart(this.scale + 1, '0');
    return `${negative ? '-' : ''}${digits.slice(0, -this.scale)}.${digits.slice(-this.scale)}`;
  }

  toJSON(): string {
    return this.toString();
  }

  private at(scale: number): bigint {
    return this.numerator * 10n ** BigInt(scale - this.scale);
  }

  private normalised(): ExactFen {
    let { numerator, scale } = this;
    while (scale > 0 && numerator % 10n === 0n) {
      numerator /= 10n;
      scale -= 1;
    }
    return numerator === this.numerator && scale === this.scale ? this : new ExactFen(numerator, scale);
  }
}
