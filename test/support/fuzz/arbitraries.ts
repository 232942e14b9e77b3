/**
 * fast-check arbitraries built from the OpenAPI document: for every operation a request (who,
 * path, query, body) that is valid-ish (examples, enums, real fixture ids) or wrong in one place
 * (wrong type, boundary, null, missing required field, extra field) or malformed as a whole (the
 * classes of issue 16: JSON nested tens of thousands deep, lone UTF-16 surrogates, NUL characters,
 * non-JSON content types, huge numbers and strings, bad ids).
 */
import fc from 'fast-check';
import type { Operation, Schema, SocketEvent } from './openapi';

/** What the arbitraries need to know of the world: who can call, and which ids exist (with their organisation). */
export interface FuzzContext {
  principals: { name: string; role: string; organizationId: string }[];
  /** ids by resource ('organizations', 'lots', …), each with the organisation it belongs to (null: none in particular) */
  ids: Record<string, { id: string; org: string | null }[]>;
  /** real refresh tokens of a disposable session (POST /auth/refresh) */
  refreshTokens: () => string[];
}

export interface FuzzRequest {
  /** a principal's name, 'anonymous' or 'bad-token' */
  as: string;
  method: string;
  /** percent-encoded path and query */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** what kind of input this is, for the report */
  shape: string;
}

export interface FuzzEmit {
  as: string;
  /** the emit's arguments before the acknowledgement */
  args: unknown[];
  /** instead of args: the payload as JSON text, sent in a packet written by hand (too deep for the client's JSON.stringify) */
  raw?: string;
  shape: string;
}

// ------------------------------------------------------------------ values

export const LONE_SURROGATES = ['\ud800', 'a\udc00b', '\udbff', 'x\ud83d'];
const NUL = ['\u0000', 'a\u0000b', '\u0000'.repeat(3)];
const BAD_IDS = [
  'not-a-uuid',
  '0',
  '-1',
  '1',
  'null',
  'undefined',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-0000-0000-00000000000g',
  '{id}',
  '%00',
  '%ED%A0%80',
  '%E0%A4%A',
  '..',
  '%2e%2e',
  'a'.repeat(300),
  '1e309',
  ' ',
  '%20',
];
const FEN_BOUNDARIES = [
  '0',
  '1',
  '-1',
  '01',
  '1.5',
  '1e6',
  ' 1',
  '０',
  '9999999999999999',
  '99999999999999999',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551616',
  '0x10',
  '',
];
const NUMBER_BOUNDARIES = [0, -1, 1, 0.5, -0.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324];
const DATE_VALUES = [
  '2026-12-01',
  '2026-12-01T02:00:00Z',
  '2027-06-30T00:00:00+08:00',
  '2026-02-30',
  '2026-13-01',
  '0000-01-01',
  '9999-12-31T23:59:59Z',
  'not-a-date',
  '2026-1-1',
  '1700000000000',
];

export const strangeString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...LONE_SURROGATES, ...NUL) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '\t\n',
        'null',
        'true',
        '0',
        '-1',
        'NaN',
        'Infinity',
        "' OR '1'='1",
        '"; DROP TABLE users; --',
        '../../etc/passwd',
        '<script>alert(1)</script>',
        '__proto__',
        'constructor',
        '💥🔥',
        '\u202e\ufeff',
        '\\',
        '%',
        '%00',
      ),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((n) => '长'.repeat(n)) },
  );

