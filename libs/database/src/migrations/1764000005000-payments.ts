import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments (ARCHITECTURE invariant 5: money never moves twice): deposits held through Stripe or
 * confirmed bank transfers, the Stripe events received (each processed once), and a double-entry
 * ledger in which every transaction sums to zero and every movement has an idempotency key.
 */
export class Payments1764000005000 implements MigrationInterface {
  name = 'Payments1764000005000';

  async up(q: QueryRunner): Promise<void> {
    // One deposit per purpose (e.g. ('lot_registration', id)). provider_payment_id is the Stripe
    // PaymentIntent or the bank reference: unique, so one payment never backs two deposits.
    await q.query(`
      CREATE TABLE deposits (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        reference_type text NOT NULL CHECK (reference_type ~ '^[a-z][a-z0-9_]{0,39}$'),
        reference_id uuid NOT NULL,
        amount_fen bigint NOT NULL CHECK (amount_fen > 0),
        currency text NOT NULL DEFAULT 'CNY' CHECK (currency = 'CNY'),
        provider text NOT NULL CHECK (provider IN ('stripe', 'bank_transfer')),
        provider_payment_id text UNIQUE CHECK (length(provider_payment_id) BETWEEN 1 AND 200),
        payment_method text,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'held', 'captured', 'released', 'forfeited', 'failed')),
        captured_fen bigint NOT NULL DEFAULT 0 CHECK (captured_fen >= 0 AND captured_fen <= amount_fen),
        attempts int NOT NULL DEFAULT 1 CHECK (attempts >= 1),
        failure_code text,
        failure_message text,
        held_at timestamptz,
        settled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT deposits_reference_key UNIQUE (reference_type, reference_id),
        CONSTRAINT deposits_captured_amount CHECK ((status IN ('captured', 'forfeited')) = (captured_fen > 0)),
        CONSTRAINT deposits_bank_reference CHECK (provider <> 'bank_transfer' OR provider_payment_id IS NOT NULL),
        CONSTRAINT deposits_settled CHECK ((status IN ('captured', 'released', 'forfeited')) = (settled_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX deposits_organization_idx ON deposits (organization_id, created_at)`);

    // Exactly-once webhook processing: the event id is the key; processed_at is set once.
    await q.query(`
      CREATE TABLE stripe_events (
        id text PRIMARY KEY CHECK (id ~ '^evt_[A-Za-z0-9_]+$'),
        type text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        outcome text
      )`);
    await q.query(`CREATE INDEX stripe_events_unprocessed_idx ON stripe_events (received_at) WHERE processed_at IS NULL`);

    // Double entry: amount_fen is signed; the rows of one transaction_id sum to zero (checked at
    // commit by a deferred constraint trigger) and share one idempotency key, which may be posted
    // once per account. Rows are never updated or deleted: a correction is a new transaction.
    await q.query(`
      CREATE TABLE ledger_entries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id uuid NOT NULL,
        account text NOT NULL CHECK (account ~ '^(org:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|platform):[a-z_]+$'),
        amount_fen bigint NOT NULL CHECK (amount_fen <> 0),
        currency text NOT NULL DEFAULT 'CNY' CHECK (currency = 'CNY'),
        idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
        subject_type text,
        subject_id uuid,
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_entries_idempotency_key UNIQUE (idempotency_key, account)
      )`);
    await q.query(`CREATE INDEX ledger_entries_transaction_idx ON ledger_entries (transaction_id)`);
    await q.query(`CREATE INDEX ledger_entries_account_idx ON ledger_entries (account, created_at)`);
    await q.query(`CREATE INDEX ledger_entries_subject_idx ON ledger_entries (subject_type, subject_id)`);
    await q.query(`
      CREATE FUNCTION ledger_transaction_balanced() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
          total numeric;
          keys int;
        BEGIN
          SELECT coalesce(sum(amount_fen), 0), count(DISTINCT idempotency_key) INTO total, keys
          FROM ledger_entries WHERE transaction_id = NEW.transaction_id;
          IF total <> 0 THEN
            RAISE EXCEPTION 'ledger transaction % does not balance (sum %)', NEW.transaction_id, total
              USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_balanced', TABLE = 'ledger_entries';
          END IF;
          IF keys <> 1 THEN
            RAISE EXCEPTION 'ledger transaction % mixes idempotency keys', NEW.transaction_id
              USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_balanced', TABLE = 'ledger_entries';
          END IF;
          RETURN NULL;
        END
        $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balanced()`);
    await q.query(`
      CREATE FUNCTION ledger_entries_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'ledger entries are append-only: post a reversing transaction instead'
            USING ERRCODE = 'object_not_in_prerequisite_state', TABLE = 'ledger_entries';
        END
        $$`);
    await q.query(`
      CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger_entries`);
    await q.query(`DROP FUNCTION ledger_entries_append_only()`);
    await q.query(`DROP FUNCTION ledger_transaction_balanced()`);
    await q.query(`DROP TABLE stripe_events`);
    await q.query(`DROP TABLE deposits`);
  }
}
