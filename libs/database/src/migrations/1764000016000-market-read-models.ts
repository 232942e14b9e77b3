import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The market's published read models (PUBLISHED_READ_MODELS.market): deals for the contracts
 * context (its sweep asks which deals still have no contract, a join only it can write) and
 * listings for the achievements catalogue (an achievement's open listing). Plain single-table
 * views, so the planner inlines them and the tables' indexes still serve the joins.
 */
export class MarketReadModels1764000016000 implements MigrationInterface {
  name = 'MarketReadModels1764000016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW deal_directory AS
      SELECT id, source, lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at, status, defaulted_at
        FROM deals`);
    await q.query(`
      CREATE VIEW listing_directory AS
      SELECT id, achievement_id, holder_id, mode, forced, rule_clause, price_fen, price_deadline, status, created_at FROM listings`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW listing_directory`);
    await q.query(`DROP VIEW deal_directory`);
  }
}
