import { MigrationInterface, QueryRunner } from 'typeorm';

/** The first cut of the achievement registry: enough to list the demo catalogue. */
export class CreateAchievements1764000001000 implements MigrationInterface {
  name = 'CreateAchievements1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE achievements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        holder_id uuid NOT NULL REFERENCES organizations (id),
        title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
        abstract text NOT NULL DEFAULT '',
        technical_field text NOT NULL CHECK (technical_field IN ('internet_plus', 'life_health', 'new_materials', 'other')),
        kind text NOT NULL CHECK (kind IN ('applied', 'basic')),
        publicly_funded boolean NOT NULL DEFAULT false,
        obtained_on date NOT NULL,
        keywords text[] NOT NULL DEFAULT '{}',
        asking_price_fen bigint CHECK (asking_price_fen >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX achievements_holder_idx ON achievements (holder_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE achievements`);
  }
}
