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
  // A hammered lot keeps its scheduled end; closed_at says when the hammer fell.
  closeLot: `UPDATE lots SET status = 'closed', result = $2, unsold_reason = $3, winner_registration_id = $4, hammer_price_fen = $5, closed_at = $6 WHERE id = $1`,
  closedLotSummary: `SELECT l.seq, l.bid_count, r.paddle_number FROM lots l LEFT JOIN lot_registrations r ON r.id = l.winner_registration_id WHERE l.id = $1`,
  dueLotIds: `SELECT id FROM lots WHERE status IN ('scheduled', 'open') AND ends_at <= $1 ORDER BY ends_at LIMIT $2`,
  unsettledRegistrations: `
    SELECT r.id, r.deposit_id, r.deposit_status, r.id = l.winner_registration_id AS winner
      FROM lot_registrations r JOIN lots l ON l.id = r.lot_id WHERE r.lot_id = $1 AND l.status = 'closed' AND r.deposit_status IN ('held', 'pending')`,
  // Never move a registration backwards (a late 'held' after the close settled it changes nothing).
  followDepositStatus: `
    UPDATE lot_registrations SET deposit_status = $2
     WHERE id = $1 AND (deposit_status IN ('pending', 'failed') OR ($2 IN ('released', 'applied', 'forfeited') AND deposit_status = 'held'))`,
  markRegistrationReleased: `UPDATE lot_registrations SET deposit_status = 'released' WHERE id = $1 AND deposit_status IN ('held', 'pending')`,
});

type Query = Pick<EntityManager, 'query'>;

/** How a lot closed: sold (winner's registration, hammer price) or unsold (the reason). */
export interface LotClose {
  result: 'sold' | 'unsold';
  unsoldReason: string | null;
  winnerRegistrationId: string | null;
  hammerPriceFen: bigint | null;
  closedAt: Date;
}

export async function closeLot(m: Query, lotId: string, c: LotClose): Promise<void> {
  await m.query(SQL.closeLot, [lotId, c.result, c.unsoldReason, c.winnerRegistrationId, c.hammerPriceFen?.toString() ?? null, c.closedAt]);
}

/** What the room is told of a closed lot: its feed position and the winner's paddle (null when unsold). */
export async function closedLotSummary(m: Query, lotId: string): Promise<{ seq: number; bid_count: number; paddle_number: number | null }> {
  return ((await m.query(SQL.closedLotSummary, [lotId])) as { seq: number; bid_count: number; paddle_number: number | null }[])[0];
}

/** Lots past their end and still open, earliest end first. */
export async function dueLotIds(m: Query, now: Date, limit: number): Promise<string[]> {
  return ((await m.query(SQL.dueLotIds, [now, limit])) as { id: string }[]).map((r) => r.id);
}

export interface UnsettledRegistration {
  id: string;
  deposit_id: string | null;
  deposit_status: string;
  winner: boolean;
}

/** A closed lot's registrations whose deposit is still held or pending. */
export async function unsettledRegistrations(m: Query, lotId: string): Promise<UnsettledRegistration[]> {
  return (await m.query(SQL.unsettledRegistrations, [lotId])) as UnsettledRegistration[];
}

export async function markRegistrationReleased(m: Query, registrationId: string): Promise<void> {
  await m.query(SQL.markRegistrationReleased, [registrationId]);
}

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

/** The registration's deposit status follows its deposit's (payments' DepositStatusChanged), monotonically. */
export async function followDepositStatus(m: Query, registrationId: string, status: string): Promise<void> {
  await m.query(SQL.followDepositStatus, [registrationId, status]);
}
