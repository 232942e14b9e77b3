import { MigrationInterface, QueryRunner } from 'typeorm';

/** Organisations, users, sign-in sessions with rotating refresh tokens, and the audit log. */
export class CreateIdentity1764000000000 implements MigrationInterface {
  name = 'CreateIdentity1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL CHECK (type IN ('holder', 'enterprise', 'authority', 'broker')),
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        credit_code text UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
        region_code char(6) NOT NULL CHECK (region_code ~ '^[1-9][0-9]{5}$'),
        holder_category text CHECK (holder_category IN ('university', 'institute', 'enterprise_lab')),
        high_level_platform boolean NOT NULL DEFAULT false,
        sme boolean NOT NULL DEFAULT false,
        authority_level text CHECK (authority_level IN ('province', 'city', 'county')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organizations_holder_category CHECK ((type = 'holder') = (holder_category IS NOT NULL)),
        CONSTRAINT organizations_authority_level CHECK ((type = 'authority') = (authority_level IS NOT NULL)),
        CONSTRAINT organizations_platform_flag CHECK (type = 'holder' OR NOT high_level_platform),
        CONSTRAINT organizations_sme_flag CHECK (type = 'enterprise' OR NOT sme)
      )`);
    await q.query(`CREATE UNIQUE INDEX organizations_type_name_key ON organizations (type, lower(name))`);
    await q.query(`CREATE INDEX organizations_region_idx ON organizations (region_code)`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        email text NOT NULL CHECK (email ~ '^[^@\\s]+@[^@\\s]+$'),
        display_name text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 100),
        password_hash text NOT NULL,
        roles text[] NOT NULL CHECK (
          cardinality(roles) > 0 AND roles <@ ARRAY['platform_admin', 'authority_admin', 'holder_admin', 'holder_member',
            'enterprise_admin', 'enterprise_member', 'broker']::text[]),
        active boolean NOT NULL DEFAULT true,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await q.query(`CREATE INDEX users_organization_idx ON users (organization_id)`);

    // A session is one sign-in; its refresh tokens rotate. Reusing a rotated token revokes the session.
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason text CHECK (revoke_reason IN ('logout', 'token_reuse', 'admin', 'password_change'))
      )`);
    await q.query(`CREATE INDEX sessions_user_idx ON sessions (user_id)`);
    await q.query(`CREATE INDEX sessions_expires_idx ON sessions (expires_at)`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        token_hash bytea PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        issued_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz
      )`);
    await q.query(`CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id)`);

    // Invariant 6: every state change is recorded with who, when and why.
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid,
        actor_organization_id uuid,
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        reason text,
        data jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id, occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP TABLE organizations`);
  }
}
