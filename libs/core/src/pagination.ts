import { type FieldError, ValidationError } from './errors';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;
const MAX_CURSOR_LENGTH = 512;

/** Keyset pagination uses `cursor`; `offset` is for small admin lists. Never both. */
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
  readonly offset?: number;
}

export interface Page<T> {
  items: T[];
  /** Only where counting is cheap; a catalogue search may omit it. */
  total?: number;
  /** Absent on the last page. */
  nextCursor?: string;
}

export interface PageRequestInput {
  limit?: unknown;
  cursor?: unknown;
  offset?: unknown;
}

// Query strings arrive as text; numbers come from JSON bodies and code.
function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

const isAbsent = (value: unknown) => value === undefined || value === null || value === '';

/**
 * Parses paging input from a query. An out-of-range limit is clamped to 1..100, since asking for
 * 500 rows is a reasonable request we serve in part; a limit that is not an integer is refused.
 */
export function parsePageRequest(input: PageRequestInput = {}): PageRequest {
  const errors: FieldError[] = [];
  let limit = DEFAULT_PAGE_LIMIT;
  if (!isAbsent(input.limit)) {
    const parsed = toInteger(input.limit);
    if (parsed === undefined) errors.push({ field: 'limit', code: 'INVALID_LIMIT', message: 'must be an integer' });
    else limit = Math.min(Math.max(parsed, 1), MAX_PAGE_LIMIT);
  }

  let offset: number | undefined;
  if (!isAbsent(input.offset)) {
    offset = toInteger(input.offset);
    if (offset === undefined || offset < 0) {
      errors.push({ field: 'offset', code: 'INVALID_OFFSET', message: 'must be a non-negative integer' });
    }
  }

  let cursor: string | undefined;
  if (!isAbsent(input.cursor)) {
    if (typeof input.cursor === 'string' && input.cursor.length <= MAX_CURSOR_LENGTH) cursor = input.cursor;
    else errors.push({ field: 'cursor', code: 'INVALID_CURSOR', message: 'must be a cursor from a previous page' });
  }

  if (cursor !== undefined && offset !== undefined) {
    errors.push({ field: 'offset', code: 'CURSOR_WITH_OFFSET', message: 'cannot be combined with cursor' });
  }
  if (errors.length > 0) throw new ValidationError(errors);

  return { limit, ...(cursor !== undefined && { cursor }), ...(offset !== undefined && { offset }) };
}

/** An opaque cursor: base64url JSON of the sort key of the last item served. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T = unknown>(cursor: string): T {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    throw new ValidationError([{ field: 'cursor', code: 'INVALID_CURSOR', message: 'must be a cursor from a previous page' }]);
  }
}

/**
 * Builds a page from a query that fetched `limit + 1` rows: the extra row only tells that
 * another page exists, and the cursor points at the last row served.
 */
export function toPage<T>(rows: readonly T[], limit: number, cursorOf: (last: T) => string, total?: number): Page<T> {
  const items = rows.slice(0, limit);
  const page: Page<T> = { items };
  if (rows.length > limit && items.length > 0) page.nextCursor = cursorOf(items[items.length - 1]);
  if (total !== undefined) page.total = total;
  return page;
}
