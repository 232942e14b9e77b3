import { ValidationError } from '@zjp/core';
import { parsePatentNumber, patentTypeMatches, type PatentType } from './patent-number';

/*
 * An independent reference for the GLOSSARY check rule, so that the tests do not trust the code
 * under test: Σ digitᵢ × weightᵢ mod 11, 10 written X; weights 2–9,2–5 (12 digits) or 2–9 (8).
 */
function referenceCheck(digits: string): string {
  const weights = digits.length === 12 ? [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5] : [2, 3, 4, 5, 6, 7, 8, 9];
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) sum += Number(digits.charAt(i)) * weights[i];
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

function errorOf(input: string, field?: string): ValidationError {
  try {
    parsePatentNumber(input, field);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error(`expected "${input}" to be refused`);
}

describe('parsePatentNumber: accepted numbers', () => {
  // Hand-computed sums are in each row; "published" rows are examples printed in public
  // explanations of the numbering scheme.
  it.each`
    input                                 | normalized            | kind                     | digits            | checkChar | typeDigit    | behaviour
    ${'202310123456.6'}                   | ${'ZL202310123456.6'} | ${'application_2003'}    | ${'202310123456'} | ${'6'}    | ${'1'}       | ${'accepts a bare 12-digit number (sum 127 ≡ 6)'}
    ${'ZL202310123456.6'}                 | ${'ZL202310123456.6'} | ${'application_2003'}    | ${'202310123456'} | ${'6'}    | ${'1'}       | ${'accepts the ZL prefix of a granted patent'}
    ${'ZL 2023 1 0123456.6'}              | ${'ZL202310123456.6'} | ${'application_2003'}    | ${'202310123456'} | ${'6'}    | ${'1'}       | ${'drops the spaces of the printed form'}
    ${'  zl2023 1 0123456 . 6\t'}         | ${'ZL202310123456.6'} | ${'application_2003'}    | ${'202310123456'} | ${'6'}    | ${'1'}       | ${'accepts a lower-case prefix and surrounding whitespace'}
    ${'ＺＬ２０２３１０１２３４５６．６'} | ${'ZL202310123456.6'} | ${'application_2003'}    | ${'202310123456'} | ${'6'}    | ${'1'}       | ${'folds full-width characters typed by a Chinese input method'}
    ${'ZL\u30002023 1 0123456.6'}         | ${'ZL202310123456.6'} | ${'application_2003'}    | ${'202310123456'} | ${'6'}    | ${'1'}       | ${'drops an ideographic space'}
    ${'201710601862.3'}                   | ${'ZL201710601862.3'} | ${'application_2003'}    | ${'201710601862'} | ${'3'}    | ${'1'}       | ${'accepts a published example (sum 157 ≡ 3)'}
    ${'202390123456.X'}                   | ${'ZL202390123456.X'} | ${'application_2003'}    | ${'202390123456'} | ${'X'}    | ${'9'}       | ${'accepts check character X (sum 175 ≡ 10)'}
    ${'202390123456.x'}                   | ${'ZL202390123456.X'} | ${'application_2003'}    | ${'202390123456'} | ${'X'}    | ${'9'}       | ${'accepts a lower-case x and writes it X'}
    ${'202310000000.0'}                   | ${'ZL202310000000.0'} | ${'application_2003'}    | ${'202310000000'} | ${'0'}    | ${'1'}       | ${'accepts check character 0 (sum 33 ≡ 0)'}
    ${'202330123456.7'}                   | ${'ZL202330123456.7'} | ${'application_2003'}    | ${'202330123456'} | ${'7'}    | ${'3'}       | ${'reads the type digit of a design patent (sum 139 ≡ 7)'}
    ${'97101765.4'}                       | ${'ZL97101765.4'}     | ${'application_pre2003'} | ${'97101765'}     | ${'4'}    | ${undefined} | ${'accepts a published pre-2003 example (sum 191 ≡ 4)'}
    ${'ZL 98 1 00007.X'}                  | ${'ZL98100007.X'}     | ${'application_pre2003'} | ${'98100007'}     | ${'X'}    | ${undefined} | ${'accepts a pre-2003 check character X (sum 109 ≡ 10)'}
    ${'98100001.0'}                       | ${'ZL98100001.0'}     | ${'application_pre2003'} | ${'98100001'}     | ${'0'}    | ${undefined} | ${'accepts a pre-2003 check character 0 (sum 55 ≡ 0)'}
  `('$behaviour: "$input"', ({ input, normalized, kind, digits, checkChar, typeDigit }) => {
    const parsed = parsePatentNumber(input);
    expect(parsed).toMatchObject({ normalized, kind, digits, checkChar });
    expect(parsed.typeDigit).toBe(typeDigit);
    if (typeDigit === undefined) expect(parsed).not.toHaveProperty('typeDigit');
  });

  it('agrees with the reference check for 12-digit and 8-digit numbers, and refuses every other check character', () => {
    // A deterministic spread of numbers (xorshift32), plus a run of consecutive serials.
    let state = 20030101;
    const randomDigit = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return String((state >>> 0) % 10);
    };
    const randomDigits = (n: number) => Array.from({ length: n }, randomDigit).join('');
    const samples: string[] = [];
    for (let i = 0; i < 30; i += 1) samples.push(String(202310000000 + i));
    for (let i = 0; i < 200; i += 1) samples.push(randomDigits(12));
    for (let i = 0; i < 200; i += 1) samples.push(randomDigits(8));

    const checks = '0123456789X';
    const seen = new Set<string>();
    for (const digits of samples) {
      const expected = referenceCheck(digits);
      seen.add(expected);
      expect(parsePatentNumber(`${digits}.${expected}`).normalized).toBe(`ZL${digits}.${expected}`);
      for (const wrong of checks.replace(expected, '')) {
        expect(errorOf(`${digits}.${wrong}`).details[0].code).toBe('patentCheckDigit');
      }
    }
    expect(seen.size).toBe(11); // the sweep met every check character, X and 0 included
  });
});

