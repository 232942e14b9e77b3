import type { EntityManager } from 'typeorm';

/** What a repository method needs of a transaction's manager (or the DataSource outside one). */
export type Queryable = Pick<EntityManager, 'query'>;

/** Runs an UPDATE … RETURNING and gives its rows (TypeORM answers an UPDATE with `[rows, count]`). */
export async function updateReturning<T>(m: Queryable, sql: string, params: unknown[]): Promise<T[]> {
  const [rows] = (await m.query(sql, params)) as [T[], number];
  return rows;
}

/** An element that PostgreSQL's array input reads as itself without quotes (and not as NULL). */
const BARE_ELEMENT = /^[0-9A-Za-z_.:+-]+$/;
const QUOTED_SPECIALS = /["\\]/g;

/**
 * A one-dimensional array parameter as PostgreSQL's array literal (`{a,"b c",NULL}`), to bind as `$n::type[]`.
 * Gives the same values as node-postgres converting a JS array, with less garbage on a hot path: an element
 * is quoted only when it has to be (uuids, numbers, hashes and most keys go as they are), null is NULL, and
 * the elements are joined once. Strings, numbers and bigints only (no dates, buffers or nested arrays).
 */
export function pgArrayLiteral(values: readonly (string | number | bigint | null)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null) parts[i] = 'NULL';
    else if (typeof value !== 'string') parts[i] = String(value);
    else if (BARE_ELEMENT.test(value) && value.toLowerCase() !== 'null') parts[i] = value;
    else parts[i] = `"${value.replace(QUOTED_SPECIALS, '\\$&')}"`;
  }
  return `{${parts.join(',')}}`;
}
