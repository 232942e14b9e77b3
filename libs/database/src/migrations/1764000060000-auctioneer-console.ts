import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The market operator's consoles: a themed session is prepared as a draft (its lots added, its
 * times and rules set) and published when ready; the existing sessions were public and stay so.
 * A session inserted without saying is published.
 * The auctioneer may withdraw a lot (撤拍): it closes unsold with the reason 'withdrawn'.
 */
export class AuctioneerConsole1764000060000 implements MigrationInterface {
  name = 'AuctioneerConsole1764000060000';

  async up(q: QueryRunner): Promise<void> {
    // published unless the operator creates it as a draft (the application writes NULL then)
    await q.query(`ALTER TABLE auction_sessions ADD COLUMN published_at timestamptz DEFAULT now()`);
    await q.query(`UPDATE auction_sessions SET published_at = created_at`);
    await q.query(`CREATE INDEX auction_sessions_published_idx ON auction_sessions (starts_at DESC, id DESC) WHERE published_at IS NOT NULL`);
    await q.query(`ALTER TABLE lots DROP CONSTRAINT lots_unsold_reason_check`);
    await q.query(`ALTER TABLE lots ADD CONSTRAINT lots_unsold_reason_check CHECK (unsold_reason IN ('no_bids', 'reserve_not_met', 'withdrawn'))`);
    await q.query(`ALTER TABLE lots ADD COLUMN withdrawn_reason text CHECK (length(withdrawn_reason) <= 500)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE lots DROP COLUMN withdrawn_reason`);
    await q.query(`ALTER TABLE lots DROP CONSTRAINT lots_unsold_reason_check`);
    await q.query(`ALTER TABLE lots ADD CONSTRAINT lots_unsold_reason_check CHECK (unsold_reason IN ('no_bids', 'reserve_not_met'))`);
    await q.query(`DROP INDEX auction_sessions_published_idx`);
    await q.query(`ALTER TABLE auction_sessions DROP COLUMN published_at`);
  }
}
