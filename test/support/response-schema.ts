/**
 * Compares a real answer with the schema the OpenAPI document gives it: every key of the answer is
 * a documented property (nothing leaks undocumented), every required property is there, and the
 * same holds inside nested objects and arrays of documented objects. Free-form objects
 * (`additionalProperties: true`) are not looked into.
 */
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

function resolve(doc: OpenApiDocument, s: Schema): Schema {
  if (s.$ref) return resolve(doc, doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]);
  if (s.allOf?.length === 1) return resolve(doc, s.allOf[0]);
  return s;
}

/** The problems of `value` against `schema` (empty when it matches), each with its path. */
export function schemaMismatches(doc: OpenApiDocument, schema: Schema, value: unknown, path = '$'): string[] {
  const s = resolve(doc, schema);
  if (value === null || value === undefined) return [];
  if (s.type === 'array' || s.items) {
    if (!Array.isArray(value)) return [`${path}: not an array`];
    return value.flatMap((v, i) => schemaMismatches(doc, s.items ?? {}, v, `${path}[${i}]`));
  }
  if (!s.properties) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
  const problems: string[] = [];
  const keys = Object.keys(value);
  for (const k of keys) if (!(k in s.properties)) problems.push(`${path}.${k}: not documented`);
  for (const k of s.required ?? []) if (!keys.includes(k)) problems.push(`${path}.${k}: documented as required, missing`);
  for (const k of keys) if (k in s.properties) problems.push(...schemaMismatches(doc, s.properties[k], (value as Record<string, unknown>)[k], `${path}.${k}`));
  return problems;
}

/** The documented schema of an operation's success response. */
export function responseSchema(doc: OpenApiDocument, method: string, path: string): Schema {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`no ${method} ${path} in the OpenAPI document`);
  const ok = op.responses?.['200'] ?? op.responses?.['201'];
  const schema = ok?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${method} ${path} documents no JSON response`);
  return schema;
}

/** The mismatches of a real answer with the documented response of `method path` (an OpenAPI path such as /lots/{id}). */
export function responseMismatches(doc: OpenApiDocument, method: string, path: string, body: unknown): string[] {
  return schemaMismatches(doc, responseSchema(doc, method, path), body);
}