/** A string value from the schema's hints (name, example, enum), mostly plausible. */
function stringValue(name: string, schema: Schema, ctx: FuzzContext, caller: string): fc.Arbitrary<unknown> {
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const lower = name.toLowerCase();
  if (/id$/.test(lower) && lower !== 'paid') return idValue(resourceOfField(name), ctx, caller);
  if (name === 'refreshToken') return fc.oneof(fc.constantFrom(...(ctx.refreshTokens().length ? ctx.refreshTokens() : ['none'])), fc.string());
  if (/fen$/.test(lower))
    return fc.oneof(
      { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 11n }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom(...FEN_BOUNDARIES) },
    );
  if (/(on|at|from|to|date|deadline)$/.test(lower) && lower !== 'reason')
    return fc.constantFrom(...DATE_VALUES, ...(typeof schema.example === 'string' ? [schema.example] : []));
  if (lower === 'email') return fc.constantFrom('admin@zjp.example', 'holder-admin@zju.example', 'nobody@test.example', 'not-an-email', 'a@b');
  if (lower === 'password') return fc.constantFrom('Demo-2026!', 'wrong-password-1', '');
  const plain = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
  return schema.example !== undefined ? fc.oneof({ weight: 3, arbitrary: fc.constant(schema.example) }, { weight: 1, arbitrary: plain }) : plain;
}

/** Which pool of fixture ids a field or path parameter draws from. */
export function resourceOfField(name: string): string {
  const base = name.replace(/Id$/, '');
  const map: Record<string, string> = {
    organization: 'organizations',
    holder: 'organizations',
    enterprise: 'organizations',
    authority: 'organizations',
    platform: 'organizations',
    buyer: 'organizations',
    seller: 'organizations',
    payee: 'organizations',
    achievement: 'achievements',
    lot: 'lots',
    listing: 'listings',
    policy: 'subsidy_policies',
    session: 'auction_sessions',
    contract: 'contracts',
    subject: 'contracts',
    deal: 'deals',
    payment: 'payments',
    application: 'subsidy_applications',
    batch: 'subsidy_batches',
    job: 'jobs',
  };
  return map[base] ?? 'any';
}

/** The pool for `{id}` in a path: the resource named by the segment before it. */
export function resourceOfPath(path: string, param: string): string {
  if (param !== 'id') return resourceOfField(param);
  const segment =
    path
      .split('/')
      .filter(Boolean)
      .at(path.split('/').filter(Boolean).indexOf(`{${param}}`) - 1) ?? '';
  const map: Record<string, string> = {
    organizations: 'organizations',
    notifications: 'notifications',
    achievements: 'achievements',
    'ip-rights': 'ip_rights',
    justifications: 'justifications',
    transformations: 'transformations',
    'free-license-applications': 'free_license_applications',
    listings: 'listings',
    deals: 'deals',
    lots: 'lots',
    'auction-sessions': 'auction_sessions',
    contracts: 'contracts',
    'contract-payments': 'payments',
    'subsidy-policies': 'subsidy_policies',
    'subsidy-applications': 'subsidy_applications',
    'subsidy-batches': 'subsidy_batches',
    'research-fundings': 'research_fundings',
  };
  return map[segment] ?? 'any';
}

/** A real id of the caller's organisation, of another, a random UUID, or a malformed one. */
function idValue(resource: string, ctx: FuzzContext, caller: string): fc.Arbitrary<string> {
  const pool = resource === 'any' ? Object.values(ctx.ids).flat() : (ctx.ids[resource] ?? []);
  const callerOrg = ctx.principals.find((p) => p.name === caller)?.organizationId;
  const own = pool.filter((e) => e.org !== null && e.org === callerOrg).map((e) => e.id);
  const other = pool.filter((e) => e.org === null || e.org !== callerOrg).map((e) => e.id);
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_IDS.filter((b) => !b.includes('%'))) },
  ];
  if (own.length) options.push({ weight: 4, arbitrary: fc.constantFrom(...own) });
  if (other.length) options.push({ weight: 4, arbitrary: fc.constantFrom(...other) });
  return fc.oneof(...options);
}

