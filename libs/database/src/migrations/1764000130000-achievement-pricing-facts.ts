import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The achievements context publishes what price guidance (初始化定价, P-PRICE) compares
 * (PUBLISHED_READ_MODELS.achievements): an achievement's field, IPC classes and maturity, and its
 * main IP right — the strongest kind it has (invention, utility model, design, then the rest),
 * a valid one before a lapsed one — whose application number gives the remaining patent term.
 */
export class AchievementPricingFacts1764000130000 implements MigrationInterface {
  name = 'AchievementPricingFacts1764000130000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW achievement_pricing_facts AS
      SELECT a.id, a.holder_id, a.title, a.technical_field, a.ipc_classes, a.maturity, r.type AS ip_type, r.number AS ip_number
        FROM achievements a
        LEFT JOIN LATERAL (
          SELECT type, number FROM ip_rights
           WHERE achievement_id = a.id
           ORDER BY CASE type WHEN 'invention_patent' THEN 1 WHEN 'utility_model' THEN 2 WHEN 'design_patent' THEN 3 ELSE 4 END,
                    status <> 'valid', granted_on NULLS LAST, id
           LIMIT 1) r ON true`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW achievement_pricing_facts`);
  }
}
