import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * History a registry brings with it (issue 18): a registration date, transformations that took
 * effect and justifications approved before the platform existed, recorded by the holder's
 * administrator or the operator with documents, marked as recorded history with who and when.
 */
export class RecordedHistory1764000020000 implements MigrationInterface {
  name = 'RecordedHistory1764000020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE achievements ADD COLUMN registration_recorded_by uuid REFERENCES users (id), ADD COLUMN registration_recorded_at timestamptz, ADD COLUMN registration_documents jsonb`,
    );
    await q.query(`ALTER TABLE transformations DROP CONSTRAINT transformations_source_check`);
    await q.query(`ALTER TABLE transformations ADD CONSTRAINT transformations_source_check CHECK (source IN ('contract', 'declaration', 'history'))`);
    await q.query(`
      ALTER TABLE transformations
        ADD COLUMN contract_reference text,
        ADD COLUMN counterparty text,
        ADD COLUMN recorded_at timestamptz,
        ADD CONSTRAINT transformations_history_recorded CHECK ((source = 'history') = (recorded_at IS NOT NULL AND contract_reference IS NOT NULL))`);
    // A justification's period: from its start (recorded history) or, as before, from its submission.
    await q.query(
      `ALTER TABLE justifications ADD COLUMN starts_on date, ADD COLUMN recorded boolean NOT NULL DEFAULT false, ADD COLUMN documents jsonb NOT NULL DEFAULT '[]'::jsonb`,
    );
    await q.query(`ALTER TABLE justifications ADD CONSTRAINT justifications_period CHECK (starts_on IS NULL OR starts_on <= ends_on)`);
    // Where an achievement is (成果所在地, GB/T 2260), as registries record it; null for those registered before.
    await q.query(`ALTER TABLE achievements ADD COLUMN region_code text CHECK (region_code ~ '^[1-9][0-9]{5}$')`);
    // A registry import: the uploaded sheet, its dry-run report, and what its commit made.
    await q.query(`
      CREATE TABLE registry_imports (
        id uuid PRIMARY KEY,
        holder_id uuid NOT NULL REFERENCES organizations (id),
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL,
        file_name text NOT NULL,
        file bytea NOT NULL,
        format text CHECK (format IN ('xlsx', 'csv')),
        status text NOT NULL CHECK (status IN ('validating', 'invalid', 'validated', 'committing', 'committed', 'failed')),
        rows_total int,
        rows_valid int,
        report jsonb,
        parsed jsonb,
        result jsonb,
        error text,
        job_id text,
        committed_by uuid REFERENCES users (id),
        committed_at timestamptz
      )`);
    await q.query(`CREATE INDEX registry_imports_holder_idx ON registry_imports (holder_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE registry_imports`);
    await q.query(`ALTER TABLE achievements DROP COLUMN region_code`);
    await q.query(`ALTER TABLE justifications DROP CONSTRAINT justifications_period, DROP COLUMN starts_on, DROP COLUMN recorded, DROP COLUMN documents`);
    await q.query(`DELETE FROM transformations WHERE source = 'history'`);
    await q.query(
      `ALTER TABLE transformations DROP CONSTRAINT transformations_history_recorded, DROP COLUMN contract_reference, DROP COLUMN counterparty, DROP COLUMN recorded_at`,
    );
    await q.query(`ALTER TABLE transformations DROP CONSTRAINT transformations_source_check`);
    await q.query(`ALTER TABLE transformations ADD CONSTRAINT transformations_source_check CHECK (source IN ('contract', 'declaration'))`);
    await q.query(`ALTER TABLE achievements DROP COLUMN registration_recorded_by, DROP COLUMN registration_recorded_at, DROP COLUMN registration_documents`);
  }
}
