import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fixed-price listings (挂牌) with a public notice period and enterprises' declarations of intent,
 * negotiated listings, deals that come from them, and a winner's default.
 */
export class ListingFlows1764000006000 implements MigrationInterface {
  name = 'ListingFlows1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE listings
      ADD COLUMN notice_days int CHECK (notice_days BETWEEN 1 AND 60),
      ADD COLUMN notice_ends_at timestamptz,
      ADD COLUMN concluded_at timestamptz`);
    await q.query(`
      CREATE TABLE listing_intents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        listing_id uuid NOT NULL REFERENCES listings (id),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        statement text NOT NULL DEFAULT '',
        declared_by uuid REFERENCES users (id),
        declared_at timestamptz NOT NULL,
        UNIQUE (listing_id, organization_id)
      )`);
    await q.query(`ALTER TABLE deals
      ALTER COLUMN lot_id DROP NOT NULL,
      ADD COLUMN source text NOT NULL DEFAULT 'auction' CHECK (source IN ('auction', 'fixed_price', 'negotiated')),
      ADD COLUMN defaulted_at timestamptz,
      ADD COLUMN default_reason text,
      ADD CONSTRAINT deals_lot_for_auctions CHECK ((source = 'auction') = (lot_id IS NOT NULL))`);
    // A fixed-price or negotiated listing concludes in at most one deal.
    await q.query(`CREATE UNIQUE INDEX deals_listing_key ON deals (listing_id) WHERE lot_id IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deals_listing_key`);
    await q.query(`DELETE FROM deals WHERE lot_id IS NULL`);
    await q.query(
      `ALTER TABLE deals DROP CONSTRAINT deals_lot_for_auctions, DROP COLUMN source, DROP COLUMN defaulted_at, DROP COLUMN default_reason, ALTER COLUMN lot_id SET NOT NULL`,
    );
    await q.query(`DROP TABLE listing_intents`);
    await q.query(`ALTER TABLE listings DROP COLUMN notice_days, DROP COLUMN notice_ends_at, DROP COLUMN concluded_at`);
  }
}