/** A value for a schema, mostly plausible. */
export function valueOf(name: string, schema: Schema, ctx: FuzzContext, caller: string, depth = 0): fc.Arbitrary<unknown> {
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  switch (type) {
    case 'string':
      return stringValue(name, schema, ctx, caller);
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -5;
      const max = schema.maximum ?? Math.max(min + 10, 2030);
      const exampleArb = typeof schema.example === 'number' ? [fc.constant(schema.example)] : [];
      return fc.oneof(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), fc.constantFrom(min, max), ...exampleArb);
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      if (schema.example !== undefined && !schema.items) return fc.constant(schema.example);
      return fc.array(valueOf(name, schema.items ?? { type: 'string' }, ctx, caller, depth + 1), { maxLength: depth > 2 ? 1 : 3 });
    case 'object':
      if (!schema.properties) return schema.example !== undefined ? fc.constant(schema.example) : fc.constant({});
      return objectOf(schema, ctx, caller, depth);
    default:
      return schema.example !== undefined ? fc.constant(schema.example) : fc.jsonValue({ maxDepth: 2 });
  }
}

function objectOf(schema: Schema, ctx: FuzzContext, caller: string, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(schema.properties ?? {});
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, s] of props) model[key] = valueOf(key, s, ctx, caller, depth + 1);
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in model) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** A value of the wrong kind for a field, or a boundary, or a string the database cannot take. */
export function wrongValue(maxDepth = 3_000): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: strangeString() },
    { weight: 2, arbitrary: fc.constantFrom(...NUMBER_BOUNDARIES) },
    { weight: 2, arbitrary: fc.constantFrom(...FEN_BOUNDARIES) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(true, false, [], {}, [null], { a: 1 }, [1, 2, 3], '{}', '[]') },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: maxDepth }).map((d) => nestedValue(d)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

/** An array nested `depth` deep, as a value (JSON.stringify copes with a few thousand). */
export function nestedValue(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

export const deepJsonText = (depth: number, kind: 'array' | 'object', key = 'a'): string =>
  kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : `{"${key}":`.repeat(depth) + '1' + '}'.repeat(depth);

/** Paths into an object (top level and one level down) at which a value can be replaced or removed. */
function fieldPaths(schema: Schema): string[][] {
  const out: string[][] = [];
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    out.push([key]);
    for (const inner of Object.keys(s.properties ?? {})) out.push([key, inner]);
  }
  return out;
}

function setAt(obj: Record<string, unknown>, path: string[], value: unknown, remove: boolean): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...obj };
  if (path.length === 1) {
    if (remove) delete copy[path[0]];
    else copy[path[0]] = value;
    return copy;
  }
  const inner = copy[path[0]];
  copy[path[0]] = setAt(
    typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {},
    path.slice(1),
    value,
    remove,
  );
  return copy;
}

interface Body {
  text?: string | Uint8Array;
  contentType?: string;
  shape: string;
}

const json = (value: unknown, shape: string): Body => ({ text: JSON.stringify(value), contentType: 'application/json', shape });

