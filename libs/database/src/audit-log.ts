import type { EntityManager } from 'typeorm';
import { actingAgent } from './acting-agent';
import { AUDIT_SQL } from './audit-log.repository';

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
  await manager.query(AUDIT_SQL.insertEntry, [
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
  ]);
}

/** Several entries in one statement (the lots a close job closes together), under the same acting agent. */
export async function recordAudits(manager: Pick<EntityManager, 'query'>, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  const agent = actingAgent();
  await manager.query(AUDIT_SQL.insertEntries, [
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
  ]);
}
