import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';
import type { JustificationView } from './dto/justification.dto';

const VIEW = `SELECT j.id, j.achievement_id AS "achievementId", a.holder_id AS "holderId", j.category, j.explanation,
           to_char(j.ends_on, 'YYYY-MM-DD') AS "endsOn", j.status, j.submitted_at AS "submittedAt", j.reviewed_at AS "reviewedAt", j.review_reason AS "reviewReason"
      FROM justifications j JOIN achievements a ON a.id = j.achievement_id`;

const SQL = queries(__filename, {
  hasPending: `SELECT 1 FROM justifications WHERE achievement_id = $1 AND status = 'pending'`,
  insert: `
    INSERT INTO justifications (id, achievement_id, category, explanation, ends_on, submitted_by, submitted_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  lock: `SELECT achievement_id, status FROM justifications WHERE id = $1 FOR UPDATE`,
  decide: `UPDATE justifications SET status = $2, reviewed_by = $3, reviewed_at = $4, review_reason = $5 WHERE id = $1`,
  view: `
    ${VIEW}
     WHERE j.id = $1`,
  listForHolder: `
    ${VIEW}
     WHERE ($1::text IS NULL OR j.status = $1) AND a.holder_id = $2
     ORDER BY j.submitted_at DESC LIMIT 200`,
  listReadable: `
    ${VIEW}
     WHERE ($1::text IS NULL OR j.status = $1)
       AND EXISTS (SELECT 1 FROM organization_directory ho
                    WHERE ho.id = a.holder_id AND ($2::uuid IS NULL OR ho.id = $2 OR ($3::text IS NOT NULL AND ho.region_code LIKE $3 || '%')))
     ORDER BY j.submitted_at DESC LIMIT 200`,
});

type Query = Pick<EntityManager, 'query'>;

export interface NewJustification {
  id: string;
  achievementId: string;
  category: string;
  explanation: string;
  endsOn: string;
  submittedBy: string;
  submittedAt: Date;
}

export async function hasPendingJustification(m: Query, achievementId: string): Promise<boolean> {
  return ((await m.query(SQL.hasPending, [achievementId])) as unknown[]).length > 0;
}

export async function insertJustification(m: Query, j: NewJustification): Promise<void> {
  await m.query(SQL.insert, [j.id, j.achievementId, j.category, j.explanation, j.endsOn, j.submittedBy, j.submittedAt]);
}

/** Locks the justification (FOR UPDATE); undefined when there is none. */
export async function lockJustification(m: Query, id: string): Promise<{ achievementId: string; status: string } | undefined> {
  const [row] = (await m.query(SQL.lock, [id])) as { achievement_id: string; status: string }[];
  return row && { achievementId: row.achievement_id, status: row.status };
}

export async function decideJustification(
  m: Query,
  id: string,
  d: { status: 'approved' | 'rejected'; reviewedBy: string; reviewedAt: Date; reason: string },
): Promise<void> {
  await m.query(SQL.decide, [id, d.status, d.reviewedBy, d.reviewedAt, d.reason]);
}

export async function justificationView(m: Query, id: string): Promise<JustificationView> {
  return ((await m.query(SQL.view, [id])) as JustificationView[])[0];
}

/** The latest 200 of a holder's justifications, in one status or all. */
export async function listHolderJustifications(m: Query, holderId: string, status: string | null): Promise<JustificationView[]> {
  return (await m.query(SQL.listForHolder, [status, holderId])) as JustificationView[];
}

/** The latest 200 justifications of the holders readable with these parameters (null, null: all). */
export async function listReadableJustifications(
  m: Query,
  status: string | null,
  organizationId: string | null,
  regionPrefix: string | null,
): Promise<JustificationView[]> {
  return (await m.query(SQL.listReadable, [status, organizationId, regionPrefix])) as JustificationView[];
}
