/**
 * Stripe's request bodies: application/x-www-form-urlencoded with bracket keys, exactly as the
 * SDK encodes them — `metadata[lotId]=…`, `payment_method_types[0]=card`, `items[0][price]=…`,
 * and `a[]=x` for appended array items. Values stay strings; each endpoint coerces its own.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

export class FormParseError extends Error {
  constructor(
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'FormParseError';
  }
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new FormParseError(`Invalid URL encoding: ${s}`);
  }
}

/** `a[b][0]` → ['a', 'b', '0']; `a[]` → ['a', '']. */
export function splitKey(key: string): string[] {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) throw new FormParseError(`Invalid parameter name: ${key}`, key);
  const rest = [...m[2].matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]);
  return [m[1], ...rest];
}

const isIndex = (segment: string) => segment === '' || /^\d+$/.test(segment);

export function parseForm(body: string): FormObject {
  const root: FormObject = {};
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const path = splitKey(key);
    if (path.some((p) => FORBIDDEN.has(p))) throw new FormParseError(`Invalid parameter name: ${key}`, key);

    let node: FormObject | FormValue[] = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const last = i === path.length - 1;
      if (Array.isArray(node)) {
        if (!isIndex(segment)) throw new FormParseError(`Cannot mix an array and an object in ${key}`, path[0]);
        const index: number = segment === '' ? node.length : Number(segment);
        if (index > 10_000) throw new FormParseError(`Array index too large in ${key}`, path[0]);
        if (last) {
          node[index] = value;
        } else {
          node[index] ??= isIndex(path[i + 1]) ? [] : {};
          const next: FormValue = node[index];
          if (typeof next === 'string') throw new FormParseError(`Conflicting values for ${key}`, path[0]);
          if (Array.isArray(next) !== isIndex(path[i + 1])) throw new FormParseError(`Cannot mix an array and an object in ${key}`, path[0]);
          node = next;
        }
      } else {
        if (segment === '') throw new FormParseError(`Invalid parameter name: ${key}`, key);
        if (last) {
          if (Object.prototype.hasOwnProperty.call(node, segment) && typeof node[segment] !== 'string') {
            throw new FormParseError(`Conflicting values for ${key}`, path[0]);
          }
          node[segment] = value;
        } else {
          if (!Object.prototype.hasOwnProperty.call(node, segment)) node[segment] = isIndex(path[i + 1]) ? [] : {};
          const next: FormValue = node[segment];
          if (typeof next === 'string') throw new FormParseError(`Conflicting values for ${key}`, path[0]);
          if (Array.isArray(next) !== isIndex(path[i + 1])) throw new FormParseError(`Cannot mix an array and an object in ${key}`, path[0]);
          node = next;
        }
      }
    }
  }
  return root;
}
