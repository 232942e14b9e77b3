import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * payments' `payment_reference_prints` (migration 1764000017000), same columns and values, in a
 * form a filter on reference_id reaches entirely: one row per payment and one per refund (with
 * its payment's reference) under a UNION ALL, grouped by reference once. The subsidy sweep asks
 * for the prints of 1,000 contracts at a time; before, the refunds were grouped by payment in a
 * subquery the filter could not reach, so every batch hashed every refund (7,217 in the bench,
 * ≈ 7 ms of a 30 ms statement). Now a batch reads its references' payments and their refunds by
 * index, and the statement over every contract (the change detection) is also a little faster
 * (one hash aggregation instead of two and a join).
 */
export class PaymentReferencePrintsPerReference1764000028000 implements MigrationInterface {
  name = 'PaymentReferencePrintsPerReference1764000028000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE VIEW payment_reference_prints AS
      SELECT m.reference_type, m.reference_id,
             bit_xor(m.print) FILTER (WHERE m.movement = 'payment') AS payments_print,
             bit_xor(m.print) FILTER (WHERE m.movement = 'refund') AS refunds_print
      FROM (SELECT p.reference_type, p.reference_id, 'payment' AS movement,
                   hash_record_extended((p.id, p.status, p.amount_fen, p.received_on, p.succeeded_at), 0) AS print
              FROM payments p
            UNION ALL
            SELECT p.reference_type, p.reference_id, 'refund', hash_record_extended((r.id, r.status, r.amount_fen, r.succeeded_at), 0)
              FROM refunds r JOIN payments p ON p.id = r.payment_id) AS m
      GROUP BY m.reference_type, m.reference_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE VIEW payment_reference_prints AS
      SELECT p.reference_type, p.reference_id,
             bit_xor(hash_record_extended((p.id, p.status, p.amount_fen, p.received_on, p.succeeded_at), 0)) AS payments_print,
             bit_xor(r.print) AS refunds_print
      FROM payments p
      LEFT JOIN (SELECT payment_id, bit_xor(hash_record_extended((id, status, amount_fen, succeeded_at), 0)) AS print FROM refunds GROUP BY payment_id) r
        ON r.payment_id = p.id
      GROUP BY p.reference_type, p.reference_id`);
  }
}
