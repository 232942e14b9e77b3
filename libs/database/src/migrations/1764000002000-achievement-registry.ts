import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The achievement registry (P-REG), IP rights, transformations, justifications (正当理由), the
 * idle-IP rule state (P-2Y / P-3Y) with its history, free-licence applications, forced listings
 * on the market, notifications, and the indexes of the Chinese catalogue search.
 */
export class AchievementRegistry1764000002000 implements MigrationInterface {
  name = 'AchievementRegistry1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    await q.query(`
      ALTER TABLE achievements
        ADD COLUMN ipc_classes text[] NOT NULL DEFAULT '{}',
        ADD COLUMN inventors text[] NOT NULL DEFAULT '{}',
        ADD COLUMN maturity text NOT NULL DEFAULT 'lab' CHECK (maturity IN ('lab', 'prototype', 'pilot', 'industrialised')),
        ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
        ADD COLUMN registration_status text NOT NULL DEFAULT 'registered' CHECK (registration_status IN ('draft', 'registered', 'withdrawn')),
        ADD COLUMN registered_on date,
        ADD COLUMN withdrawn_at timestamptz,
        ADD COLUMN rule_state text NOT NULL DEFAULT 'clear' CHECK (rule_state IN ('clear', 'use_first', 'free_license_eligible', 'suspended')),
        ADD COLUMN rule_state_since date,
        ADD COLUMN search_text text NOT NULL DEFAULT '',
        ADD COLUMN search_bigrams text[] NOT NULL DEFAULT '{}',
        ADD CONSTRAINT achievements_registered_on CHECK ((registration_status = 'draft') = (registered_on IS NULL))`);
    await q.query(`UPDATE achievements SET registered_on = (created_at AT TIME ZONE 'Asia/Shanghai')::date`);
    await q.query(`ALTER TABLE achievements ALTER COLUMN registration_status SET DEFAULT 'draft'`);
    // Catalogue search: every two-character window of the text (Chinese terms are often two
    // characters, which a trigram index cannot serve), then an exact substring recheck.
    await q.query(`CREATE INDEX achievements_search_bigrams_idx ON achievements USING gin (search_bigrams)`);
    await q.query(`CREATE INDEX achievements_search_trgm_idx ON achievements USING gin (search_text gin_trgm_ops)`);
    await q.query(`CREATE INDEX achievements_ipc_idx ON achievements USING gin (ipc_classes)`);
    await q.query(`CREATE INDEX achievements_catalogue_idx ON achievements (registration_status, technical_field, created_at DESC)`);
    await q.query(`CREATE INDEX achievements_rule_state_idx ON achievements (rule_state) WHERE rule_state <> 'clear'`);

    await q.query(`
      CREATE TABLE ip_rights (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        achievement_id uuid NOT NULL REFERENCES achievements (id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('invention_patent', 'utility_model', 'design_patent', 'software_copyright',
          'plant_variety', 'ic_layout', 'technical_secret')),
        number text,
        granted_on date,
        status text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'lapsed', 'invalidated')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ip_rights_number_required CHECK (type = 'technical_secret' OR number IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX ip_rights_number_key ON ip_rights (number)`);
    await q.query(`CREATE INDEX ip_rights_achievement_idx ON ip_rights (achievement_id) INCLUDE (granted_on, status, type)`);

    await q.query(`
      CREATE TABLE transformations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        achievement_id uuid NOT NULL REFERENCES achievements (id),
        kind text NOT NULL CHECK (kind IN ('transfer', 'license', 'equity', 'own_implementation')),
        license_type text CHECK (license_type IN ('exclusive', 'sole', 'ordinary')),
        source text NOT NULL CHECK (source IN ('contract', 'declaration')),
        contract_id uuid UNIQUE,
        status text NOT NULL CHECK (status IN ('pending', 'effective', 'rejected')),
        took_effect_on date,
        description text NOT NULL DEFAULT '',
        evidence jsonb NOT NULL DEFAULT '[]'::jsonb,
        declared_by uuid REFERENCES users (id),
        decided_by uuid REFERENCES users (id),
        decided_at timestamptz,
        decision_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT transformations_effective_date CHECK ((status = 'effective') = (took_effect_on IS NOT NULL)),
        CONSTRAINT transformations_license_type CHECK ((kind = 'license') = (license_type IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX transformations_effective_idx ON transformations (achievement_id, took_effect_on) WHERE status = 'effective'`);

    await q.query(`
      CREATE TABLE justifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        achievement_id uuid NOT NULL REFERENCES achievements (id),
        category text NOT NULL CHECK (category IN ('negotiation_in_progress', 'confidentiality', 'litigation_or_dispute',
          'further_development', 'other')),
        explanation text NOT NULL CHECK (length(btrim(explanation)) BETWEEN 1 AND 4000),
        ends_on date NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        submitted_by uuid NOT NULL REFERENCES users (id),
        submitted_at timestamptz NOT NULL DEFAULT now(),
        reviewed_by uuid REFERENCES users (id),
        reviewed_at timestamptz,
        review_reason text
      )`);
    await q.query(`CREATE INDEX justifications_approved_idx ON justifications (achievement_id, ends_on) WHERE status = 'approved'`);
    await q.query(`CREATE INDEX justifications_pending_idx ON justifications (submitted_at) WHERE status = 'pending'`);

    // History of the idle-IP rule: every change of state with the clause and the dates used.
    await q.query(`
      CREATE TABLE rule_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        achievement_id uuid NOT NULL REFERENCES achievements (id),
        clause text NOT NULL CHECK (clause IN ('P-2Y', 'P-3Y', 'P-2Y/P-3Y')),
        from_state text NOT NULL,
        to_state text NOT NULL,
        scan_date date NOT NULL,
        earliest_granted_on date,
        threshold_on date,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX rule_events_achievement_idx ON rule_events (achievement_id, id)`);

    await q.query(`
      CREATE TABLE free_license_applications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        achievement_id uuid NOT NULL REFERENCES achievements (id),
        enterprise_id uuid NOT NULL REFERENCES organizations (id),
        statement text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        applied_by uuid NOT NULL REFERENCES users (id),
        applied_at timestamptz NOT NULL DEFAULT now(),
        decided_by uuid REFERENCES users (id),
        decided_at timestamptz,
        decision_reason text
      )`);
    await q.query(
      `CREATE UNIQUE INDEX free_license_applications_open_key ON free_license_applications (achievement_id, enterprise_id) WHERE status <> 'rejected'`,
    );

    await q.query(`
      CREATE TABLE listings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        achievement_id uuid NOT NULL REFERENCES achievements (id),
        holder_id uuid NOT NULL REFERENCES organizations (id),
        mode text NOT NULL CHECK (mode IN ('fixed_price', 'auction', 'negotiated')),
        forced boolean NOT NULL DEFAULT false,
        rule_clause text,
        price_fen bigint CHECK (price_fen >= 0),
        price_deadline date,
        status text NOT NULL CHECK (status IN ('active', 'suspended', 'closed', 'withdrawn')),
        status_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT listings_price_or_deadline CHECK (mode <> 'fixed_price' OR price_fen IS NOT NULL OR price_deadline IS NOT NULL)
      )`);
    // At most one open forced listing per achievement: the scan can run twice, or on two workers.
    await q.query(`CREATE UNIQUE INDEX listings_forced_open_key ON listings (achievement_id) WHERE forced AND status IN ('active', 'suspended')`);
    await q.query(`CREATE INDEX listings_achievement_idx ON listings (achievement_id)`);

    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL DEFAULT '',
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      )`);
    await q.query(`CREATE INDEX notifications_organization_idx ON notifications (organization_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['notifications', 'listings', 'free_license_applications', 'rule_events', 'justifications', 'transformations', 'ip_rights']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(
      `DROP INDEX achievements_search_bigrams_idx, achievements_search_trgm_idx, achievements_ipc_idx, achievements_catalogue_idx, achievements_rule_state_idx`,
    );
    await q.query(`
      ALTER TABLE achievements
        DROP CONSTRAINT achievements_registered_on,
        DROP COLUMN ipc_classes, DROP COLUMN inventors, DROP COLUMN maturity, DROP COLUMN attachments,
        DROP COLUMN registration_status, DROP COLUMN registered_on, DROP COLUMN withdrawn_at,
        DROP COLUMN rule_state, DROP COLUMN rule_state_since, DROP COLUMN search_text, DROP COLUMN search_bigrams`);
  }
}