describe('parsePatentNumber: refused numbers', () => {
  it.each`
    input                          | code                    | behaviour
    ${'202310123456.7'}            | ${'patentCheckDigit'}   | ${'refuses a wrong check digit (expected 6)'}
    ${'202310123456.5'}            | ${'patentCheckDigit'}   | ${'refuses a check digit one below the right one'}
    ${'ZL202390123456.0'}          | ${'patentCheckDigit'}   | ${'refuses 0 where the check is X'}
    ${'202310000000.X'}            | ${'patentCheckDigit'}   | ${'refuses X where the check is 0'}
    ${'202301123456.6'}            | ${'patentCheckDigit'}   | ${'detects two adjacent digits swapped'}
    ${'202310123457.6'}            | ${'patentCheckDigit'}   | ${'detects one digit mistyped'}
    ${'97101765.5'}                | ${'patentCheckDigit'}   | ${'refuses a wrong pre-2003 check digit'}
    ${''}                          | ${'patentNumberFormat'} | ${'refuses an empty string'}
    ${'   '}                       | ${'patentNumberFormat'} | ${'refuses whitespace only'}
    ${'ZL'}                        | ${'patentNumberFormat'} | ${'refuses a bare prefix'}
    ${'.6'}                        | ${'patentNumberFormat'} | ${'refuses a check character alone'}
    ${'20231012345.6'}             | ${'patentNumberFormat'} | ${'refuses 11 digits'}
    ${'2023101234567.6'}           | ${'patentNumberFormat'} | ${'refuses 13 digits'}
    ${'9710176.4'}                 | ${'patentNumberFormat'} | ${'refuses 7 digits'}
    ${'971017654.4'}               | ${'patentNumberFormat'} | ${'refuses 9 digits'}
    ${'202310123456'}              | ${'patentNumberFormat'} | ${'refuses a number without its check character'}
    ${'2023101234566'}             | ${'patentNumberFormat'} | ${'refuses a check character without the dot'}
    ${'202310123456.'}             | ${'patentNumberFormat'} | ${'refuses a dot without a check character'}
    ${'202310123456.66'}           | ${'patentNumberFormat'} | ${'refuses two check characters'}
    ${'2023A0123456.6'}            | ${'patentNumberFormat'} | ${'refuses a letter among the digits'}
    ${'202310123456.A'}            | ${'patentNumberFormat'} | ${'refuses a check letter other than X'}
    ${'CN202310123456.6'}          | ${'patentNumberFormat'} | ${'refuses a CN prefix: only ZL is a patent number prefix'}
    ${'ZLZL202310123456.6'}        | ${'patentNumberFormat'} | ${'refuses a doubled prefix'}
    ${'202310123456.6ZL'}          | ${'patentNumberFormat'} | ${'refuses a prefix written at the end'}
    ${'2023-1-0123456.6'}          | ${'patentNumberFormat'} | ${'refuses hyphens'}
    ${'202310123456,6'}            | ${'patentNumberFormat'} | ${'refuses a comma for the dot'}
    ${'２０２３１０１２３４５٦.6'} | ${'patentNumberFormat'} | ${'refuses non-Latin digits that do not fold to ASCII'}
  `('$behaviour: "$input" → $code', ({ input, code }) => {
    const err = errorOf(input);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', kind: 'validation' });
    expect(err.details).toEqual([{ field: 'number', code, message: expect.any(String) }]);
  });

  it.each`
    input               | field                   | code
    ${'202310123456.7'} | ${'ipRights[0].number'} | ${'patentCheckDigit'}
    ${'abc'}            | ${'ipRights[2].number'} | ${'patentNumberFormat'}
  `('names the given field $field in a $code error', ({ input, field, code }) => {
    expect(errorOf(input, field).details).toEqual([{ field, code, message: expect.any(String) }]);
  });

  it.each([[undefined], [null], [202310123456]])('refuses a non-string value %p as a format error', (value) => {
    expect(errorOf(value as unknown as string).details[0].code).toBe('patentNumberFormat');
  });
});

