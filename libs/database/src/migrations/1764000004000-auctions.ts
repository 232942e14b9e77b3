import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Auctions: themed sessions, lots with their live state, bidder registrations with paddle
 * numbers, the bid log (every bid, accepted or rejected; accepted ones hash-chained per lot),
 * and deals for the contracts context.
 */
export class Auctions1764000004000 implements MigrationInterface {
  name = 'Auctions1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auction_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        theme text NOT NULL CHECK (theme IN ('regular', 'yangtze_delta', 'three_highlands', 'corridor', 'hightech_zone', 'other')),
        run_mode text NOT NULL CHECK (run_mode IN ('sequential', 'parallel')),
        starts_at timestamptz NOT NULL,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`ALTER TABLE listings ADD COLUMN deal_type text CHECK (deal_type IN ('transfer', 'license', 'equity')),
      ADD COLUMN license_type text CHECK (license_type IN ('exclusive', 'sole', 'ordinary'))`);

    await q.query(`
      CREATE TABLE lots (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        listing_id uuid NOT NULL REFERENCES listings (id),
        session_id uuid REFERENCES auction_sessions (id),
        session_position int,
        achievement_id uuid NOT NULL REFERENCES achievements (id),
        holder_id uuid NOT NULL REFERENCES organizations (id),
        title text NOT NULL,
        starting_price_fen bigint NOT NULL CHECK (starting_price_fen > 0),
        reserve_price_fen bigint CHECK (reserve_price_fen > 0),
        increment jsonb NOT NULL,
        deposit_fen bigint NOT NULL CHECK (deposit_fen >= 0),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        original_ends_at timestamptz NOT NULL,
        extension_minutes int NOT NULL DEFAULT 5 CHECK (extension_minutes BETWEEN 0 AND 60),
        extension_cap_minutes int CHECK (extension_cap_minutes >= 0),
        proxy_allowed boolean NOT NULL DEFAULT true,
        live boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'open', 'closed', 'cancelled')),
        current_fen bigint,
        leader_registration_id uuid,
        leader_proxy_max_fen bigint,
        leader_proxy_set_at timestamptz,
        seq int NOT NULL DEFAULT 0,
        bid_count int NOT NULL DEFAULT 0,
        chain_head text NOT NULL DEFAULT repeat('0', 64),
        result text CHECK (result IN ('sold', 'unsold')),
        unsold_reason text CHECK (unsold_reason IN ('no_bids', 'reserve_not_met')),
        winner_registration_id uuid,
        hammer_price_fen bigint,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT lots_times CHECK (starts_at < original_ends_at AND original_ends_at <= ends_at),
        CONSTRAINT lots_closed CHECK ((status = 'closed') = (result IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX lots_session_idx ON lots (session_id, session_position)`);
    await q.query(`CREATE INDEX lots_open_idx ON lots (ends_at) WHERE status IN ('scheduled', 'open')`);

    await q.query(`
      CREATE TABLE lot_registrations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lot_id uuid NOT NULL REFERENCES lots (id),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        paddle_number int NOT NULL,
        offline boolean NOT NULL DEFAULT false,
        deposit_id uuid,
        deposit_status text NOT NULL DEFAULT 'pending' CHECK (deposit_status IN ('pending', 'held', 'failed', 'released', 'applied', 'forfeited')),
        registered_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (lot_id, organization_id),
        UNIQUE (lot_id, paddle_number)
      )`);

    // Every bid is kept. Accepted bids carry the lot's sequence number and the hash chain.
    await q.query(`
      CREATE TABLE bids (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        lot_id uuid NOT NULL REFERENCES lots (id),
        registration_id uuid REFERENCES lot_registrations (id),
        organization_id uuid REFERENCES organizations (id),
        user_id uuid REFERENCES users (id),
        source text NOT NULL CHECK (source IN ('online', 'floor', 'proxy')),
        idempotency_key text,
        amount_fen bigint NOT NULL,
        max_fen bigint,
        status text NOT NULL CHECK (status IN ('accepted', 'rejected', 'proxy_update')),
        reject_code text,
        seq int,
        prev_hash text,
        hash text,
        received_at timestamptz NOT NULL,
        CONSTRAINT bids_accepted_shape CHECK ((status = 'accepted') = (seq IS NOT NULL AND hash IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX bids_lot_seq_key ON bids (lot_id, seq) WHERE seq IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX bids_idempotency_key ON bids (lot_id, organization_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);

    await q.query(`
      CREATE TABLE deals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lot_id uuid NOT NULL UNIQUE REFERENCES lots (id),
        listing_id uuid NOT NULL REFERENCES listings (id),
        achievement_id uuid NOT NULL REFERENCES achievements (id),
        seller_id uuid NOT NULL REFERENCES organizations (id),
        buyer_id uuid NOT NULL REFERENCES organizations (id),
        deal_type text NOT NULL,
        license_type text,
        price_fen bigint NOT NULL CHECK (price_fen > 0),
        deposit_fen bigint NOT NULL,
        concluded_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'awaiting_contract' CHECK (status IN ('awaiting_contract', 'contracted', 'defaulted'))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['deals', 'bids', 'lot_registrations', 'lots']) await q.query(`DROP TABLE ${table}`);
    await q.query(`ALTER TABLE listings DROP COLUMN deal_type, DROP COLUMN license_type`);
    await q.query(`DROP TABLE auction_sessions`);
  }
}
