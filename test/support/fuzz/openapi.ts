/** The OpenAPI document as the fuzzer reads it: operations, their parameters and bodies, and socket events. */

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
        security?: unknown[];
        responses?: Record<string, unknown>;
        'x-access'?: { kind: string; roles?: string[] };
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
  'x-socket-events'?: Record<string, { summary: string; payload: Schema; ack: Schema; access: { kind: string; roles?: string[] } | null }>;
}

export interface Operation {
  /** 'POST /lots/{id}/bids' */
  key: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  parameters: Parameter[];
  /** the JSON body's schema, resolved at the top */
  body?: Schema;
  bodyRequired: boolean;
  mutating: boolean;
  /** the roles that may call it (x-access), or null when any authenticated caller or anyone may */
  roles: string[] | null;
}

export interface SocketEvent {
  /** 'socket lot.bid' */
  key: string;
  event: string;
  payload: Schema;
  roles: string[] | null;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export async function fetchDocument(baseUrl: string): Promise<OpenApiDocument> {
  const res = await fetch(`${baseUrl}/api/docs/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /api/docs/openapi.json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

/** Follows $ref and merges allOf, one level (what @nestjs/swagger emits). */
export function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return resolve(doc, target);
  }
  if (schema.allOf?.length) {
    const { allOf, ...rest } = schema;
    return allOf.reduce<Schema>((acc, part) => ({ ...resolve(doc, part), ...acc }), rest);
  }
  return schema;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const json = op.requestBody?.content['application/json'];
      const method = m.toUpperCase() as Operation['method'];
      out.push({
        key: `${method} ${path}`,
        method,
        path,
        parameters: op.parameters ?? [],
        body: json ? resolve(doc, json.schema) : undefined,
        bodyRequired: op.requestBody?.required ?? false,
        mutating: method !== 'GET',
        roles: op['x-access']?.kind === 'roles' ? (op['x-access'].roles ?? []) : null,
      });
    }
  }
  return out;
}

export function socketEventsOf(doc: OpenApiDocument): SocketEvent[] {
  return Object.entries(doc['x-socket-events'] ?? {}).map(([event, d]) => ({
    key: `socket ${event}`,
    event,
    payload: resolve(doc, d.payload),
    roles: d.access?.kind === 'roles' ? (d.access.roles ?? []) : null,
  }));
}
