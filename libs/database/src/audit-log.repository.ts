import { queries } from './sql/queries';

/** The audit log's statements (table `audit_log`, owned by this library; see audit-log.ts). */
export const AUDIT_SQL = queries(__filename, {
  insertEntry: `
    INSERT INTO audit_log (occurred_at, actor_user_id, actor_organization_id, action, subject_type, subject_id, reason, data, agent_organization_id, mandate_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  // Several entries under one acting agent ($2, $3): the lots a close job closes together.
  insertEntries: `
    INSERT INTO audit_log (occurred_at, actor_user_id, actor_organization_id, action, subject_type, subject_id, reason, data, agent_organization_id, mandate_id)
    SELECT e.occurred_at, e.actor_user_id, e.actor_organization_id, e.action, e.subject_type, e.subject_id, e.reason, e.data, $2, $3
      FROM jsonb_to_recordset($1::jsonb)
        AS e(occurred_at timestamptz, actor_user_id uuid, actor_organization_id uuid, action text, subject_type text, subject_id text, reason text, data jsonb)`,
});
