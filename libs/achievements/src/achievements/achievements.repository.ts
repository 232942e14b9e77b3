import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';

/**
 * The achievement as the other aggregates of the context need it (justifications, transformations,
 * free licences, the registry report). The registration itself goes through the TypeORM entities
 * in AchievementsService.
 */
const SQL = queries(__filename, {
  holderOf: `SELECT holder_id FROM achievements WHERE id = $1`,
  lockHolderOf: `SELECT holder_id, registration_status FROM achievements WHERE id = $1 FOR UPDATE`,
  holderAndTitle: `SELECT holder_id, title FROM achievements WHERE id = $1`,
  registeredRuleStateForShare: `SELECT rule_state FROM achievements WHERE id = $1 AND registration_status = 'registered' FOR SHARE`,
  validRights: `SELECT type, granted_on IS NOT NULL AS granted FROM ip_rights WHERE achievement_id = $1 AND status = 'valid'`,
  rightsForDocument: `
    SELECT r.type, r.number, to_char(r.granted_on, 'YYYY-MM-DD') AS "grantedOn", r.status, a.technical_field AS "technicalField"
      FROM achievements a LEFT JOIN ip_rights r ON r.achievement_id = a.id WHERE a.id = $1 ORDER BY r.granted_on NULLS LAST, r.number`,
  holdersReadable: `
    SELECT o.id FROM organization_directory o
     WHERE o.type = 'holder' AND ($1::uuid IS NULL OR o.id = $1 OR ($2::text IS NOT NULL AND o.region_code LIKE $2 || '%'))`,
  registryByHolder: `
    SELECT o.id AS "holderId", o.name AS "holderName",
           count(*) FILTER (WHERE a.registered_on IS NOT NULL AND a.registered_on <= a.obtained_on + 30)::int AS "onTime",
           count(*) FILTER (WHERE a.registered_on > a.obtained_on + 30)::int AS "late",
           count(*) FILTER (WHERE a.registered_on IS NULL AND $2::date <= a.obtained_on + 30)::int AS "pending",
           count(*) FILTER (WHERE a.registered_on IS NULL AND $2::date > a.obtained_on + 30)::int AS "overdueUnregistered",
           count(*) FILTER (WHERE a.rule_state = 'use_first')::int AS "useFirst",
           count(*) FILTER (WHERE a.rule_state = 'free_license_eligible')::int AS "freeLicenseEligible",
           count(*) FILTER (WHERE a.rule_state = 'suspended')::int AS "suspended"
      FROM organization_directory o JOIN achievements a ON a.holder_id = o.id
     WHERE o.type = 'holder' AND ($1::uuid IS NULL OR o.id = $1)
       AND ($3::uuid IS NULL OR o.id = $3 OR ($4::text IS NOT NULL AND o.region_code LIKE $4 || '%'))
     GROUP BY o.id, o.name
     ORDER BY CASE $5::text
                WHEN 'late' THEN count(*) FILTER (WHERE a.registered_on > a.obtained_on + 30)
                WHEN 'overdueUnregistered' THEN count(*) FILTER (WHERE a.registered_on IS NULL AND $2::date > a.obtained_on + 30)
                WHEN 'useFirst' THEN count(*) FILTER (WHERE a.rule_state = 'use_first')
                WHEN 'freeLicenseEligible' THEN count(*) FILTER (WHERE a.rule_state = 'free_license_eligible')
              END DESC NULLS LAST, o.name, o.id
     LIMIT $6 OFFSET $7`,
  registryHolderCount: `
    SELECT count(DISTINCT o.id)::int AS total
      FROM organization_directory o JOIN achievements a ON a.holder_id = o.id
     WHERE o.type = 'holder' AND ($1::uuid IS NULL OR o.id = $1)
       AND ($2::uuid IS NULL OR o.id = $2 OR ($3::text IS NOT NULL AND o.region_code LIKE $3 || '%'))`,
});

