import { DomainError, type FieldError } from '@zjp/core';

/**
 * Deepest nesting a request may have. Our deepest DTO (a subsidy policy document) is 5 levels;
 * class-transformer and class-validator recurse per level, so tens of thousands of levels overflow
 * the stack (a 500 before this check).
 */
export const MAX_INPUT_DEPTH = 32;

/** Refused before any transformation: the input is nested deeper than any of our documents. */
export class TooDeepError extends DomainError {
  constructor() {
    super('MALFORMED_JSON', `The request is nested deeper than ${MAX_INPUT_DEPTH} levels`, { kind: 'validation' });
  }
}

/** Keys that name an object's prototype: no request has such a field, and the whitelist would drop them silently. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fieldName(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

function stringProblem(field: string, value: string): FieldError | undefined {
  // PostgreSQL text cannot hold U+0000; a lone surrogate is not Unicode (validators throw on it,
  // and UTF-8 would silently turn it into U+FFFD).
  if (value.includes('\u0000')) return { field, code: 'nulCharacter', message: `${field || 'the value'} must not contain the NUL character (U+0000)` };
  if (LONE_SURROGATE.test(value))
    return { field, code: 'invalidUnicode', message: `${field || 'the value'} must be valid Unicode (a lone UTF-16 surrogate was sent)` };
  return undefined;
}

/**
 * Whether inspectInput finds nothing in an object whose values are all strings, numbers, booleans or null (a socket
 * bid): none nested, no key naming the prototype, no string a column cannot take. Allocates nothing; false means
 * "ask inspectInput", which names the problems.
 */
export function isFlatAndStorable(value: Record<string, unknown>): boolean {
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (PROTOTYPE_KEYS.has(key) || stringProblem('', key)) return false;
    const v = value[key];
    if (typeof v === 'object' && v !== null) return false;
    if (typeof v === 'string' && stringProblem('', v)) return false;
  }
  return true;
}

/**
 * Walks a request's value (body, query, params, socket payload) without recursion: throws
 * TooDeepError beyond MAX_INPUT_DEPTH and returns the strings (values and keys) that no column or
 * validator can take, each named by its field path as the validation pipe names fields.
 */
export function inspectInput(value: unknown, root = '', maxDepth = MAX_INPUT_DEPTH): FieldError[] {
  const problems: FieldError[] = [];
  const stack: { value: unknown; field: string; depth: number }[] = [{ value, field: root, depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const problem = stringProblem(item.field, item.value);
      if (problem) problems.push(problem);
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= maxDepth) throw new TooDeepError();
    if (Array.isArray(item.value)) {
      item.value.forEach((v, i) => stack.push({ value: v, field: fieldName(item.field, i), depth: item.depth + 1 }));
      continue;
    }
    for (const [key, v] of Object.entries(item.value as Record<string, unknown>)) {
      const field = fieldName(item.field, key);
      const keyProblem = stringProblem(field, key);
      if (keyProblem) problems.push(keyProblem);
      if (PROTOTYPE_KEYS.has(key)) problems.push({ field, code: 'forbiddenKey', message: `${field} is not a field of any request (a prototype key)` });
      stack.push({ value: v, field, depth: item.depth + 1 });
    }
  }
  return problems.reverse();
}
