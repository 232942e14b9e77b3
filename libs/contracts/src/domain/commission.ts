/**
 * 佣金: a technology broker's commission on a contract of a deal made through its mandate, as the
 * mandate agreed it — a rate in basis points of the contract value, or a fixed amount. Integer
 * fen throughout; a rate rounds half up to the fen (value × bp / 10 000, ties away from zero), and
 * never exceeds the value.
 */
export type CommissionTerms = { rateBp: number; fixedFen: null } | { rateBp: null; fixedFen: bigint };

export function commissionFen(valueFen: bigint, terms: CommissionTerms): bigint {
  if (valueFen < 0n) throw new RangeError('a contract value is not negative');
  if (terms.rateBp !== null) {
    if (!Number.isInteger(terms.rateBp) || terms.rateBp < 1 || terms.rateBp > 10_000) throw new RangeError('a commission rate is 1 to 10000 basis points');
    return (valueFen * BigInt(terms.rateBp) + 5_000n) / 10_000n;
  }
  if (terms.fixedFen <= 0n) throw new RangeError('a fixed commission is more than 0 fen');
  return terms.fixedFen;
}