/** A body for an operation: valid-ish, wrong in one field, or malformed as a whole. */
export function bodyOf(op: Operation, ctx: FuzzContext, caller: string): fc.Arbitrary<Body> {
  const schema = op.body ?? { type: 'object', properties: {} };
  const valid = valueOf('', schema, ctx, caller) as fc.Arbitrary<Record<string, unknown>>;
  const paths = fieldPaths(schema);
  const fieldWrong: fc.Arbitrary<Body> = paths.length
    ? fc
        .tuple(valid, fc.constantFrom(...paths), wrongValue(), fc.boolean())
        .map(([v, path, wrong, remove]) =>
          json(
            setAt(typeof v === 'object' && v ? v : {}, path, wrong, remove && path.length === 1),
            remove && path.length === 1 ? `missing ${path.join('.')}` : `wrong ${path.join('.')}`,
          ),
        )
    : valid.map((v) => json(v, 'valid-ish'));
  const extra: fc.Arbitrary<Body> = fc
    .tuple(
      valid,
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'hasOwnProperty', 'toString'),
      fc.constantFrom<unknown>({ polluted: true }, { prototype: { polluted: true } }, null, 'x', 1),
    )
    .map(([v, key, value]) => {
      // JSON.stringify drops a __proto__ own key made by assignment, so splice the key into the text
      const text = JSON.stringify(typeof v === 'object' && v ? v : {});
      const member = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
      return { text: text === '{}' ? `{${member}}` : `{${member},${text.slice(1)}`, contentType: 'application/json', shape: `extra field ${key}` };
    });
  const malformed: fc.Arbitrary<Body> = fc.oneof(
    fc.tuple(fc.integer({ min: 10_000, max: 60_000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([depth, kind]) => ({
      text: deepJsonText(depth, kind),
      contentType: 'application/json',
      shape: `nested ${kind} ${depth >= 10_000 ? '10k+' : depth} deep`,
    })),
    fc.tuple(valid, fc.integer({ min: 10_000, max: 60_000 })).map(([v, depth]) => {
      const keys = Object.keys(typeof v === 'object' && v ? v : {});
      const key = keys[0] ?? 'x';
      const text = JSON.stringify({ ...(typeof v === 'object' ? v : {}), [key]: '__DEEP__' }).replace('"__DEEP__"', deepJsonText(depth, 'array'));
      return { text, contentType: 'application/json', shape: 'nested field 10k+ deep' };
    }),
    fc
      .tuple(
        valid,
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=zjp',
          'application/xml',
          'application/json; charset=utf-16',
          'application/octet-stream',
          '',
          'application/merge-patch+json',
        ),
      )
      .map(([v, type]) => ({
        text: type.startsWith('application/x-www') ? 'name=x&amountFen=1' : JSON.stringify(v),
        contentType: type || undefined,
        shape: `content type ${type || 'none'}`,
      })),
    fc
      .constantFrom(
        '{',
        '{"a":1,}',
        '\ufeff{}',
        '',
        'null',
        '[]',
        '"x"',
        '1',
        'true',
        '{"a":1e999999}',
        '{"a":-1e999999}',
        '{"a":"\\ud800"}',
        '{"a":"\\u0000"}',
        '{"a":1,"a":2}',
        '[{}]',
        'NaN',
      )
      .map((text) => ({ text, contentType: 'application/json', shape: `raw ${text.length > 12 ? text.slice(0, 12) + '…' : text || 'empty'}` })),
    fc.constant<Body>({
      text: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      contentType: 'application/json',
      shape: 'invalid UTF-8',
    }),
    fc.tuple(valid, fc.constantFrom(...(paths.length ? paths.map((p) => p[0]) : ['x']))).map(([v, key]) => {
      const base = JSON.stringify(typeof v === 'object' && v ? v : {});
      const member = `"${key}":1${'0'.repeat(400)}`;
      return { text: base === '{}' ? `{${member}}` : `{${member},${base.slice(1)}`, contentType: 'application/json', shape: 'huge number' };
    }),
    fc.constant<Body>({ text: JSON.stringify({ x: 'x'.repeat(1_200_000) }), contentType: 'application/json', shape: 'body over the limit' }),
  );
  const optional = Object.keys(schema.properties ?? {}).filter((k) => !(schema.required ?? []).includes(k));
  const nullOptional: fc.Arbitrary<Body> = optional.length
    ? fc.tuple(valid, fc.constantFrom(...optional)).map(([v, key]) => json({ ...(typeof v === 'object' && v ? v : {}), [key]: null }, `null ${key}`))
    : valid.map((v) => json(v, 'valid-ish'));
  if (!op.body) {
    return fc.oneof(
      { weight: 6, arbitrary: fc.constant<Body>({ shape: 'no body' }) },
      { weight: 1, arbitrary: fieldWrong },
      { weight: 3, arbitrary: malformed },
    );
  }
  return fc.oneof(
    { weight: 5, arbitrary: valid.map((v) => json(v, 'valid-ish')) },
    { weight: 5, arbitrary: fieldWrong },
    { weight: 2, arbitrary: nullOptional },
    { weight: 1, arbitrary: extra },
    { weight: 3, arbitrary: malformed },
    { weight: 1, arbitrary: fc.constant<Body>({ shape: 'no body' }) },
  );
}

// ------------------------------------------------------------------ URLs

