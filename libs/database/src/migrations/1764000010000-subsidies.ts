import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subsidies (P-SUB, P-DON): policies as versioned data with a tracked budget, high-tech
 * enterprise certificates, research fundings (P-DON's base), candidates computed by the worker,
 * applications with four-eyes review, and settlement batches. Invariant 5: an enterprise is
 * paid once per subject, policy and year (a unique index), and the budget can never be
 * overcommitted (a check on the policy row).
 */
export class Subsidies1764000010000 implements MigrationInterface {
  name = 'Subsidies1764000010000';

  async up(q: QueryRunner): Promise<void> {
    // The budget lives on the policy row: approvals reserve, payment moves reserved to paid.
    await q.query(`
      CREATE TABLE subsidy_policies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        authority_id uuid NOT NULL REFERENCES organizations (id),
        kind text NOT NULL CHECK (kind IN ('contract', 'research_funding')),
        document_number text NOT NULL CHECK (length(btrim(document_number)) BETWEEN 1 AND 100),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
        current_version int NOT NULL DEFAULT 1 CHECK (current_version >= 1),
        budget_fen bigint NOT NULL CHECK (budget_fen > 0),
        reserved_fen bigint NOT NULL DEFAULT 0 CHECK (reserved_fen >= 0),
        paid_fen bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        withdrawn_at timestamptz,
        CONSTRAINT subsidy_policies_budget CHECK (reserved_fen + paid_fen <= budget_fen)
      )`);
    await q.query(`CREATE UNIQUE INDEX subsidy_policies_document_key ON subsidy_policies (authority_id, document_number)`);

    // Every change is a new version; the document is the canonical JSON the API imports and exports.
    await q.query(`
      CREATE TABLE subsidy_policy_versions (
        policy_id uuid NOT NULL REFERENCES subsidy_policies (id) ON DELETE CASCADE,
        version int NOT NULL CHECK (version >= 1),
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        effective_from date NOT NULL,
        effective_to date,
        document jsonb NOT NULL,
        change_reason text,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (policy_id, version),
        CONSTRAINT subsidy_policy_versions_period CHECK (effective_to IS NULL OR effective_to >= effective_from)
      )`);

    // 高新技术企业 certificates (three years' validity), recorded by administrators.
    await q.query(`
      CREATE TABLE high_tech_certificates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        certificate_number text NOT NULL UNIQUE CHECK (length(btrim(certificate_number)) BETWEEN 1 AND 50),
        issued_on date NOT NULL,
        expires_on date NOT NULL,
        recorded_by uuid REFERENCES users (id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT high_tech_certificates_period CHECK (expires_on > issued_on)
      )`);
    await q.query(`CREATE INDEX high_tech_certificates_org_idx ON high_tech_certificates (organization_id, issued_on)`);

    // P-DON: an enterprise's funding of basic research at a high-level platform; the platform confirms receipt.
    await q.query(`
      CREATE TABLE research_fundings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        enterprise_id uuid NOT NULL REFERENCES organizations (id),
        platform_id uuid NOT NULL REFERENCES organizations (id),
        mode text NOT NULL CHECK (mode IN ('naming', 'donation', 'joint_fund')),
        purpose text NOT NULL CHECK (length(btrim(purpose)) BETWEEN 1 AND 2000),
        agreement_number text,
        amount_fen bigint NOT NULL CHECK (amount_fen > 0),
        received_on date NOT NULL,
        documents jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(documents) = 'array'),
        status text NOT NULL DEFAULT 'declared' CHECK (status IN ('declared', 'confirmed', 'rejected')),
        declared_by uuid REFERENCES users (id),
        declared_at timestamptz NOT NULL DEFAULT now(),
        decided_by uuid REFERENCES users (id),
        decided_at timestamptz,
        decision_reason text,
        CONSTRAINT research_fundings_parties CHECK (enterprise_id <> platform_id)
      )`);
    await q.query(`CREATE INDEX research_fundings_enterprise_idx ON research_fundings (enterprise_id, received_on)`);
    await q.query(`CREATE INDEX research_fundings_platform_idx ON research_fundings (platform_id, status)`);

    // What an enterprise may claim, recomputed by the worker; one row per policy, subject and year.
    await q.query(`
      CREATE TABLE subsidy_candidates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        policy_id uuid NOT NULL REFERENCES subsidy_policies (id) ON DELETE CASCADE,
        policy_version int NOT NULL,
        subject_type text NOT NULL CHECK (subject_type IN ('contract', 'research_funding')),
        subject_id uuid NOT NULL,
        enterprise_id uuid NOT NULL REFERENCES organizations (id),
        year int NOT NULL CHECK (year BETWEEN 2000 AND 2999),
        eligible boolean NOT NULL,
        failed_condition text,
        amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
        explanation jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT subsidy_candidates_key UNIQUE (policy_id, subject_type, subject_id, enterprise_id, year),
        CONSTRAINT subsidy_candidates_failed CHECK (eligible = (failed_condition IS NULL))
      )`);
    await q.query(`CREATE INDEX subsidy_candidates_enterprise_idx ON subsidy_candidates (enterprise_id, year)`);
    await q.query(`CREATE INDEX subsidy_candidates_subject_idx ON subsidy_candidates (subject_type, subject_id)`);

    // The facts each subject's candidates were computed from (a fingerprint): the sweep recomputes
    // a subject only when its registration, payments or refunds changed since.
    await q.query(`
      CREATE TABLE subsidy_candidate_runs (
        subject_type text NOT NULL CHECK (subject_type IN ('contract', 'research_funding')),
        subject_id uuid NOT NULL,
        fingerprint text NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject_type, subject_id)
      )`);

    await q.query(`
      CREATE TABLE subsidy_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        authority_id uuid NOT NULL REFERENCES organizations (id),
        number text NOT NULL UNIQUE,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'exported', 'paid')),
        note text,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        exported_by uuid REFERENCES users (id),
        exported_at timestamptz,
        paid_by uuid REFERENCES users (id),
        paid_at timestamptz,
        paid_on date,
        payment_reference text,
        CONSTRAINT subsidy_batches_paid CHECK ((status = 'paid') = (payment_reference IS NOT NULL AND paid_at IS NOT NULL)),
        CONSTRAINT subsidy_batches_exported CHECK (status = 'open' OR exported_at IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX subsidy_batches_reference_key ON subsidy_batches (authority_id, payment_reference) WHERE payment_reference IS NOT NULL`);

    // Four-eyes in the schema as well: the approver is never the reviewer.
    await q.query(`
      CREATE TABLE subsidy_applications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        policy_id uuid NOT NULL REFERENCES subsidy_policies (id),
        authority_id uuid NOT NULL REFERENCES organizations (id),
        subject_type text NOT NULL CHECK (subject_type IN ('contract', 'research_funding')),
        subject_id uuid NOT NULL,
        enterprise_id uuid NOT NULL REFERENCES organizations (id),
        year int NOT NULL CHECK (year BETWEEN 2000 AND 2999),
        -- snapshots for reports: the enterprise's region and the technical field when it applied
        enterprise_region_code char(6) NOT NULL,
        technical_field text,
        subject_label text,
        status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'reviewed', 'approved', 'rejected', 'batched', 'paid', 'withdrawn')),
        policy_version int NOT NULL,
        computed_fen bigint NOT NULL CHECK (computed_fen >= 0),
        explanation jsonb NOT NULL,
        statement text,
        attachments jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(attachments) = 'array'),
        payee jsonb NOT NULL,
        submitted_by uuid REFERENCES users (id),
        submitted_at timestamptz NOT NULL DEFAULT now(),
        review_decision text CHECK (review_decision IN ('approve', 'adjust', 'reject')),
        recommended_fen bigint CHECK (recommended_fen >= 0),
        reviewed_by uuid REFERENCES users (id),
        reviewed_at timestamptz,
        review_reason text,
        approved_fen bigint CHECK (approved_fen > 0),
        approval_explanation jsonb,
        decided_by uuid REFERENCES users (id),
        decided_at timestamptz,
        decision_reason text,
        revoked_by uuid REFERENCES users (id),
        revoked_at timestamptz,
        revoke_reason text,
        batch_id uuid REFERENCES subsidy_batches (id),
        paid_at timestamptz,
        CONSTRAINT subsidy_applications_four_eyes CHECK (decided_by IS NULL OR reviewed_by IS NULL OR decided_by <> reviewed_by),
        CONSTRAINT subsidy_applications_approved CHECK ((status IN ('approved', 'batched', 'paid')) <= (approved_fen IS NOT NULL AND decided_by IS NOT NULL)),
        CONSTRAINT subsidy_applications_batched CHECK ((status IN ('batched', 'paid')) = (batch_id IS NOT NULL))
      )`);
    // Invariant 5: never paid twice for the same subject under the same policy and year. A
    // rejected or withdrawn application does not count, so the enterprise may apply again.
    await q.query(`
      CREATE UNIQUE INDEX subsidy_applications_once ON subsidy_applications (subject_type, subject_id, policy_id, enterprise_id, year)
        WHERE status NOT IN ('rejected', 'withdrawn')`);
    await q.query(`CREATE INDEX subsidy_applications_authority_idx ON subsidy_applications (authority_id, status, submitted_at)`);
    await q.query(`CREATE INDEX subsidy_applications_enterprise_idx ON subsidy_applications (enterprise_id, submitted_at)`);
    await q.query(
      `CREATE INDEX subsidy_applications_policy_idx ON subsidy_applications (policy_id, enterprise_id, year) WHERE status IN ('approved', 'batched', 'paid')`,
    );
    await q.query(`CREATE INDEX subsidy_applications_batch_idx ON subsidy_applications (batch_id) WHERE batch_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE subsidy_applications`);
    await q.query(`DROP TABLE subsidy_batches`);
    await q.query(`DROP TABLE subsidy_candidate_runs`);
    await q.query(`DROP TABLE subsidy_candidates`);
    await q.query(`DROP TABLE research_fundings`);
    await q.query(`DROP TABLE high_tech_certificates`);
    await q.query(`DROP TABLE subsidy_policy_versions`);
    await q.query(`DROP TABLE subsidy_policies`);
  }
}