describe('patentTypeMatches', () => {
  it.each`
    number              | type                  | matches  | behaviour
    ${'202310123456.6'} | ${'invention_patent'} | ${true}  | ${'type digit 1 is an invention'}
    ${'202310123456.6'} | ${'utility_model'}    | ${false} | ${'type digit 1 is not a utility model'}
    ${'202310123456.6'} | ${'design_patent'}    | ${false} | ${'type digit 1 is not a design'}
    ${'202320123456.1'} | ${'utility_model'}    | ${true}  | ${'type digit 2 is a utility model'}
    ${'202320123456.1'} | ${'invention_patent'} | ${false} | ${'type digit 2 is not an invention'}
    ${'202330123456.7'} | ${'design_patent'}    | ${true}  | ${'type digit 3 is a design'}
    ${'202330123456.7'} | ${'invention_patent'} | ${false} | ${'type digit 3 is not an invention'}
    ${'202380123456.4'} | ${'invention_patent'} | ${true}  | ${'type digit 8 (PCT) is an invention'}
    ${'202380123456.4'} | ${'design_patent'}    | ${false} | ${'type digit 8 (PCT) is not a design'}
    ${'202390123456.X'} | ${'utility_model'}    | ${true}  | ${'type digit 9 (PCT) is a utility model'}
    ${'202390123456.X'} | ${'invention_patent'} | ${false} | ${'type digit 9 (PCT) is not an invention'}
    ${'202340123456.2'} | ${'invention_patent'} | ${false} | ${'an unassigned type digit 4 matches no type'}
    ${'202300123456.0'} | ${'invention_patent'} | ${false} | ${'an unassigned type digit 0 matches no type'}
    ${'97101765.4'}     | ${'design_patent'}    | ${true}  | ${'a pre-2003 number has no type digit to contradict the declaration'}
  `('$behaviour', ({ number, type, matches }: { number: string; type: PatentType; matches: boolean }) => {
    expect(patentTypeMatches(type, parsePatentNumber(number))).toBe(matches);
  });
});