/** Percent-encodes a string as UTF-8; a lone surrogate becomes the bytes it would have in WTF-8 (invalid UTF-8). */
export function encode(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += encodeURIComponent(value.slice(i, i + 2));
        i++;
        continue;
      }
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => '%' + b.toString(16).toUpperCase()).join('');
      continue;
    }
    out += encodeURIComponent(value[i]);
  }
  return out;
}

/** BAD_IDS with a % are already percent-encoded on purpose (malformed escapes); the others are encoded. */
const badIdInPath = (id: string) => (id.includes('%') ? id : encode(id));

function pathParamOf(op: Operation, name: string, ctx: FuzzContext, caller: string): fc.Arbitrary<string> {
  const resource = resourceOfPath(op.path, name);
  if (resource === 'jobs' || name === 'key') {
    return fc.oneof(
      fc.constantFrom('1', '0', '-1', 'delivery', 'acceptance', 'final', 'x'.repeat(300)),
      strangeString().map((s) => encode(s.slice(0, 3000))),
      fc.constantFrom(...BAD_IDS).map(badIdInPath),
    );
  }
  return fc.oneof(
    { weight: 8, arbitrary: idValue(resource, ctx, caller).map(encode) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_IDS).map(badIdInPath) },
    { weight: 1, arbitrary: strangeString().map((s) => encode(s.slice(0, 3000))) },
  );
}

function queryOf(op: Operation, ctx: FuzzContext, caller: string): fc.Arbitrary<string> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const parts = params.map((p) => {
    const schema: Schema = p.schema ?? { type: 'string' };
    const type = schema.type ?? (schema.allOf ? 'number' : 'string');
    const plausible = type === 'boolean' ? fc.constantFrom('true', 'false') : valueOf(p.name, { ...schema, type }, ctx, caller).map(String);
    const value = fc.oneof(
      { weight: 5, arbitrary: plausible },
      { weight: 2, arbitrary: strangeString().map((s) => s.slice(0, 2000)) },
      { weight: 1, arbitrary: fc.constantFrom('banana', '', '-1', '1e309', '0x1F', '1.5', 'true', '[]', '{}') },
    );
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant<string | null>(null) },
      { weight: 5, arbitrary: value.map((v) => `${p.name}=${encode(v)}`) },
      { weight: 1, arbitrary: fc.tuple(value, value).map(([a, b]) => `${p.name}=${encode(a)}&${p.name}=${encode(b)}`) },
      { weight: 1, arbitrary: value.map((v) => `${p.name}[a]=${encode(v)}`) },
    );
  });
  const extra = fc.oneof(
    { weight: 8, arbitrary: fc.constant<string | null>(null) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__[x]=1', 'constructor[prototype][x]=1', 'unknown=1', '%ZZ=1', 'a=%E0%A4%A', 'a=%ED%A0%80', 'a=%00') },
  );
  return fc.tuple(fc.tuple(...parts), extra).map(([ps, e]) => [...ps, e].filter((x): x is string => x !== null).join('&'));
}

/** Who calls: mostly a principal of a role the operation allows (x-access), else any principal, nobody, or a token that is not one. */
export function callerOf(ctx: FuzzContext, roles: string[] | null): fc.Arbitrary<string> {
  const allowed = ctx.principals.filter((p) => !roles || roles.includes(p.role)).map((p) => p.name);
  return fc.oneof(
    ...(allowed.length ? [{ weight: 6, arbitrary: fc.constantFrom(...allowed) }] : []),
    { weight: 3, arbitrary: fc.constantFrom(...ctx.principals.map((p) => p.name)) },
    { weight: 1, arbitrary: fc.constantFrom('anonymous', 'bad-token') },
  );
}

/** One request to an operation. */
export function requestOf(op: Operation, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  return callerOf(ctx, op.roles).chain((as) => {
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const pathArb = fc
      .tuple(...pathParams.map((p) => pathParamOf(op, p.name, ctx, as)))
      .map((values) => pathParams.reduce((path, p, i) => path.replace(`{${p.name}}`, values[i]), op.path));
    return fc.tuple(pathArb, queryOf(op, ctx, as), bodyOf(op, ctx, as)).map(([path, query, body]) => {
      const headers: Record<string, string> = {};
      if (body.contentType !== undefined) headers['content-type'] = body.contentType;
      return { as, method: op.method, url: query ? `${path}?${query}` : path, headers, body: body.text, shape: body.shape };
    });
  });
}

