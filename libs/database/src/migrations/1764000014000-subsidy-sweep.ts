import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The subsidy sweep reads a batch of contracts' refunds by payment (and their facts'
 * fingerprints join refunds to payments): an index on refunds' payment, not only on the pending
 * ones, so that a batch's refunds are found without reading every refund.
 */
export class SubsidySweep1764000014000 implements MigrationInterface {
  name = 'SubsidySweep1764000014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX refunds_payment_idx ON refunds (payment_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX refunds_payment_idx`);
  }
}
