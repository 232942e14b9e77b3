import { queries } from '@zjp/database';

/** A DataSource or a transaction's manager (looser than Queryable: callers pass either). */
type Query = { query(sql: string, params?: unknown[]): Promise<unknown> };

const SQL = queries(__filename, {
  /** The region of an authority (organization_directory, identity's published view); none for another kind of organisation. */
  authorityRegion: `SELECT region_code FROM organization_directory WHERE id = $1 AND type = 'authority'`,
});

export async function selectAuthorityRegion(m: Query, organizationId: string): Promise<string | undefined> {
  const [row] = (await m.query(SQL.authorityRegion, [organizationId])) as { region_code: string }[];
  return row?.region_code;
}
