import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Market figures (P-MKT): the reporting context's summary tables and the read models it reads.
 *
 * Published by their owners for reporting (PUBLISHED_READ_MODELS): the market's sessions, lot
 * results, bidder registrations and bids; the contracts context's registrations; the payments
 * context's contract payments; the subsidies context's grants. Plain single-table views, so the
 * planner inlines them and the tables' indexes still serve the filters.
 *
 * Owned by reporting: `reporting_daily_facts` (one row per Beijing calendar day, technical field,
 * holder region, holder type and session theme, additive counts and fen sums only, so any period
 * and any breakdown is a SUM over it), `reporting_daily_sessions` (themed sessions held per day),
 * `reporting_refresh_state` (the incremental refresh's watermark), `reporting_activity_index`
 * (the daily 技术交易活跃指数 the worker records) and `reporting_periodic_reports` (月监测、季分析、
 * 年评价 as generated, with their hash).
 */
export class MarketReporting1764000100000 implements MigrationInterface {
  name = 'MarketReporting1764000100000';

  async up(q: QueryRunner): Promise<void> {
    // Each view carries row_xid, the 32-bit id of the transaction that wrote the row's current
    // version (xmin): the reporting refresh asks for the rows written since its last snapshot, so a
    // row inserted with a business timestamp in the past is found as surely as one of today.
    // market
    await q.query(`
      CREATE VIEW auction_session_directory AS
      SELECT id, name, theme, run_mode, starts_at, created_at, published_at, xmin::text::bigint AS row_xid FROM auction_sessions`);
    await q.query(`
      CREATE VIEW listing_activity_directory AS
      SELECT id, achievement_id, holder_id, mode, status, created_at, xmin::text::bigint AS row_xid FROM listings`);
    await q.query(`
      CREATE VIEW lot_result_directory AS
      SELECT id, session_id, listing_id, achievement_id, holder_id, status, result, unsold_reason, starting_price_fen, hammer_price_fen, starts_at, closed_at,
             xmin::text::bigint AS row_xid
        FROM lots`);
    await q.query(`
      CREATE VIEW lot_registration_directory AS
      SELECT id, lot_id, organization_id, offline, created_at, xmin::text::bigint AS row_xid FROM lot_registrations`);
    await q.query(`
      CREATE VIEW bid_directory AS
      SELECT id, lot_id, organization_id, source, status, amount_fen, received_at, xmin::text::bigint AS row_xid FROM bids`);
    await q.query(`
      CREATE VIEW deal_activity_directory AS
      SELECT id, source, lot_id, listing_id, achievement_id, price_fen, concluded_at, status, xmin::text::bigint AS row_xid FROM deals`);
    // contracts
    await q.query(`
      CREATE VIEW contract_registration_directory AS
      SELECT id, achievement_id, seller_id, buyer_id, deal_id, status, price_fen, registered_on, xmin::text::bigint AS row_xid FROM contracts`);
    // payments
    await q.query(`
      CREATE VIEW contract_payment_directory AS
      SELECT id, reference_id AS contract_id, status, amount_fen, refunded_fen, succeeded_at, xmin::text::bigint AS row_xid FROM payments WHERE reference_type = 'contract'`);
    // subsidies
    await q.query(`
      CREATE VIEW subsidy_grant_directory AS
      SELECT id, subject_type, subject_id, technical_field, enterprise_region_code, status, approved_fen, decided_at, paid_at, xmin::text::bigint AS row_xid
        FROM subsidy_applications`);

    // reporting
    await q.query(`
      CREATE TABLE reporting_daily_facts (
        day date NOT NULL,
        technical_field text NOT NULL,
        region_code text NOT NULL,
        holder_category text NOT NULL,
        theme text NOT NULL,
        listings integer NOT NULL DEFAULT 0,
        bidders integer NOT NULL DEFAULT 0,
        bids integer NOT NULL DEFAULT 0,
        lots_offered integer NOT NULL DEFAULT 0,
        lots_sold integer NOT NULL DEFAULT 0,
        sold_start_fen bigint NOT NULL DEFAULT 0,
        sold_hammer_fen bigint NOT NULL DEFAULT 0,
        deals integer NOT NULL DEFAULT 0,
        deal_value_fen bigint NOT NULL DEFAULT 0,
        contracts_registered integer NOT NULL DEFAULT 0,
        contract_value_fen bigint NOT NULL DEFAULT 0,
        contract_paid_fen bigint NOT NULL DEFAULT 0,
        subsidy_approved_fen bigint NOT NULL DEFAULT 0,
        subsidy_paid_fen bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (day, technical_field, region_code, holder_category, theme)
      )`);
    await q.query(`
      CREATE TABLE reporting_daily_sessions (
        day date NOT NULL,
        theme text NOT NULL,
        sessions integer NOT NULL,
        PRIMARY KEY (day, theme)
      )`);
    await q.query(`
      CREATE TABLE reporting_refresh_state (
        id smallint PRIMARY KEY CHECK (id = 1),
        snapshot text NOT NULL, -- pg_current_snapshot() of the last refresh: what it saw
        refreshed_at timestamptz NOT NULL,
        days_refreshed integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE reporting_activity_index (
        day date NOT NULL,
        technical_field text NOT NULL,
        region_code text NOT NULL,
        base_date date NOT NULL,
        index_value numeric(12, 2),
        listings integer NOT NULL,
        bidders integer NOT NULL,
        bids integer NOT NULL,
        deals integer NOT NULL,
        value_fen bigint NOT NULL,
        computed_at timestamptz NOT NULL,
        PRIMARY KEY (day, technical_field, region_code)
      )`);
    await q.query(`
      CREATE TABLE reporting_periodic_reports (
        kind text NOT NULL CHECK (kind IN ('monthly', 'quarterly', 'annual')),
        period text NOT NULL,
        period_from date NOT NULL,
        period_to date NOT NULL,
        content jsonb NOT NULL,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        generated_at timestamptz NOT NULL,
        generated_by text NOT NULL CHECK (generated_by IN ('schedule', 'request')),
        PRIMARY KEY (kind, period)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reporting_periodic_reports`);
    await q.query(`DROP TABLE reporting_activity_index`);
    await q.query(`DROP TABLE reporting_refresh_state`);
    await q.query(`DROP TABLE reporting_daily_sessions`);
    await q.query(`DROP TABLE reporting_daily_facts`);
    for (const v of [
      'subsidy_grant_directory',
      'contract_payment_directory',
      'contract_registration_directory',
      'deal_activity_directory',
      'bid_directory',
      'lot_registration_directory',
      'lot_result_directory',
      'listing_activity_directory',
      'auction_session_directory',
    ])
      await q.query(`DROP VIEW ${v}`);
  }
}
