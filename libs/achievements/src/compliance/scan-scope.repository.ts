import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';

/** Which of a scan preview's holders an authority oversees (its region's prefix). */
const SQL = queries(__filename, {
  holdersInRegion: `SELECT id FROM organization_directory WHERE id = ANY($1::uuid[]) AND region_code LIKE $2 || '%'`,
});

export async function holdersInRegion(m: Pick<EntityManager, 'query'>, holderIds: string[], prefix: string): Promise<Set<string>> {
  if (!holderIds.length) return new Set();
  const rows = (await m.query(SQL.holdersInRegion, [holderIds, prefix])) as { id: string }[];
  return new Set(rows.map((r) => r.id));
}
