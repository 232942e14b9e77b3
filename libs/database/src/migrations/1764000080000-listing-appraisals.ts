import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * P-PRICE: a listing may carry an asset appraisal report (资产评估报告) — who appraised it, the
 * appraised value in fen, the appraisal date and the report document (its name and SHA-256, hashed
 * in the browser). Shown to bidders beside the starting price. All five are present or none.
 */
export class ListingAppraisals1764000080000 implements MigrationInterface {
  name = 'ListingAppraisals1764000080000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE listings
        ADD COLUMN appraiser text CHECK (length(appraiser) BETWEEN 1 AND 200),
        ADD COLUMN appraised_value_fen bigint CHECK (appraised_value_fen > 0),
        ADD COLUMN appraised_on date,
        ADD COLUMN appraisal_document_name text CHECK (length(appraisal_document_name) BETWEEN 1 AND 255),
        ADD COLUMN appraisal_document_sha256 text CHECK (appraisal_document_sha256 ~ '^[0-9a-f]{64}$'),
        ADD CONSTRAINT listings_appraisal_complete CHECK (
          num_nulls(appraiser, appraised_value_fen, appraised_on, appraisal_document_name, appraisal_document_sha256) IN (0, 5))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE listings DROP CONSTRAINT listings_appraisal_complete,
        DROP COLUMN appraiser, DROP COLUMN appraised_value_fen, DROP COLUMN appraised_on,
        DROP COLUMN appraisal_document_name, DROP COLUMN appraisal_document_sha256`);
  }
}
