import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';
import { encodeIncrement, type IncrementRule } from '../domain';
import type { LotRow } from './lot-row';

const SQL = queries(__filename, {
  insertLot: `
    INSERT INTO lots (id, listing_id, session_id, achievement_id, holder_id, title, starting_price_fen, reserve_price_fen, increment, deposit_fen,
                      starts_at, ends_at, original_ends_at, extension_minutes, extension_cap_minutes, proxy_allowed, live, status)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, 'scheduled')`,
  lockLot: `SELECT * FROM lots WHERE id = $1 FOR UPDATE`,
});

/** The lot's row, locked for the transaction (the bidding engine serialises a lot's batches on it). */
export async function lockLot(m: Pick<EntityManager, 'query'>, lotId: string): Promise<LotRow | null> {
  const rows = (await m.query(SQL.lockLot, [lotId])) as LotRow[];
  return rows[0] ?? null;
}

export interface NewLot {
  id: string;
  listingId: string;
  sessionId?: string | null;
  achievementId: string;
  holderId: string;
  title: string;
  startingPriceFen: bigint;
  reservePriceFen?: bigint | null;
  increment: IncrementRule;
  depositFen: bigint;
  startsAt: Date;
  endsAt: Date;
  extensionMinutes?: number;
  extensionCapMinutes?: number | null;
  proxyAllowed?: boolean;
  live?: boolean;
}

/** The one way a lot comes into being (an auction listed by its holder, or one the platform opens among declared intents). */
export async function insertLot(m: Pick<EntityManager, 'query'>, lot: NewLot): Promise<void> {
  await m.query(SQL.insertLot, [
    lot.id, lot.listingId, lot.sessionId ?? null, lot.achievementId, lot.holderId, lot.title, lot.startingPriceFen.toString(), lot.reservePriceFen?.toString() ?? null,
    JSON.stringify(encodeIncrement(lot.increment)), lot.depositFen.toString(), lot.startsAt, lot.endsAt,
    lot.extensionMinutes ?? 5, lot.extensionCapMinutes ?? null, lot.proxyAllowed ?? true, lot.live ?? false,
  ]);
}
