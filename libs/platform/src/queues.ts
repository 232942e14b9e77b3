/**
 * BullMQ queue names. Processors live in apps/worker; the API only enqueues.
 * Each queue's jobs carry ids, never whole records, and are idempotent.
 */
export const QUEUES = {
  maintenance: 'maintenance',
  compliance: 'compliance',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const MAINTENANCE_JOBS = {
  purgeExpiredSessions: 'purge-expired-sessions',
} as const;

export const COMPLIANCE_JOBS = {
  idleScan: 'idle-scan',
} as const;

/** Job data of an idle-IP scan: the Asia/Shanghai date to apply the rules for (today when absent). */
export interface IdleScanJob {
  date?: string;
  requestedBy?: string;
}
