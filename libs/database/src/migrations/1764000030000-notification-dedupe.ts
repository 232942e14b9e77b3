import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications an enterprise expects (outbid, lot starting soon, won / lost, deposits, contracts,
 * payments, subsidy decisions) are sent from handlers that run at least once (outbox events,
 * BullMQ jobs): a notice may carry a key, unique per organisation, so that a second run of its
 * handler stores nothing. The inbox is read newest first, unread only or not.
 */
export class NotificationDedupe1764000030000 implements MigrationInterface {
  name = 'NotificationDedupe1764000030000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications ADD COLUMN dedupe_key text`);
    await q.query(`CREATE UNIQUE INDEX notifications_dedupe_key ON notifications (organization_id, dedupe_key) WHERE dedupe_key IS NOT NULL`);
    await q.query(`CREATE INDEX notifications_unread_idx ON notifications (organization_id, created_at DESC) WHERE read_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notifications_unread_idx`);
    await q.query(`DROP INDEX notifications_dedupe_key`);
    await q.query(`ALTER TABLE notifications DROP COLUMN dedupe_key`);
  }
}
