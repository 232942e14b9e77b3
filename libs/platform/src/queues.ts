/**
 * BullMQ queue names. Processors live in apps/worker; the API only enqueues.
 * Each queue's jobs carry ids, never whole records, and are idempotent.
 */
export const QUEUES = {
  maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const MAINTENANCE_JOBS = {
  purgeExpiredSessions: 'purge-expired-sessions',
} as const;
