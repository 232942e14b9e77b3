import type { EntityManager } from 'typeorm';

/** What a repository method needs of a transaction's manager (or the DataSource outside one). */
export type Queryable = Pick<EntityManager, 'query'>;

/** Runs an UPDATE … RETURNING and gives its rows (TypeORM answers an UPDATE with `[rows, count]`). */
export async function updateReturning<T>(m: Queryable, sql: string, params: unknown[]): Promise<T[]> {
  const [rows] = (await m.query(sql, params)) as [T[], number];
  return rows;
}
