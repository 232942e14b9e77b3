/** PostgreSQL's unique_violation (23505), whether TypeORM wrapped the driver's error or not. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { driverError?: { code?: string }; code?: string } | null;
  return (e?.driverError?.code ?? e?.code) === '23505';
}
