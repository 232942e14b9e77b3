import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * payments publishes `payment_reference_prints`: per reference (e.g. a contract), a digest of its
 * payments and one of their refunds, for another context to join set-wise when it must notice any
 * change of money under many references in one statement (the subsidy sweep's fingerprints over
 * 100,000 contracts). The digests are the XOR of each row's hash_record_extended, the same values
 * the subsidy sweep computed from the tables before, so stored fingerprints stay valid. NULL when
 * there is no such row (no refund). Filter on reference_id inside a subquery to narrow it: the
 * predicate is pushed below the grouping; a join condition alone is not.
 */
export class PaymentReferencePrints1764000017000 implements MigrationInterface {
  name = 'PaymentReferencePrints1764000017000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW payment_reference_prints AS
      SELECT p.reference_type, p.reference_id,
             bit_xor(hash_record_extended((p.id, p.status, p.amount_fen, p.received_on, p.succeeded_at), 0)) AS payments_print,
             bit_xor(r.print) AS refunds_print
      FROM payments p
      LEFT JOIN (SELECT payment_id, bit_xor(hash_record_extended((id, status, amount_fen, succeeded_at), 0)) AS print FROM refunds GROUP BY payment_id) r
        ON r.payment_id = p.id
      GROUP BY p.reference_type, p.reference_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW payment_reference_prints`);
  }
}
