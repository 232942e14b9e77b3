/**
 * BullMQ queue names (registered once for every process). Processors live in apps/worker; the API
 * only enqueues. Each context declares its own job names and payloads beside its code (e.g.
 * libs/market/src/jobs.ts); what stays here is the infrastructure's: maintenance and the outbox relay.
 * Jobs carry ids, never whole records, and are idempotent.
 */
export const QUEUES = {
  maintenance: 'maintenance',
  compliance: 'compliance',
  auctions: 'auctions',
  payments: 'payments',
  subsidies: 'subsidies',
  contracts: 'contracts',
  events: 'events',
  reporting: 'reporting',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const MAINTENANCE_JOBS = {
  purgeExpiredSessions: 'purge-expired-sessions',
  /** Delivered domain events older than a week leave the outbox. */
  purgeDeliveredEvents: 'purge-delivered-events',
} as const;

export const EVENT_JOBS = {
  /** Every 2 s: outbox events not delivered by the process that made them (it crashed, a handler failed). */
  relay: 'outbox-relay',
  /** One event to its handlers. */
  deliver: 'deliver-event',
} as const;

export interface DeliverEventJob {
  eventId: string;
}
