import type { EntityManager } from 'typeorm';

/** TypeORM answers an UPDATE … RETURNING with [rows, rowCount]; this returns the rows either way. */
export async function updateReturning<T>(m: Pick<EntityManager, 'query'>, sql: string, params: unknown[]): Promise<T[]> {
  const result = (await m.query(sql, params)) as unknown;
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