type Query = Pick<EntityManager, 'query'>;

/** The achievement's holder, or undefined when there is no such achievement. */
export async function holderOf(m: Query, achievementId: string): Promise<string | undefined> {
  return ((await m.query(SQL.holderOf, [achievementId])) as { holder_id: string }[])[0]?.holder_id;
}

/** Locks the achievement (FOR UPDATE) and returns its holder and registration status. */
export async function lockHolderOf(m: Query, achievementId: string): Promise<{ holderId: string; registrationStatus: string } | undefined> {
  const [row] = (await m.query(SQL.lockHolderOf, [achievementId])) as { holder_id: string; registration_status: string }[];
  return row && { holderId: row.holder_id, registrationStatus: row.registration_status };
}

export async function holderAndTitle(m: Query, achievementId: string): Promise<{ holderId: string; title: string } | undefined> {
  const [row] = (await m.query(SQL.holderAndTitle, [achievementId])) as { holder_id: string; title: string }[];
  return row && { holderId: row.holder_id, title: row.title };
}

/** The rule state of a registered achievement, held (FOR SHARE) until the transaction ends; undefined when not registered. */
export async function registeredRuleStateForShare(m: Query, achievementId: string): Promise<string | undefined> {
  return ((await m.query(SQL.registeredRuleStateForShare, [achievementId])) as { rule_state: string }[])[0]?.rule_state;
}

/** The achievement's valid IP rights: their type and whether granted (a patent, not yet an application); unordered. */
export async function validRightsOf(m: Query, achievementId: string): Promise<{ type: string; granted: boolean }[]> {
  return (await m.query(SQL.validRights, [achievementId])) as { type: string; granted: boolean }[];
}

/** The achievement's technical field and all its IP rights (number, grant date, status), for a contract document. */
export async function rightsForDocument(
  m: Query,
  achievementId: string,
): Promise<{ technicalField: string | null; ipRights: { type: string; number: string | null; grantedOn: string | null; status: string }[] }> {
  const rows = (await m.query(SQL.rightsForDocument, [achievementId])) as {
    type: string | null;
    number: string | null;
    grantedOn: string | null;
    status: string;
    technicalField: string | null;
  }[];
  return {
    technicalField: rows[0]?.technicalField ?? null,
    ipRights: rows.filter((r) => r.type).map((r) => ({ type: r.type!, number: r.number, grantedOn: r.grantedOn, status: r.status })),
  };
}

/** The holders among the organisations readable with these parameters (see access.ts `readableOrgs`). */
export async function holdersReadable(m: Query, organizationId: string | null, regionPrefix: string | null): Promise<string[]> {
  return ((await m.query(SQL.holdersReadable, [organizationId, regionPrefix])) as { id: string }[]).map((r) => r.id);
}

export interface HolderRegistryRow {
  holderId: string;
  holderName: string;
  onTime: number;
  late: number;
  pending: number;
  overdueUnregistered: number;
  useFirst: number;
  freeLicenseEligible: number;
  suspended: number;
}

/**
 * P-REG counts per holder as of `today`; one holder or all, among those readable (organizationId / regionPrefix null: all);
 * one page, by name or by the most of one count (`sort`).
 */
export async function registryByHolder(
  m: Query,
  q: { holderId: string | null; today: string; organizationId: string | null; regionPrefix: string | null; sort: string | null },
  page: { limit: number; offset: number },
): Promise<{ rows: HolderRegistryRow[]; total: number }> {
  const [{ total }] = (await m.query(SQL.registryHolderCount, [q.holderId, q.organizationId, q.regionPrefix])) as { total: number }[];
  const rows = (await m.query(SQL.registryByHolder, [
    q.holderId,
    q.today,
    q.organizationId,
    q.regionPrefix,
    q.sort,
    page.limit,
    page.offset,
  ])) as HolderRegistryRow[];
  return { rows, total };
}
