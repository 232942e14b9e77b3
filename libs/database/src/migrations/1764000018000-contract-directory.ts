import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contracts context's published read model (PUBLISHED_READ_MODELS.contracts):
 * `contract_directory`, what other contexts may read of a contract — its kind, parties, status,
 * dates of effect and 认定登记, price and terms. The subsidies context builds its contract facts
 * and their fingerprints from it. A plain single-table view, so the planner inlines it and the
 * table's indexes still serve the joins.
 */
export class ContractDirectory1764000018000 implements MigrationInterface {
  name = 'ContractDirectory1764000018000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW contract_directory AS
      SELECT id, type, status, achievement_id, deal_id, seller_id, buyer_id, took_effect_on, registration_number, registered_on, price_fen, terms
        FROM contracts`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW contract_directory`);
  }
}
