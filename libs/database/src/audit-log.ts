import type { EntityManager } from 'typeorm';
import { actingAgent } from './acting-agent';

export interface AuditEntry {
  actorUserId?: string | null;
  actorOrganizationId?: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  reason?: string | null;
  data?: Record<string, unknown>;
  occurredAt: Date;
}

/**
 * Invariant 6: who did what, when and why. Written in the same transaction as the change it
 * describes, so a rolled-back change leaves no entry. While a broker acts for a principal under a
 * mandate, the entry is the principal's (actor organisation) done by the broker's user, and names
 * the broker (`agent_organization_id`) and the mandate: "by broker X for Y".
 */
export async function recordAudit(manager: Pick<EntityManager, 'query'>, entry: AuditEntry): Promise<void> {
  const agent = actingAgent();
  await manager.query(
    `INSERT INTO audit_log (occurred_at, actor_user_id, actor_organization_id, action, subject_type, subject_id, reason, data, agent_organization_id, mandate_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      entry.occurredAt,
      entry.actorUserId ?? null,
      entry.actorOrganizationId ?? null,
      entry.action,
      entry.subjectType,
      entry.subjectId,
      entry.reason ?? null,
      JSON.stringify(entry.data ?? {}),
      agent?.brokerOrganizationId ?? null,
      agent?.mandateId ?? null,
    ],
  );
}

/** Several entries in one statement (the lots a close job closes together), under the same acting agent. */
export async function recordAudits(manager: Pick<EntityManager, 'query'>, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  const agent = actingAgent();
  await manager.query(
    `INSERT INTO audit_log (occurred_at, actor_user_id, actor_organization_id, action, subject_type, subject_id, reason, data, agent_organization_id, mandate_id)
     SELECT e.occurred_at, e.actor_user_id, e.actor_organization_id, e.action, e.subject_type, e.subject_id, e.reason, e.data, $2, $3
       FROM jsonb_to_recordset($1::jsonb)
         AS e(occurred_at timestamptz, actor_user_id uuid, actor_organization_id uuid, action text, subject_type text, subject_id text, reason text, data jsonb)`,
    [
      JSON.stringify(
        entries.map((entry) => ({
          occurred_at: entry.occurredAt.toISOString(),
          actor_user_id: entry.actorUserId ?? null,
          actor_organization_id: entry.actorOrganizationId ?? null,
          action: entry.action,
          subject_type: entry.subjectType,
          subject_id: entry.subjectId,
          reason: entry.reason ?? null,
          data: entry.data ?? {},
        })),
      ),
      agent?.brokerOrganizationId ?? null,
      agent?.mandateId ?? null,
    ],
  );
}
