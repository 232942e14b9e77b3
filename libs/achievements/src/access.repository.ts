import { queries } from '@zjp/database';

/** What the achievements' access checks read of a holder (identity's published organization_directory). */
const SQL = queries(__filename, {
  holderRegion: `SELECT id, region_code AS "regionCode" FROM organization_directory WHERE id = $1`,
});

/** The holder's region, for an authority's jurisdiction; undefined for an unknown organisation. */
export async function findHolderRegion(
  m: { query(sql: string, params?: unknown[]): Promise<unknown> },
  holderId: string,
): Promise<{ id: string; regionCode: string } | undefined> {
  const [holder] = (await m.query(SQL.holderRegion, [holderId])) as { id: string; regionCode: string }[];
  return holder;
}
