import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Technology contracts (技术合同) and the money paid under them: contracts with versioned terms,
 * signatures, the signed document and its SHA-256, 技术合同认定登记, royalty reports and
 * milestones; payments (Stripe, bank transfer, an applied auction deposit) and refunds.
 */
export class Contracts1764000009000 implements MigrationInterface {
  name = 'Contracts1764000009000';

  async up(q: QueryRunner): Promise<void> {
    // One contract per deal and per approved free-licence application (the deal event and the
    // sweep may both try to create it). The *_at columns after signing are an outbox: the work
    // after the commit (the registry's transformation, the deposit, a default) is retried until done.
    await q.query(`
      CREATE TABLE contracts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL CHECK (type IN ('transfer', 'license', 'equity', 'use_first', 'free_license')),
        source text NOT NULL CHECK (source IN ('auction', 'fixed_price', 'negotiated', 'free_license', 'drafted')),
        deal_id uuid UNIQUE REFERENCES deals (id),
        free_license_application_id uuid UNIQUE REFERENCES free_license_applications (id),
        achievement_id uuid NOT NULL REFERENCES achievements (id),
        seller_id uuid NOT NULL REFERENCES organizations (id),
        buyer_id uuid NOT NULL REFERENCES organizations (id),
        title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
        status text NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft', 'awaiting_signatures', 'signed', 'registered', 'in_performance', 'completed', 'terminated')),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        terms jsonb NOT NULL,
        price_fen bigint NOT NULL DEFAULT 0 CHECK (price_fen >= 0),
        deposit_fen bigint NOT NULL DEFAULT 0 CHECK (deposit_fen >= 0),
        signed_at timestamptz,
        took_effect_on date,
        signed_terms_sha256 text CHECK (signed_terms_sha256 ~ '^[0-9a-f]{64}$'),
        effect_recorded_at timestamptz,
        deposit_applied_at timestamptz,
        trial_ends_on date,
        converted_on date,
        registration_number text CHECK (registration_number ~ '^[0-9A-Za-z-]{4,40}$'),
        registered_on date,
        registry text,
        registered_by uuid REFERENCES users (id),
        registered_at timestamptz,
        completed_at timestamptz,
        terminated_at timestamptz,
        termination_kind text CHECK (termination_kind IN ('buyer_default', 'mutual', 'use_first_not_converted', 'withdrawn', 'other')),
        termination_reason text,
        terminated_by uuid REFERENCES users (id),
        default_recorded_at timestamptz,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contracts_parties CHECK (seller_id <> buyer_id),
        CONSTRAINT contracts_deal_source CHECK ((source IN ('auction', 'fixed_price', 'negotiated')) = (deal_id IS NOT NULL)),
        CONSTRAINT contracts_free_license_source CHECK ((source = 'free_license') = (free_license_application_id IS NOT NULL)),
        CONSTRAINT contracts_signed CHECK ((signed_at IS NULL) = (took_effect_on IS NULL) AND (signed_at IS NULL) = (signed_terms_sha256 IS NULL)),
        CONSTRAINT contracts_signed_status CHECK (status IN ('draft', 'awaiting_signatures', 'terminated') OR signed_at IS NOT NULL),
        CONSTRAINT contracts_registration CHECK ((registration_number IS NULL) = (registered_at IS NULL) AND (registration_number IS NULL) = (registered_on IS NULL)),
        CONSTRAINT contracts_registered_status CHECK (status NOT IN ('registered', 'in_performance', 'completed') OR registration_number IS NOT NULL),
        CONSTRAINT contracts_terminated CHECK ((status = 'terminated') = (terminated_at IS NOT NULL)),
        CONSTRAINT contracts_use_first CHECK (type = 'use_first' OR (trial_ends_on IS NULL AND converted_on IS NULL))
      )`);
    // 技术合同认定登记号: one number, one contract (case and surrounding blanks do not make another).
    await q.query(`CREATE UNIQUE INDEX contracts_registration_number_key ON contracts (upper(registration_number)) WHERE registration_number IS NOT NULL`);
    await q.query(`CREATE INDEX contracts_seller_idx ON contracts (seller_id, created_at DESC)`);
    await q.query(`CREATE INDEX contracts_buyer_idx ON contracts (buyer_id, created_at DESC)`);
    await q.query(`CREATE INDEX contracts_achievement_idx ON contracts (achievement_id)`);
    await q.query(
      `CREATE INDEX contracts_outbox_idx ON contracts (signed_at) WHERE signed_at IS NOT NULL AND (effect_recorded_at IS NULL OR deposit_applied_at IS NULL)`,
    );
    await q.query(
      `CREATE INDEX contracts_trial_idx ON contracts (trial_ends_on) WHERE type = 'use_first' AND converted_on IS NULL AND status IN ('signed', 'registered', 'in_performance')`,
    );

    // Every version of the terms, as drafted or amended (the current one is also in contracts.terms).
    await q.query(`
      CREATE TABLE contract_versions (
        contract_id uuid NOT NULL REFERENCES contracts (id),
        version int NOT NULL CHECK (version >= 1),
        terms jsonb NOT NULL,
        note text,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (contract_id, version)
      )`);

    // A signature is for one version, by one party, by an authorised user of that party.
    await q.query(`
      CREATE TABLE contract_signatures (
        contract_id uuid NOT NULL REFERENCES contracts (id),
        version int NOT NULL,
        party text NOT NULL CHECK (party IN ('seller', 'buyer')),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        user_id uuid NOT NULL REFERENCES users (id),
        signed_at timestamptz NOT NULL,
        terms_sha256 text NOT NULL CHECK (terms_sha256 ~ '^[0-9a-f]{64}$'),
        PRIMARY KEY (contract_id, version, party),
        FOREIGN KEY (contract_id, version) REFERENCES contract_versions (contract_id, version)
      )`);

    // The signed document, stored as rendered at signing, and its SHA-256.
    await q.query(`
      CREATE TABLE contract_documents (
        contract_id uuid PRIMARY KEY REFERENCES contracts (id),
        version int NOT NULL,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        pdf bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE contract_royalty_reports (
        contract_id uuid NOT NULL REFERENCES contracts (id),
        period_index int NOT NULL CHECK (period_index >= 1),
        period_starts_on date NOT NULL,
        period_ends_on date NOT NULL,
        sales_fen bigint NOT NULL CHECK (sales_fen >= 0),
        royalty_fen bigint NOT NULL CHECK (royalty_fen >= 0),
        reported_by uuid REFERENCES users (id),
        reported_at timestamptz NOT NULL,
        PRIMARY KEY (contract_id, period_index),
        CHECK (period_starts_on <= period_ends_on)
      )`);

    await q.query(`
      CREATE TABLE contract_milestones (
        contract_id uuid NOT NULL REFERENCES contracts (id),
        milestone_key text NOT NULL,
        reached_on date NOT NULL,
        recorded_by uuid REFERENCES users (id),
        recorded_at timestamptz NOT NULL,
        PRIMARY KEY (contract_id, milestone_key)
      )`);

    // Payments under a contract (or anything else: reference_type/reference_id), each with the
    // caller's idempotency key, and the provider's id unique (one PaymentIntent, bank transfer
    // or deposit backs one payment).
    await q.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        payee_organization_id uuid NOT NULL REFERENCES organizations (id),
        reference_type text NOT NULL CHECK (reference_type ~ '^[a-z][a-z0-9_]{0,39}$'),
        reference_id uuid NOT NULL,
        item text,
        amount_fen bigint NOT NULL CHECK (amount_fen > 0),
        currency text NOT NULL DEFAULT 'CNY' CHECK (currency = 'CNY'),
        provider text NOT NULL CHECK (provider IN ('stripe', 'bank_transfer', 'deposit')),
        provider_payment_id text UNIQUE CHECK (length(provider_payment_id) BETWEEN 1 AND 200),
        payment_method text,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled')),
        attempts int NOT NULL DEFAULT 1 CHECK (attempts >= 1),
        failure_code text,
        failure_message text,
        idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
        refunded_fen bigint NOT NULL DEFAULT 0,
        received_on date,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        succeeded_at timestamptz,
        CONSTRAINT payments_idempotency_key UNIQUE (reference_type, reference_id, idempotency_key),
        CONSTRAINT payments_refunded CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen AND (refunded_fen = 0 OR status = 'succeeded')),
        CONSTRAINT payments_succeeded CHECK ((status = 'succeeded') = (succeeded_at IS NOT NULL)),
        CONSTRAINT payments_offline_reference CHECK (provider = 'stripe' OR provider_payment_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX payments_reference_idx ON payments (reference_type, reference_id, created_at)`);
    await q.query(`CREATE INDEX payments_organization_idx ON payments (organization_id, created_at)`);

    await q.query(`
      CREATE TABLE refunds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_id uuid NOT NULL REFERENCES payments (id),
        amount_fen bigint NOT NULL CHECK (amount_fen > 0),
        reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
        provider_refund_id text UNIQUE,
        idempotency_key text NOT NULL,
        failure_message text,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        succeeded_at timestamptz,
        CONSTRAINT refunds_idempotency_key UNIQUE (payment_id, idempotency_key),
        CONSTRAINT refunds_succeeded CHECK ((status = 'succeeded') = (succeeded_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX refunds_pending_idx ON refunds (payment_id) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'refunds',
      'payments',
      'contract_milestones',
      'contract_royalty_reports',
      'contract_documents',
      'contract_signatures',
      'contract_versions',
      'contracts',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
