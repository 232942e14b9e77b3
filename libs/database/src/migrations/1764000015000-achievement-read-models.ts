import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The achievements context's published free-licence read model (PUBLISHED_READ_MODELS.achievements):
 * the contracts sweep asks which approved P-3Y applications still have no contract, a join with
 * its own table that only it can write. A plain single-table view, so the planner inlines it.
 */
export class AchievementReadModels1764000015000 implements MigrationInterface {
  name = 'AchievementReadModels1764000015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW free_license_directory AS
      SELECT id, achievement_id, enterprise_id, status, applied_at, decided_at FROM free_license_applications`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW free_license_directory`);
  }
}
