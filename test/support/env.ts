/**
 * Where tests find their services. scripts/test.sh (npm test) discovers or starts PostgreSQL and
 * Redis and exports these; the defaults match a developer machine.
 */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/zjp_test';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/1';

/** The server URL with another database name. */
export function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export const TEMPLATE_DATABASE = `${new URL(TEST_DATABASE_URL).pathname.slice(1)}_template`;
