import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';
import type { TransformationView } from './dto/transformation.dto';

const VIEW = `SELECT id, achievement_id AS "achievementId", kind, license_type AS "licenseType", source, contract_id AS "contractId", status,
           to_char(took_effect_on, 'YYYY-MM-DD') AS "tookEffectOn", description, decision_reason AS "decisionReason", created_at AS "createdAt"
      FROM transformations`;

const SQL = queries(__filename, {
  insertDeclared: `
    INSERT INTO transformations (id, achievement_id, kind, source, status, description, evidence, declared_by, decision_reason)
    VALUES ($1, $2, 'own_implementation', 'declaration', 'pending', $3, $4, $5, NULL)`,
  lock: `SELECT achievement_id, status, evidence FROM transformations WHERE id = $1 FOR UPDATE`,
  decide: `UPDATE transformations SET status = $2, took_effect_on = $3, decided_by = $4, decided_at = $5, decision_reason = $6 WHERE id = $1`,
  insertFromContract: `
    INSERT INTO transformations (id, achievement_id, kind, license_type, source, contract_id, status, took_effect_on)
    VALUES ($1, $2, $3, $4, 'contract', $5, 'effective', $6)
    ON CONFLICT (contract_id) DO NOTHING`,
  view: `
    ${VIEW}
     WHERE id = $1`,
  viewOfContract: `
    ${VIEW}
     WHERE contract_id = $1`,
  listForAchievement: `
    ${VIEW}
     WHERE achievement_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3`,
  countForAchievement: `SELECT count(*)::int AS total FROM transformations WHERE achievement_id = $1`,
});

type Query = Pick<EntityManager, 'query'>;

export interface Evidence {
  startedOn: string;
  files: unknown[];
}

export async function insertDeclaredImplementation(
  m: Query,
  t: { id: string; achievementId: string; description: string; evidence: Evidence; declaredBy: string },
): Promise<void> {
  await m.query(SQL.insertDeclared, [t.id, t.achievementId, t.description, JSON.stringify(t.evidence), t.declaredBy]);
}

/** Locks the transformation (FOR UPDATE); undefined when there is none. */
export async function lockTransformation(m: Query, id: string): Promise<{ achievementId: string; status: string; evidence: Evidence } | undefined> {
  const [row] = (await m.query(SQL.lock, [id])) as { achievement_id: string; status: string; evidence: Evidence }[];
  return row && { achievementId: row.achievement_id, status: row.status, evidence: row.evidence };
}

export async function decideTransformation(
  m: Query,
  id: string,
  d: { status: 'effective' | 'rejected'; tookEffectOn: string | null; decidedBy: string; decidedAt: Date; reason: string },
): Promise<void> {
  await m.query(SQL.decide, [id, d.status, d.tookEffectOn, d.decidedBy, d.decidedAt, d.reason]);
}

/** Once per contract: a second call for the same contract inserts nothing. */
export async function insertContractTransformation(
  m: Query,
  t: { id: string; achievementId: string; kind: string; licenseType: string | null; contractId: string; tookEffectOn: string },
): Promise<void> {
  await m.query(SQL.insertFromContract, [t.id, t.achievementId, t.kind, t.licenseType, t.contractId, t.tookEffectOn]);
}

export async function transformationView(m: Query, id: string): Promise<TransformationView> {
  return ((await m.query(SQL.view, [id])) as TransformationView[])[0];
}

export async function transformationOfContract(m: Query, contractId: string): Promise<TransformationView> {
  return ((await m.query(SQL.viewOfContract, [contractId])) as TransformationView[])[0];
}

/** A page of an achievement's transformations, oldest first. */
export async function listTransformations(
  m: Query,
  achievementId: string,
  page: { limit: number; offset: number },
): Promise<{ items: TransformationView[]; total: number }> {
  const items = (await m.query(SQL.listForAchievement, [achievementId, page.limit, page.offset])) as TransformationView[];
  const [{ total }] = (await m.query(SQL.countForAchievement, [achievementId])) as { total: number }[];
  return { items, total };
}
