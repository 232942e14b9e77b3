import { ValidationError } from '@zjp/core';

/*
 * Chinese patent application numbers (GLOSSARY "Patent application numbers"):
 *  - since 2003: 12 digits, a dot, a check character (e.g. 2023 1 0123456.6); the 5th digit is
 *    the patent type;
 *  - before 2003: 8 digits, a dot, a check character (e.g. 97 1 01765.4).
 * Check = Σ digitᵢ × weightᵢ mod 11, where 10 is written X. A granted patent is written with
 * the prefix ZL, which is the only prefix accepted here (CN… is a publication number, not this).
 */

export type PatentNumberKind = 'application_2003' | 'application_pre2003';
export type PatentType = 'invention_patent' | 'utility_model' | 'design_patent';

export interface ParsedPatentNumber {
  /** `ZL` + digits + '.' + check, e.g. 'ZL202310123456.6'. */
  normalized: string;
  kind: PatentNumberKind;
  digits: string;
  /** '0'–'9' or 'X'. */
  checkChar: string;
  /** The 5th digit of a 12-digit number; absent for the pre-2003 form. */
  typeDigit?: string;
}

const WEIGHTS_2003 = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5] as const;
const WEIGHTS_PRE2003 = [2, 3, 4, 5, 6, 7, 8, 9] as const;

// After removing whitespace: optional ZL, 12 or 8 digits, a dot, a digit or X.
const SHAPE = /^(?:ZL)?(\d{12}|\d{8})\.([0-9X])$/;

/** The check character for 12 or 8 digits (GLOSSARY weights; remainder 10 is written X). */
export function patentCheckChar(digits: string): string {
  const weights = digits.length === 12 ? WEIGHTS_2003 : digits.length === 8 ? WEIGHTS_PRE2003 : null;
  if (!weights || !/^\d+$/.test(digits)) throw new RangeError(`patentCheckChar: expected 12 or 8 digits, got "${digits}"`);
  const sum = weights.reduce((acc, weight, i) => acc + weight * Number(digits[i]), 0);
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

/**
 * Parses 'ZL 2023 1 0123456.6', '202310123456.6', 'zl202390123456.x' and the like. Full-width
 * characters (as a Chinese input method types them: 'ＺＬ２０２３…．６') are folded to ASCII
 * first, and whitespace anywhere is dropped. The dot is required: the GLOSSARY writes it, and it
 * keeps a check character from being read as a digit.
 */
export function parsePatentNumber(input: string, field = 'number'): ParsedPatentNumber {
  const compact = typeof input === 'string' ? input.normalize('NFKC').replace(/\s+/g, '').toUpperCase() : '';
  const match = SHAPE.exec(compact);
  if (!match) {
    throw new ValidationError([
      {
        field,
        code: 'patentNumberFormat',
        message: 'a patent number is 12 digits (8 before 2003), a dot and a check character, optionally prefixed ZL',
      },
    ]);
  }
  const [, digits, checkChar] = match;
  const expected = patentCheckChar(digits);
  if (checkChar !== expected) {
    throw new ValidationError([{ field, code: 'patentCheckDigit', message: `the check character of ${digits} is ${expected}, not ${checkChar}` }]);
  }
  const normalized = `ZL${digits}.${checkChar}`;
  return digits.length === 12
    ? { normalized, kind: 'application_2003', digits, checkChar, typeDigit: digits[4] }
    : { normalized, kind: 'application_pre2003', digits, checkChar };
}

// 1 invention, 2 utility model, 3 design; 8 and 9 are PCT applications entering the national
// phase as an invention or a utility model respectively.
const TYPE_BY_DIGIT: ReadonlyMap<string, PatentType> = new Map([
  ['1', 'invention_patent'],
  ['2', 'utility_model'],
  ['3', 'design_patent'],
  ['8', 'invention_patent'],
  ['9', 'utility_model'],
]);

/**
 * Whether the number agrees with the declared patent type. A pre-2003 number carries no
 * typeDigit here, so nothing contradicts the declaration and the answer is true; an unknown
 * type digit (0, 4–7) matches no type.
 */
export function patentTypeMatches(type: PatentType, parsed: Pick<ParsedPatentNumber, 'typeDigit'>): boolean {
  if (parsed.typeDigit === undefined) return true;
  return TYPE_BY_DIGIT.get(parsed.typeDigit) === type;
}
