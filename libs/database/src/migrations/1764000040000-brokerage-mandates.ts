import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Technology brokers (技术经纪人). A holder or an enterprise (the principal) grants a broker
 * organisation a mandate (委托, table `mandates`, owned by brokerage): for explicit achievements or
 * lots, the actions it may take (list / register_and_bid / negotiate — signing never), until a
 * Shanghai date, with a commission (佣金: a rate in basis points or a fixed amount in fen). What the
 * broker does under it is `mandate_actions` (brokerage), and every audit entry written while a
 * broker acts names the agent (`audit_log.agent_organization_id`, `mandate_id`).
 *
 * Published for the others: `lot_directory` (market: a lot's holder, achievement and listing),
 * `brokered_achievements` (brokerage: for which achievements a broker acted under which mandate,
 * with its commission terms, which the contracts context reads when it drafts a deal's contract),
 * `commission_directory` (contracts: the commission recorded on each contract, for the broker's desk).
 */
export class BrokerageMandates1764000040000 implements MigrationInterface {
  name = 'BrokerageMandates1764000040000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mandates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        principal_organization_id uuid NOT NULL REFERENCES organizations (id),
        principal_type text NOT NULL CHECK (principal_type IN ('holder', 'enterprise')),
        broker_organization_id uuid NOT NULL REFERENCES organizations (id),
        achievement_ids uuid[] NOT NULL DEFAULT '{}',
        lot_ids uuid[] NOT NULL DEFAULT '{}',
        permissions text[] NOT NULL CHECK (cardinality(permissions) > 0 AND permissions <@ ARRAY['list', 'register_and_bid', 'negotiate']::text[]),
        ends_on date NOT NULL,
        commission_rate_bp int CHECK (commission_rate_bp BETWEEN 1 AND 10000),
        commission_fixed_fen bigint CHECK (commission_fixed_fen > 0),
        note text NOT NULL DEFAULT '',
        granted_by uuid NOT NULL REFERENCES users (id),
        granted_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_by uuid REFERENCES users (id),
        revoke_reason text,
        CHECK ((commission_rate_bp IS NULL) <> (commission_fixed_fen IS NULL)),
        CHECK (cardinality(achievement_ids) + cardinality(lot_ids) > 0),
        CHECK (principal_organization_id <> broker_organization_id)
      )`);
    await q.query(`CREATE INDEX mandates_principal_idx ON mandates (principal_organization_id, granted_at DESC)`);
    await q.query(`CREATE INDEX mandates_broker_idx ON mandates (broker_organization_id, granted_at DESC)`);
    await q.query(`
      CREATE TABLE mandate_actions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        mandate_id uuid NOT NULL REFERENCES mandates (id),
        action text NOT NULL CHECK (action IN ('list', 'register_and_bid', 'negotiate')),
        operation text NOT NULL,
        resource_type text NOT NULL CHECK (resource_type IN ('lot', 'listing', 'achievement')),
        resource_id uuid NOT NULL,
        achievement_id uuid,
        actor_user_id uuid NOT NULL REFERENCES users (id),
        occurred_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX mandate_actions_mandate_idx ON mandate_actions (mandate_id, occurred_at DESC)`);
    await q.query(`CREATE INDEX mandate_actions_achievement_idx ON mandate_actions (achievement_id)`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN agent_organization_id uuid, ADD COLUMN mandate_id uuid`);
    await q.query(`CREATE INDEX audit_log_mandate_idx ON audit_log (mandate_id) WHERE mandate_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE contract_commissions (
        contract_id uuid NOT NULL REFERENCES contracts (id),
        side text NOT NULL CHECK (side IN ('seller', 'buyer')),
        mandate_id uuid NOT NULL,
        broker_organization_id uuid NOT NULL REFERENCES organizations (id),
        principal_organization_id uuid NOT NULL REFERENCES organizations (id),
        rate_bp int CHECK (rate_bp BETWEEN 1 AND 10000),
        fixed_fen bigint CHECK (fixed_fen > 0),
        basis_fen bigint NOT NULL CHECK (basis_fen >= 0),
        commission_fen bigint NOT NULL CHECK (commission_fen >= 0),
        recorded_at timestamptz NOT NULL,
        PRIMARY KEY (contract_id, side),
        CHECK ((rate_bp IS NULL) <> (fixed_fen IS NULL))
      )`);
    await q.query(`CREATE INDEX contract_commissions_broker_idx ON contract_commissions (broker_organization_id, recorded_at DESC)`);
    await q.query(`
      CREATE VIEW lot_directory AS
      SELECT id, listing_id, achievement_id, holder_id, title, status, starts_at, ends_at, starting_price_fen, current_fen, deposit_fen, result, hammer_price_fen FROM lots`);
    await q.query(`
      CREATE VIEW brokered_achievements AS
      SELECT m.id AS mandate_id, m.principal_organization_id, m.principal_type, m.broker_organization_id, m.commission_rate_bp, m.commission_fixed_fen,
             a.achievement_id, min(a.occurred_at) AS first_acted_at
        FROM mandates m JOIN mandate_actions a ON a.mandate_id = m.id
       WHERE a.achievement_id IS NOT NULL
       GROUP BY m.id, a.achievement_id`);
    await q.query(`
      CREATE VIEW commission_directory AS
      SELECT cc.contract_id, cc.side, cc.mandate_id, cc.broker_organization_id, cc.principal_organization_id, cc.rate_bp, cc.fixed_fen, cc.basis_fen, cc.commission_fen,
             cc.recorded_at, c.title, c.status, c.deal_id, c.achievement_id
        FROM contract_commissions cc JOIN contracts c ON c.id = cc.contract_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW commission_directory`);
    await q.query(`DROP VIEW brokered_achievements`);
    await q.query(`DROP VIEW lot_directory`);
    await q.query(`DROP TABLE contract_commissions`);
    await q.query(`DROP INDEX audit_log_mandate_idx`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN agent_organization_id, DROP COLUMN mandate_id`);
    await q.query(`DROP TABLE mandate_actions`);
    await q.query(`DROP TABLE mandates`);
  }
}
