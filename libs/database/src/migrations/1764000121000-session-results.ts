import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 成交结果: the result of a themed session (专场), stored by the market when the session's last lot
 * closes (in that closing transaction, the session row locked so two lots closing at once cannot
 * both miss it) and recomputed on request by an administrator. Stored, not computed on every read:
 * a closed session's figures no longer change, the public page and its downloads read one row, and
 * the row keeps when the figures were taken.
 *
 * premium_hundredths: 溢价率 = hammer total ÷ starting total of the SOLD lots − 1, in hundredths of a
 * percent, rounded half up from the exact fraction (the fraction's terms are stored too).
 */
export class SessionResults1764000121000 implements MigrationInterface {
  name = 'SessionResults1764000121000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auction_session_results (
        session_id uuid PRIMARY KEY REFERENCES auction_sessions (id),
        lots_offered int NOT NULL CHECK (lots_offered >= 0),
        lots_sold int NOT NULL CHECK (lots_sold >= 0),
        lots_unsold int NOT NULL CHECK (lots_unsold >= 0),
        lots_withdrawn int NOT NULL CHECK (lots_withdrawn >= 0),
        starting_total_fen bigint NOT NULL CHECK (starting_total_fen >= 0),
        sold_starting_total_fen bigint NOT NULL CHECK (sold_starting_total_fen >= 0),
        hammer_total_fen bigint NOT NULL CHECK (hammer_total_fen >= 0),
        premium_hundredths bigint,
        bidders int NOT NULL CHECK (bidders >= 0),
        online_bidders int NOT NULL CHECK (online_bidders >= 0),
        floor_bidders int NOT NULL CHECK (floor_bidders >= 0),
        bids int NOT NULL CHECK (bids >= 0),
        online_bids int NOT NULL CHECK (online_bids >= 0),
        proxy_bids int NOT NULL CHECK (proxy_bids >= 0),
        floor_bids int NOT NULL CHECK (floor_bids >= 0),
        closed_at timestamptz NOT NULL,
        computed_at timestamptz NOT NULL,
        CONSTRAINT auction_session_results_lots CHECK (lots_sold + lots_unsold = lots_offered AND lots_withdrawn <= lots_unsold),
        CONSTRAINT auction_session_results_bids CHECK (online_bids + proxy_bids + floor_bids = bids),
        CONSTRAINT auction_session_results_premium CHECK ((lots_sold = 0) = (premium_hundredths IS NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auction_session_results`);
  }
}
