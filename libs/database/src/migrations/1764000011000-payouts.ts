import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payouts to sellers: what buyers paid under contracts is held by the platform on the seller's
 * `contract_proceeds` account until an administrator pays it out by bank transfer. One row per
 * transfer out, once per idempotency key and per bank reference; the ledger carries the movement.
 */
export class Payouts1764000011000 implements MigrationInterface {
  name = 'Payouts1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payouts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        amount_fen bigint NOT NULL CHECK (amount_fen > 0),
        bank_reference text NOT NULL UNIQUE CHECK (length(btrim(bank_reference)) BETWEEN 1 AND 100),
        paid_on date NOT NULL,
        note text CHECK (note IS NULL OR length(note) <= 2000),
        idempotency_key text NOT NULL UNIQUE,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX payouts_organization ON payouts (organization_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE payouts`);
  }
}
