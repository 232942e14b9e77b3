import type { RegionLevel } from '@zjp/core';
import { queries, type Queryable } from '@zjp/database';

/** Authorities (government bodies) as identity publishes them in organization_directory. */
const SQL = queries(__filename, {
  findAuthority: `SELECT id, name, authority_level AS level, region_code AS "regionCode" FROM organization_directory WHERE id = $1 AND type = 'authority'`,
});

export interface AuthorityRow {
  id: string;
  name: string;
  level: RegionLevel;
  regionCode: string;
}

/** The organisation if it is an authority; undefined otherwise. */
export async function findAuthority(m: Queryable, organizationId: string): Promise<AuthorityRow | undefined> {
  const rows = (await m.query(SQL.findAuthority, [organizationId])) as AuthorityRow[];
  return rows[0];
}
