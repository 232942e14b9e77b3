import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox: a domain event is written in the transaction of the change it
 * reports, so it exists exactly when the change does. It is delivered to its handlers right
 * after the commit by the process that made it, and otherwise (that process crashed, a handler
 * failed) by the worker's relay through BullMQ: at least once, to idempotent handlers.
 * `lease_until` keeps two deliverers from running the same event at once.
 */
export class Outbox1764000012000 implements MigrationInterface {
  name = 'Outbox1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_events (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (name ~ '^[A-Z][A-Za-z]+$'),
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        lease_until timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    await q.query(`CREATE INDEX outbox_events_undelivered ON outbox_events (created_at) WHERE delivered_at IS NULL`);
    await q.query(`CREATE INDEX outbox_events_delivered ON outbox_events (delivered_at) WHERE delivered_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox_events`);
  }
}
