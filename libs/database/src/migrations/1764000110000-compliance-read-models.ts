import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The achievements context's compliance read models (PUBLISHED_READ_MODELS.achievements), for the
 * reporting context's holder rankings and the authorities' compliance dashboard (P-REG, P-2Y,
 * P-3Y): what an achievement's registration and idle-IP standing is, which transformations took
 * effect, and which justified reasons (正当理由) are pending or approved. Plain single-table views,
 * so the planner inlines them and the tables' indexes still serve the joins.
 */
export class ComplianceReadModels1764000110000 implements MigrationInterface {
  name = 'ComplianceReadModels1764000110000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW achievement_standing AS
      SELECT id, holder_id, kind, publicly_funded, registration_status, obtained_on, registered_on, rule_state, rule_state_since FROM achievements`);
    await q.query(`
      CREATE VIEW transformation_directory AS
      SELECT id, achievement_id, kind, status, took_effect_on FROM transformations`);
    await q.query(`
      CREATE VIEW justification_directory AS
      SELECT id, achievement_id, category, status, ends_on, submitted_at, reviewed_at FROM justifications`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW justification_directory`);
    await q.query(`DROP VIEW transformation_directory`);
    await q.query(`DROP VIEW achievement_standing`);
  }
}
