import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@zjp/core';
import { localizeErrorBody, mapError } from './error-mapping';
import { detailMessageZh, ERROR_MESSAGES, prefersEnglish } from './error-messages';

const ROOT = join(__dirname, '../../../..');
const HAN = /\p{Script=Han}/u;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Not answers of the API: configuration errors at start-up. */
const NOT_ANSWERED = new Set(['JWT_SECRET']);

/**
 * Every code the API can answer, from the source: the first argument of `new …Error(` (a literal,
 * or the literals of a conditional), `super('CODE'` of the error classes, `code: 'CODE'` literals,
 * the bid rejection codes (a union of literals), and the codes by HTTP status.
 */
function answeredCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  const files = [...sources(join(ROOT, 'libs')), ...sources(join(ROOT, 'apps/api/src')), ...sources(join(ROOT, 'apps/worker/src'))];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const add = (code: string) => NOT_ANSWERED.has(code) || codes.set(code, file.slice(ROOT.length + 1));
    for (const m of text.matchAll(/new \w*Error\(\s*([^,)]+)/g)) for (const c of m[1].matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})'/g)) add(c[1]);
    for (const m of text.matchAll(/\bsuper\(\s*'([A-Z][A-Z0-9_]+)'/g)) add(m[1]);
    for (const m of text.matchAll(/\bcode: '([A-Z][A-Z0-9_]+)'/g)) add(m[1]);
    for (const m of text.matchAll(/^\s*\|\s*'([A-Z][A-Z0-9_]+)'/gm)) add(m[1]);
    for (const m of text.matchAll(/^\s*\d{3}: '([A-Z][A-Z0-9_]+)',/gm)) add(m[1]);
  }
  return codes;
}

describe('error messages', () => {
  it('has a Chinese (and an English) text for every code the API can answer', () => {
    const codes = answeredCodes();
    expect(codes.size).toBeGreaterThan(150); // the collection works
    for (const code of ['VALIDATION_FAILED', 'SERVICE_UNAVAILABLE', 'LOT_NOT_FOUND', 'TOKEN_EXPIRED', 'BID_TOO_LOW', 'NOT_FOUND'])
      expect(codes.has(code)).toBe(true);
    const missing = [...codes].filter(([code]) => !ERROR_MESSAGES[code] || !HAN.test(ERROR_MESSAGES[code].zh) || !ERROR_MESSAGES[code].en);
    expect(missing.map(([code, file]) => `${code} (${file})`)).toEqual([]);
  });

  it.each([
    [undefined, false],
    ['', false],
    ['zh-CN,zh;q=0.9,en;q=0.8', false],
    ['en', true],
    ['en-US', true],
    ['en-GB,en;q=0.9', true],
    ['en-US,zh-CN;q=0.5', true],
    ['zh-CN;q=0.5,en;q=0.6', true],
    ['fr-FR,en;q=0.5', true],
    ['fr-FR', false],
    ['*', false],
    ['en;q=0', false],
    [['en-US'], true],
  ])('Accept-Language %j prefers English: %s', (header, english) => {
    expect(prefersEnglish(header as string | string[] | undefined)).toBe(english);
  });

  it('answers in Chinese by default and keeps code and details; in English as the error said it', () => {
    const mapped = mapError(new ValidationError([{ field: 'limit', code: 'max', message: 'limit must not be greater than 100' }]));
    const zh = localizeErrorBody(mapped.body, false);
    expect(zh).toEqual({ code: 'VALIDATION_FAILED', message: '输入校验未通过', details: [{ field: 'limit', code: 'max', message: 'limit 大于允许的最大值' }] });
    expect(localizeErrorBody(mapped.body, true)).toEqual(mapped.body);
    expect(localizeErrorBody({ code: 'SOMETHING_NEW', message: 'x' }, false).message).toMatch(HAN);
    expect(detailMessageZh('name', 'someConstraint')).toBe('name 的值无效');
  });
});
