import { queries } from '../sql/queries';

/** The outbox's statements for appending (table `outbox_events`, owned by this library; see outbox.ts). */
export const OUTBOX_SQL = queries(__filename, {
  // Events in the order given: $1 ids, $2 names, $3 payloads, $4 times.
  appendEvents: `
    INSERT INTO outbox_events (id, name, payload, occurred_at)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::timestamptz[])`,
});
