import { queries, type Queryable } from '@zjp/database';

/** Recorded history of an achievement: its registration date, past transformations and justified reasons. */
const SQL = queries(__filename, {
  lockFacts: `
    SELECT a.holder_id, a.registration_status, to_char(a.obtained_on, 'YYYY-MM-DD') AS obtained_on,
           to_char((SELECT min(r.granted_on) FROM ip_rights r WHERE r.achievement_id = a.id AND r.granted_on IS NOT NULL), 'YYYY-MM-DD') AS earliest_grant
      FROM achievements a WHERE a.id = $1 FOR UPDATE`,
  recordRegistration: `
    UPDATE achievements
       SET registration_status = 'registered', registered_on = $2, registration_recorded_by = $3, registration_recorded_at = $4,
           registration_documents = $5, updated_at = $4
     WHERE id = $1`,
  insertTransformation: `
    INSERT INTO transformations (id, achievement_id, kind, license_type, source, status, took_effect_on, description, evidence,
                                 declared_by, decided_by, decided_at, contract_reference, counterparty, recorded_at, created_at)
    VALUES ($1, $2, $3, $4, 'history', 'effective', $5, $6, $7, $8, $8, $9, $10, $11, $9, $9)`,
  insertJustification: `
    INSERT INTO justifications (id, achievement_id, category, explanation, starts_on, ends_on, status, submitted_by, submitted_at,
                                reviewed_by, reviewed_at, review_reason, recorded, documents)
    VALUES ($1, $2, $3, $4, $5, $6, 'approved', $7, $8, $7, $8, 'recorded history', true, $9)`,
  history: `
    SELECT 'registration' AS kind, a.id::text AS id, to_char(a.registered_on, 'YYYY-MM-DD') AS "date", NULL AS "until", NULL AS detail,
           NULL AS reference, a.registration_documents AS documents, a.registration_recorded_by AS "recordedBy", a.registration_recorded_at AS "recordedAt"
      FROM achievements a WHERE a.id = $1 AND a.registration_recorded_at IS NOT NULL
    UNION ALL
    SELECT 'transformation', t.id::text, to_char(t.took_effect_on, 'YYYY-MM-DD'), NULL, t.kind, t.contract_reference, t.evidence, t.declared_by, t.recorded_at
      FROM transformations t WHERE t.achievement_id = $1 AND t.source = 'history'
    UNION ALL
    SELECT 'justification', j.id::text, to_char(j.starts_on, 'YYYY-MM-DD'), to_char(j.ends_on, 'YYYY-MM-DD'), j.category, NULL, j.documents, j.submitted_by, j.submitted_at
      FROM justifications j WHERE j.achievement_id = $1 AND j.recorded
    ORDER BY "recordedAt", kind, id`,
  ruleState: `SELECT rule_state FROM achievements WHERE id = $1`,
});

export interface HistoryFacts {
  holderId: string;
  registrationStatus: string;
  obtainedOn: string;
  /** The earliest grant of its IP rights (YYYY-MM-DD), or null when none is granted. */
  earliestGrant: string | null;
}

export interface Document {
  name: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

export interface HistoryEntry {
  kind: 'registration' | 'transformation' | 'justification';
  id: string;
  date: string;
  until: string | null;
  detail: string | null;
  reference: string | null;
  documents: Document[];
  recordedBy: string;
  recordedAt: Date;
}

/** Locks the achievement and returns what recorded dates are checked against; undefined when it does not exist. */
export async function lockHistoryFacts(m: Queryable, achievementId: string): Promise<HistoryFacts | undefined> {
  const [row] = (await m.query(SQL.lockFacts, [achievementId])) as {
    holder_id: string;
    registration_status: string;
    obtained_on: string;
    earliest_grant: string | null;
  }[];
  return row && { holderId: row.holder_id, registrationStatus: row.registration_status, obtainedOn: row.obtained_on, earliestGrant: row.earliest_grant };
}

export async function recordRegistration(
  m: Queryable,
  achievementId: string,
  registeredOn: string,
  by: string,
  at: Date,
  documents: readonly Document[],
): Promise<void> {
  await m.query(SQL.recordRegistration, [achievementId, registeredOn, by, at, JSON.stringify(documents)]);
}

export async function insertRecordedTransformation(
  m: Queryable,
  t: {
    id: string;
    achievementId: string;
    kind: string;
    licenseType: string | null;
    tookEffectOn: string;
    description: string;
    documents: readonly Document[];
    by: string;
    at: Date;
    contractReference: string;
    counterparty: string | null;
  },
): Promise<void> {
  await m.query(SQL.insertTransformation, [
    t.id,
    t.achievementId,
    t.kind,
    t.licenseType,
    t.tookEffectOn,
    t.description,
    JSON.stringify(t.documents),
    t.by,
    t.at,
    t.contractReference,
    t.counterparty,
  ]);
}

export async function insertRecordedJustification(
  m: Queryable,
  j: {
    id: string;
    achievementId: string;
    category: string;
    explanation: string;
    startsOn: string;
    endsOn: string;
    by: string;
    at: Date;
    documents: readonly Document[];
  },
): Promise<void> {
  await m.query(SQL.insertJustification, [j.id, j.achievementId, j.category, j.explanation, j.startsOn, j.endsOn, j.by, j.at, JSON.stringify(j.documents)]);
}

export async function recordedHistory(m: Queryable, achievementId: string): Promise<HistoryEntry[]> {
  return (await m.query(SQL.history, [achievementId])) as HistoryEntry[];
}

export async function ruleStateOf(m: Queryable, achievementId: string): Promise<string> {
  return ((await m.query(SQL.ruleState, [achievementId])) as { rule_state: string }[])[0].rule_state;
}
