import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Published read models: what a context lets the others read of its tables, as views it owns
 * (libs/database/src/ownership/table-owners.ts, PUBLISHED_READ_MODELS). Another context joins a
 * view, never the table behind it, so the owner may change its tables as long as the view stays.
 * Nothing secret is in them (no e-mail addresses, no password hashes).
 */
export class PublishedReadModels1764000013000 implements MigrationInterface {
  name = 'PublishedReadModels1764000013000';

  async up(q: QueryRunner): Promise<void> {
    // identity: organisations as parties, holders, enterprises and authorities; users by name
    await q.query(`
      CREATE VIEW organization_directory AS
      SELECT id, type, name, credit_code, region_code, holder_category, high_level_platform, sme, authority_level FROM organizations`);
    await q.query(`CREATE VIEW user_directory AS SELECT id, organization_id, display_name FROM users`);
    // achievements: what a listing, a lot, a contract or a subsidy names of an achievement
    await q.query(`
      CREATE VIEW achievement_directory AS
      SELECT id, holder_id, title, technical_field, kind, registration_status, asking_price_fen FROM achievements`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW achievement_directory`);
    await q.query(`DROP VIEW user_directory`);
    await q.query(`DROP VIEW organization_directory`);
  }
}
