/*
 * The browser's copy of the API's patent-number rule (libs/achievements/src/domain/patent-number.ts),
 * so that the form says at once what the API would refuse: 12 digits (8 before 2003), a dot and a
 * check character Σ digitᵢ × weightᵢ mod 11 (10 written X), optionally prefixed ZL; full-width
 * characters folded, whitespace dropped. The API checks again and its field error is shown too.
 */
const WEIGHTS_2003 = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
const WEIGHTS_PRE2003 = [2, 3, 4, 5, 6, 7, 8, 9];
const SHAPE = /^(?:ZL)?(\d{12}|\d{8})\.([0-9X])$/;

export function patentCheckChar(digits: string): string {
  const weights = digits.length === 12 ? WEIGHTS_2003 : WEIGHTS_PRE2003;
  const sum = weights.reduce((acc, w, i) => acc + w * Number(digits[i]), 0);
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

export type PatentCheck =
  | { ok: true; normalized: string; typeDigit?: string }
  | { ok: false; code: 'patentNumberFormat' }
  | { ok: false; code: 'patentCheckDigit'; digits: string; expected: string; got: string };

export function checkPatentNumber(input: string): PatentCheck {
  const compact = input.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  const m = SHAPE.exec(compact);
  if (!m) return { ok: false, code: 'patentNumberFormat' };
  const [, digits, got] = m;
  const expected = patentCheckChar(digits);
  if (got !== expected) return { ok: false, code: 'patentCheckDigit', digits, expected, got };
  return { ok: true, normalized: `ZL${digits}.${got}`, ...(digits.length === 12 ? { typeDigit: digits[4] } : {}) };
}

const TYPE_BY_DIGIT: Record<string, string> = {
  '1': 'invention_patent',
  '2': 'utility_model',
  '3': 'design_patent',
  '8': 'invention_patent',
  '9': 'utility_model',
};

/** Whether the number's 5th digit agrees with the declared patent type (a pre-2003 number always does). */
export function patentTypeMatches(type: string, typeDigit: string | undefined): boolean {
  return typeDigit === undefined || TYPE_BY_DIGIT[typeDigit] === type;
}

export const PATENT_TYPES = ['invention_patent', 'utility_model', 'design_patent'];
