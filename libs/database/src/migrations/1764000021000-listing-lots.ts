import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An auction listing names its lot: the market's listing_directory gains `lot_id` (the newest lot
 * of a listing in auction mode, null for any other mode), so the catalogue can link an
 * achievement's listing to its auction; lots are found by listing through a new index.
 */
export class ListingLots1764000021000 implements MigrationInterface {
  name = 'ListingLots1764000021000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX lots_listing_idx ON lots (listing_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE OR REPLACE VIEW listing_directory AS
      SELECT id, achievement_id, holder_id, mode, forced, rule_clause, price_fen, price_deadline, status, created_at,
             CASE WHEN mode = 'auction' THEN (SELECT lt.id FROM lots lt WHERE lt.listing_id = listings.id ORDER BY lt.created_at DESC, lt.id DESC LIMIT 1) END AS lot_id
        FROM listings`);
  }

  async down(q: QueryRunner): Promise<void> {
    // A view cannot lose a column by replacement: drop it and create it as 1764000016000 did.
    await q.query(`DROP VIEW listing_directory`);
    await q.query(`
      CREATE OR REPLACE VIEW listing_directory AS
      SELECT id, achievement_id, holder_id, mode, forced, rule_clause, price_fen, price_deadline, status, created_at FROM listings`);
    await q.query(`DROP INDEX lots_listing_idx`);
  }
}