// ------------------------------------------------------------------ socket events

/** One emit of a socket event: a payload (valid-ish, wrong in a field, or malformed) and extra arguments. */
export function emitOf(event: SocketEvent, ctx: FuzzContext): fc.Arbitrary<FuzzEmit> {
  const allowed = ctx.principals.filter((p) => !event.roles || event.roles.includes(p.role)).map((p) => p.name);
  return fc
    .oneof({ weight: 3, arbitrary: fc.constantFrom(...allowed) }, { weight: 1, arbitrary: fc.constantFrom(...ctx.principals.map((p) => p.name)) })
    .chain((as) => {
      const valid = valueOf('', event.payload, ctx, as) as fc.Arbitrary<Record<string, unknown>>;
      const paths = fieldPaths(event.payload);
      const payload: fc.Arbitrary<{ value: unknown; shape: string }> = fc.oneof(
        { weight: 3, arbitrary: valid.map((value) => ({ value, shape: 'valid-ish' })) },
        {
          weight: paths.length ? 5 : 1, // an event without fields (clock.sync) has no field to get wrong: its valid payload again
          arbitrary: paths.length
            ? fc.tuple(valid, fc.constantFrom(...paths), wrongValue(300), fc.boolean()).map(([v, path, wrong, remove]) => ({
                value: setAt(v, path, wrong, remove),
                shape: remove ? `missing ${path.join('.')}` : `wrong ${path.join('.')}`,
              }))
            : valid.map((value) => ({ value, shape: 'valid-ish' })),
        },
        {
          weight: 1,
          arbitrary: fc.tuple(valid, fc.constantFrom('__proto__', 'constructor', 'extra')).map(([v, key]) => ({
            value: JSON.parse(`{"${key}":{"polluted":true},${JSON.stringify(v).slice(1)}`.replace(',}', '}')) as unknown,
            shape: `extra field ${key}`,
          })),
        },
        {
          weight: 2,
          arbitrary: fc
            .constantFrom<unknown>(null, undefined, 'lot', 42, true, [], [{}], {})
            .map((value) => ({ value, shape: `payload ${JSON.stringify(value) ?? 'undefined'}` })),
        },
        { weight: 2, arbitrary: fc.integer({ min: 100, max: 300 }).map((d) => ({ value: { lotId: nestedValue(d) }, shape: 'nested field 100+ deep' })) },
        { weight: 1, arbitrary: fc.constant({ value: new Uint8Array([1, 2, 3]), shape: 'binary payload' }) },
      );
      const raw: fc.Arbitrary<FuzzEmit> = fc
        .tuple(fc.integer({ min: 10_000, max: 60_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'), fc.boolean())
        .map(([depth, kind, inField]) => ({
          as,
          args: [],
          raw: inField ? `{"lotId":${deepJsonText(depth, kind)},"amountFen":"1","idempotencyKey":"k"}` : deepJsonText(depth, kind, 'lotId'),
          shape: `nested ${kind} 10k+ deep${inField ? ' in a field' : ''}`,
        }));
      const extraArgs = fc.oneof(
        { weight: 6, arbitrary: fc.constant<unknown[]>([]) },
        { weight: 1, arbitrary: fc.constantFrom<unknown[]>(['extra'], [null, 1], [{ a: 1 }]) },
      );
      const normal = fc
        .tuple(payload, extraArgs)
        .map(([p, extra]): FuzzEmit => ({ as, args: [p.value, ...extra], shape: extra.length ? `${p.shape}, ack not last` : p.shape }));
      return fc.oneof({ weight: 8, arbitrary: normal }, { weight: 1, arbitrary: raw });
    });
}
