import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';
import type { FreeLicenseApplicationView } from './dto/free-license.dto';

const VIEW = `SELECT f.id, f.achievement_id AS "achievementId", a.title AS "achievementTitle", a.holder_id AS "holderId",
           f.enterprise_id AS "enterpriseId", f.statement, f.status, f.applied_at AS "appliedAt", f.decided_at AS "decidedAt", f.decision_reason AS "decisionReason"
      FROM free_license_applications f JOIN achievements a ON a.id = f.achievement_id`;

/** The readable organisations (see access.ts `readableOrgs`) over an alias. */
const readable = (alias: string) => `($1::uuid IS NULL OR ${alias}.id = $1 OR ($2::text IS NOT NULL AND ${alias}.region_code LIKE $2 || '%'))`;

const READABLE = `(EXISTS (SELECT 1 FROM organization_directory eo WHERE eo.id = f.enterprise_id AND ${readable('eo')})
        OR EXISTS (SELECT 1 FROM organization_directory ho WHERE ho.id = a.holder_id AND ${readable('ho')}))`;

const SQL = queries(__filename, {
  insert: `
    INSERT INTO free_license_applications (id, achievement_id, enterprise_id, statement, applied_by, applied_at)
    VALUES ($1, $2, $3, $4, $5, $6)`,
  lockWithRuleState: `
    SELECT f.status, f.achievement_id, f.enterprise_id, a.rule_state
      FROM free_license_applications f JOIN achievements a ON a.id = f.achievement_id
     WHERE f.id = $1
       FOR UPDATE OF f`,
  ofEnterprise: `SELECT 1 FROM free_license_applications WHERE id = $1 AND enterprise_id = $2`,
  forContractDraft: `
    SELECT f.status, f.enterprise_id, f.decided_at, a.id AS achievement_id, a.holder_id, a.title
      FROM free_license_applications f JOIN achievements a ON a.id = f.achievement_id
     WHERE f.id = $1
       FOR SHARE OF f`,
  decide: `UPDATE free_license_applications SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1`,
  view: `
    ${VIEW}
     WHERE f.id = $1`,
  listReadable: `
    ${VIEW}
     WHERE ${READABLE}
     ORDER BY f.applied_at DESC, f.id DESC LIMIT $3 OFFSET $4`,
  countReadable: `SELECT count(*)::int AS total FROM free_license_applications f JOIN achievements a ON a.id = f.achievement_id WHERE ${READABLE}`,
  listOfParty: `
    ${VIEW}
     WHERE f.enterprise_id = $1 OR a.holder_id = $1
     ORDER BY f.applied_at DESC, f.id DESC LIMIT $2 OFFSET $3`,
  countOfParty: `SELECT count(*)::int AS total FROM free_license_applications f JOIN achievements a ON a.id = f.achievement_id WHERE f.enterprise_id = $1 OR a.holder_id = $1`,
});

type Query = Pick<EntityManager, 'query'>;

/** Rejects (unique violation) a second open or approved application by the same enterprise. */
export async function insertFreeLicenseApplication(
  m: Query,
  a: { id: string; achievementId: string; enterpriseId: string; statement: string; appliedBy: string; appliedAt: Date },
): Promise<void> {
  await m.query(SQL.insert, [a.id, a.achievementId, a.enterpriseId, a.statement, a.appliedBy, a.appliedAt]);
}

/** Locks the application (FOR UPDATE) and reads its achievement's rule state; undefined when there is none. */
export async function lockFreeLicenseApplication(
  m: Query,
  id: string,
): Promise<{ status: string; achievementId: string; enterpriseId: string; ruleState: string } | undefined> {
  const [row] = (await m.query(SQL.lockWithRuleState, [id])) as { status: string; achievement_id: string; enterprise_id: string; rule_state: string }[];
  return row && { status: row.status, achievementId: row.achievement_id, enterpriseId: row.enterprise_id, ruleState: row.rule_state };
}

/** Whether the application is the enterprise's own. */
export async function isApplicationOf(m: Query, id: string, enterpriseId: string | null): Promise<boolean> {
  return ((await m.query(SQL.ofEnterprise, [id, enterpriseId])) as unknown[]).length > 0;
}

export interface FreeLicenseForContract {
  status: string;
  enterpriseId: string;
  decidedAt: Date | null;
  achievementId: string;
  holderId: string;
  title: string;
}

/** The application as a contract draft needs it (with its achievement's holder and title), share-locked (FOR SHARE OF f); undefined when there is none. */
export async function lockFreeLicenseForContract(m: Query, id: string): Promise<FreeLicenseForContract | undefined> {
  const [r] = (await m.query(SQL.forContractDraft, [id])) as {
    status: string;
    enterprise_id: string;
    decided_at: Date | null;
    achievement_id: string;
    holder_id: string;
    title: string;
  }[];
  return (
    r && { status: r.status, enterpriseId: r.enterprise_id, decidedAt: r.decided_at, achievementId: r.achievement_id, holderId: r.holder_id, title: r.title }
  );
}

export async function decideFreeLicenseApplication(
  m: Query,
  id: string,
  d: { status: 'approved' | 'rejected'; decidedBy: string; decidedAt: Date; reason: string },
): Promise<void> {
  await m.query(SQL.decide, [id, d.status, d.decidedBy, d.decidedAt, d.reason]);
}

export async function freeLicenseApplicationView(m: Query, id: string): Promise<FreeLicenseApplicationView> {
  return ((await m.query(SQL.view, [id])) as FreeLicenseApplicationView[])[0];
}

type Page = { limit: number; offset: number };
type FreeLicensePage = { items: FreeLicenseApplicationView[]; total: number };

/** One page of the applications an administrator may read (the operator all; an authority those in its region), newest first. */
export async function listReadableFreeLicenseApplications(
  m: Query,
  organizationId: string | null,
  regionPrefix: string | null,
  page: Page,
): Promise<FreeLicensePage> {
  const [{ total }] = (await m.query(SQL.countReadable, [organizationId, regionPrefix])) as { total: number }[];
  const items = (await m.query(SQL.listReadable, [organizationId, regionPrefix, page.limit, page.offset])) as FreeLicenseApplicationView[];
  return { items, total };
}

/** One page of the applications an organisation made (an enterprise) or received (a holder), newest first. */
export async function listFreeLicenseApplicationsOf(m: Query, organizationId: string, page: Page): Promise<FreeLicensePage> {
  const [{ total }] = (await m.query(SQL.countOfParty, [organizationId])) as { total: number }[];
  return { items: (await m.query(SQL.listOfParty, [organizationId, page.limit, page.offset])) as FreeLicenseApplicationView[], total };
}
