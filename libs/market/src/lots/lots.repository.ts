import { queries } from '@zjp/database';
import { APPRAISAL_JSON, type AppraisalDto } from '../listings/dto/appraisal.dto';
import type { EntityManager } from 'typeorm';
import { encodeIncrement, type IncrementRule } from '../domain';
import type { LotRow } from './lot-row';

/** A lot's phase for discovery: live (open now), upcoming (starts later) or closed (closed, cancelled, or past its end). */
const PHASE = `(CASE WHEN l.status IN ('closed', 'cancelled') OR l.ends_at <= $1 THEN 'closed' WHEN l.starts_at > $1 THEN 'upcoming' ELSE 'live' END)`;
const DISCOVERY_FILTER = `($2::text IS NULL OR ${PHASE} = $2) AND ($3::uuid IS NULL OR l.session_id = $3) AND ($4::text IS NULL OR a.technical_field = $4)
       AND ($5::text IS NULL OR h.region_code BETWEEN $5 AND $6)
       AND (l.session_id IS NULL OR EXISTS (SELECT 1 FROM auction_sessions ps WHERE ps.id = l.session_id AND ps.published_at IS NOT NULL))`;

const SQL = queries(__filename, {
  insertLot: `
    INSERT INTO lots (id, listing_id, session_id, achievement_id, holder_id, title, starting_price_fen, reserve_price_fen, increment, deposit_fen,
                      starts_at, ends_at, original_ends_at, extension_minutes, extension_cap_minutes, proxy_allowed, live, status)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, 'scheduled')`,
  lockLot: `SELECT * FROM lots WHERE id = $1 FOR UPDATE`,
  // Several lots in one transaction (the bidding engine's groups): locked in id order, the order every
  // such lock takes, so two groups sharing lots never wait on each other in a cycle.
  lockLots: `SELECT * FROM lots WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
  // A hammered lot keeps its scheduled end; closed_at says when the hammer fell.
  // Several lots at once (the worker closes lots that end together in one transaction), each with its outcome.
  closeLots: `
    UPDATE lots l SET status = 'closed', result = c.result, unsold_reason = c.unsold_reason, winner_registration_id = c.winner_registration_id,
                      hammer_price_fen = c.hammer_price_fen, closed_at = $6
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::bigint[]) AS c(id, result, unsold_reason, winner_registration_id, hammer_price_fen)
     WHERE l.id = c.id`,
  // The auctioneer opens a live lot now (its start moves to now; its end stays the backstop).
  openLot: `UPDATE lots SET starts_at = LEAST(starts_at, $2), status = 'open' WHERE id = $1`,
  withdrawn: `UPDATE lots SET withdrawn_reason = $2 WHERE id = $1`,
  // Another live lot of the same session already on the block (open now and not closed).
  openLotOfSession: `
    SELECT id FROM lots WHERE session_id = $1 AND id <> $2 AND live AND status IN ('scheduled', 'open') AND starts_at <= $3 AND ends_at > $3 LIMIT 1`,
  // The auctioneer's list of the paddles of a lot: who holds each, online or on the floor, and the deposit.
  countLotRegistrations: `SELECT count(*)::int AS total FROM lot_registrations WHERE lot_id = $1`,
  lotRegistrations: `
    SELECT r.id, r.paddle_number AS "paddleNumber", r.organization_id AS "organizationId", o.name AS "organizationName", r.offline,
           r.deposit_status AS "depositStatus", COALESCE(l.leader_registration_id = r.id, false) AS leading
      FROM lot_registrations r JOIN lots l ON l.id = r.lot_id JOIN organization_directory o ON o.id = r.organization_id
     WHERE r.lot_id = $1 ORDER BY r.paddle_number LIMIT $2 OFFSET $3`,
  closedLotSummaries: `
    SELECT l.id, l.seq, l.bid_count, r.paddle_number FROM lots l LEFT JOIN lot_registrations r ON r.id = l.winner_registration_id WHERE l.id = ANY($1::uuid[])`,
  // Lots past their end and still open, locked, earliest end first; those another transaction holds are skipped (it is
  // closing them, or a bid holds one for a moment: a later close or the sweep takes it). $2: a lot already locked.
  lockDueLots: `
    SELECT * FROM lots WHERE status IN ('scheduled', 'open') AND ends_at <= $1 AND id IS DISTINCT FROM $2::uuid
     ORDER BY ends_at, id LIMIT $3 FOR UPDATE SKIP LOCKED`,
  // A closed lot's losing registrations whose deposit the payments context holds (released through the DepositGateway).
  losingGatewayDeposits: `
    SELECT r.id, r.deposit_id FROM lot_registrations r JOIN lots l ON l.id = r.lot_id
     WHERE r.lot_id = $1 AND l.status = 'closed' AND r.id IS DISTINCT FROM l.winner_registration_id
       AND r.deposit_status IN ('held', 'pending') AND r.deposit_id IS NOT NULL ORDER BY r.paddle_number`,
  // One statement for a closed lot's losers: those held without a gateway deposit, and those whose gateway deposit ($2) was
  // just released. Never the winner; a pending registration without a deposit is left alone; a settled one is not touched again.
  releaseLosingRegistrations: `
    UPDATE lot_registrations r SET deposit_status = 'released' FROM lots l
     WHERE r.lot_id = $1 AND l.id = r.lot_id AND l.status = 'closed' AND r.id IS DISTINCT FROM l.winner_registration_id
       AND ((r.deposit_status = 'held' AND r.deposit_id IS NULL) OR (r.deposit_status IN ('held', 'pending') AND r.id = ANY($2::uuid[])))`,
  // Never move a registration backwards (a late 'held' after the close settled it changes nothing).
  followDepositStatus: `
    UPDATE lot_registrations SET deposit_status = $2
     WHERE id = $1 AND (deposit_status IN ('pending', 'failed') OR ($2 IN ('released', 'applied', 'forfeited') AND deposit_status = 'held'))`,
  registerIntentsForLot: `
    INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, deposit_status)
    SELECT $1, organization_id, row_number() OVER (ORDER BY declared_at), 'pending' FROM listing_intents WHERE listing_id = $2`,
  markDepositApplied: `UPDATE lot_registrations SET deposit_status = 'applied' WHERE id = $1 AND deposit_status = 'held'`,
  achievementForLot: `SELECT holder_id, title, registration_status FROM achievement_directory WHERE id = $1`,
  organizationType: `SELECT type FROM organization_directory WHERE id = $1`,
  acceptedBidsAfter: `
    SELECT b.seq, b.amount_fen::text AS "amountFen", r.paddle_number AS paddle, b.source = 'proxy' AS proxy, r.offline AS floor, b.received_at AS at, b.prev_hash AS "prevHash", b.hash
      FROM bids b JOIN lot_registrations r ON r.id = b.registration_id
     WHERE b.lot_id = $1 AND b.seq > $2 ORDER BY b.seq LIMIT $3`,
  registrationOf: `SELECT id, deposit_status FROM lot_registrations WHERE lot_id = $1 AND organization_id = $2`,
  // An enterprise's registrations with their lots, deposits, its best accepted bid and the outcome; newest lots first.
  countRegistrationsOf: `SELECT count(*)::int AS total FROM lot_registrations WHERE organization_id = $1`,
  registrationsOf: `
    SELECT r.id, r.lot_id, r.paddle_number, r.deposit_status, a.title AS achievement_title, l.status, l.starts_at, l.ends_at,
           l.current_fen::text AS current_fen, l.deposit_fen::text AS deposit_fen, l.result, l.hammer_price_fen::text AS hammer_price_fen,
           COALESCE(l.leader_registration_id = r.id, false) AS leading, COALESCE(l.winner_registration_id = r.id, false) AS won,
           (SELECT max(b.amount_fen) FROM bids b WHERE b.lot_id = l.id AND b.registration_id = r.id AND b.status = 'accepted')::text AS my_best_fen
      FROM lot_registrations r JOIN lots l ON l.id = r.lot_id JOIN achievement_directory a ON a.id = l.achievement_id
     WHERE r.organization_id = $1
     ORDER BY l.ends_at DESC, r.id LIMIT $2 OFFSET $3`,
  markDepositFailed: `UPDATE lot_registrations SET deposit_status = 'failed' WHERE id = $1 AND deposit_status = 'pending'`,
  attachDeposit: `UPDATE lot_registrations SET deposit_id = $2, deposit_status = CASE WHEN deposit_status = 'pending' THEN $3 ELSE deposit_status END WHERE id = $1`,
  attachHeldDeposit: `UPDATE lot_registrations SET deposit_id = $2, deposit_status = 'held' WHERE id = $1`,
  lotDepositFen: `SELECT deposit_fen FROM lots WHERE id = $1`,
  // The lot row is locked by the caller, so paddle numbers are handed out one at a time.
  insertRegistration: `
    INSERT INTO lot_registrations (id, lot_id, organization_id, paddle_number, offline, deposit_status, registered_by)
    VALUES ($1, $2, $3, (SELECT COALESCE(max(paddle_number), 0) + 1 FROM lot_registrations WHERE lot_id = $2), $4, $5, $6)`,
  registrationById: `
    SELECT id, lot_id AS "lotId", organization_id AS "organizationId", paddle_number AS "paddleNumber", offline, deposit_id AS "depositId", deposit_status AS "depositStatus"
      FROM lot_registrations WHERE id = $1`,
  lotExists: `SELECT 1 FROM lots WHERE id = $1`,
  missingLots: `SELECT wanted.id::text AS id FROM unnest($1::uuid[]) AS wanted(id) WHERE NOT EXISTS (SELECT 1 FROM lots l WHERE l.id = wanted.id)`,
  lotWithPaddles: `
    SELECT l.*, lr.paddle_number AS leader_paddle, wr.paddle_number AS winner_paddle, ${APPRAISAL_JSON('li')} AS appraisal FROM lots l
      JOIN listings li ON li.id = l.listing_id
      LEFT JOIN lot_registrations lr ON lr.id = l.leader_registration_id
      LEFT JOIN lot_registrations wr ON wr.id = l.winner_registration_id WHERE l.id = $1`,
  // What the notices of lots say (outbid, starting soon, won / lost), and to whom.
  lotsForNotices: `
    SELECT l.id, l.title, l.status, l.starts_at, l.current_fen::text AS current_fen, l.hammer_price_fen::text AS hammer_price_fen,
           lr.organization_id AS leader_organization_id, wr.organization_id AS winner_organization_id
      FROM lots l
      LEFT JOIN lot_registrations lr ON lr.id = l.leader_registration_id
      LEFT JOIN lot_registrations wr ON wr.id = l.winner_registration_id WHERE l.id = ANY($1::uuid[])`,
  registeredOrganizationsOfLots: `
    SELECT DISTINCT lot_id, organization_id FROM lot_registrations WHERE lot_id = ANY($1::uuid[]) AND NOT offline AND deposit_status <> 'failed'`,
  // Discovery (GET /lots). $1 now; $2 phase (live | upcoming | closed) or null; $3 session; $4 technical field; $5..$6 the holder's
  // region code range (a prefix as BETWEEN 330100 AND 330199) or null; $7 limit, $8 offset (page only).
  // A lot past its end that the closing job has not closed yet is already "closed" here.
  countLots: `
    SELECT count(*)::int AS total
      FROM lots l JOIN achievement_directory a ON a.id = l.achievement_id JOIN organization_directory h ON h.id = l.holder_id
     WHERE ${DISCOVERY_FILTER}`,
  discoverLots: `
    SELECT l.*, a.title AS achievement_title, a.technical_field, h.name AS holder_name, h.region_code::text AS holder_region_code,
           s.name AS session_title, li.deal_type, li.license_type
      FROM lots l JOIN achievement_directory a ON a.id = l.achievement_id JOIN organization_directory h ON h.id = l.holder_id
      JOIN listings li ON li.id = l.listing_id LEFT JOIN auction_sessions s ON s.id = l.session_id
     WHERE ${DISCOVERY_FILTER}
     ORDER BY CASE ${PHASE} WHEN 'live' THEN 0 WHEN 'upcoming' THEN 1 ELSE 2 END,
              CASE WHEN ${PHASE} = 'live' THEN l.ends_at END,
              CASE WHEN ${PHASE} = 'upcoming' THEN l.starts_at END,
              CASE WHEN ${PHASE} = 'closed' THEN l.ends_at END DESC,
              l.id
     LIMIT $7 OFFSET $8`,
});

type Query = Pick<EntityManager, 'query'>;

/** How a lot closed: sold (winner's registration, hammer price) or unsold (the reason). */
export interface LotClose {
  result: 'sold' | 'unsold';
  unsoldReason: string | null;
  winnerRegistrationId: string | null;
  hammerPriceFen: bigint | null;
}

/** Closes the lots, each with its outcome, in one statement. */
export async function closeLots(m: Query, closes: readonly (LotClose & { lotId: string })[], closedAt: Date): Promise<void> {
  if (!closes.length) return;
  await m.query(SQL.closeLots, [
    closes.map((c) => c.lotId),
    closes.map((c) => c.result),
    closes.map((c) => c.unsoldReason),
    closes.map((c) => c.winnerRegistrationId),
    closes.map((c) => c.hammerPriceFen?.toString() ?? null),
    closedAt,
  ]);
}

export async function openLot(m: Query, lotId: string, now: Date): Promise<void> {
  await m.query(SQL.openLot, [lotId, now]);
}

export async function markWithdrawn(m: Query, lotId: string, reason: string): Promise<void> {
  await m.query(SQL.withdrawn, [lotId, reason]);
}

export async function openLotOfSession(m: Query, sessionId: string, lotId: string, now: Date): Promise<string | null> {
  return ((await m.query(SQL.openLotOfSession, [sessionId, lotId, now])) as { id: string }[])[0]?.id ?? null;
}

export interface LotRegistrationRow {
  id: string;
  paddleNumber: number;
  organizationId: string;
  organizationName: string;
  offline: boolean;
  depositStatus: string;
  leading: boolean;
}

/** One page of a lot's paddles in paddle order, and how many there are. */
export async function lotRegistrations(m: Query, lotId: string, limit: number, offset: number): Promise<{ rows: LotRegistrationRow[]; total: number }> {
  const [{ total }] = (await m.query(SQL.countLotRegistrations, [lotId])) as { total: number }[];
  return { rows: (await m.query(SQL.lotRegistrations, [lotId, limit, offset])) as LotRegistrationRow[], total };
}

/** What the room is told of closed lots: each one's feed position and the winner's paddle (null when unsold), by lot. */
export async function closedLotSummaries(
  m: Query,
  lotIds: readonly string[],
): Promise<Map<string, { seq: number; bid_count: number; paddle_number: number | null }>> {
  const rows = (await m.query(SQL.closedLotSummaries, [lotIds])) as { id: string; seq: number; bid_count: number; paddle_number: number | null }[];
  return new Map(rows.map((r) => [r.id, r]));
}

/** Up to `limit` lots past their end and still open, locked (skipping those locked elsewhere), earliest end first; never `except`. */
export async function lockDueLots(m: Query, now: Date, except: string | null, limit: number): Promise<LotRow[]> {
  if (limit <= 0) return [];
  return (await m.query(SQL.lockDueLots, [now, except, limit])) as LotRow[];
}

/** A closed lot's losing registrations whose deposit the payments context holds, still held or pending. */
export async function losingGatewayDeposits(m: Query, lotId: string): Promise<{ id: string; deposit_id: string }[]> {
  return (await m.query(SQL.losingGatewayDeposits, [lotId])) as { id: string; deposit_id: string }[];
}

/** Marks a closed lot's losers released in one statement (see the SQL); `releasedIds`: those whose gateway deposit was released. Returns how many. */
export async function releaseLosingRegistrations(m: Query, lotId: string, releasedIds: readonly string[]): Promise<number> {
  const [, count] = (await m.query(SQL.releaseLosingRegistrations, [lotId, releasedIds])) as [unknown, number];
  return count;
}

/** The lot's row, locked for the transaction (the bidding engine serialises a lot's batches on it). */
export async function lockLot(m: Pick<EntityManager, 'query'>, lotId: string): Promise<LotRow | null> {
  const rows = (await m.query(SQL.lockLot, [lotId])) as LotRow[];
  return rows[0] ?? null;
}

/** Locks the given lots in id order; the lots that do not exist are missing from the answer. */
export async function lockLots(m: Pick<EntityManager, 'query'>, lotIds: string[]): Promise<LotRow[]> {
  return (await m.query(SQL.lockLots, [lotIds])) as LotRow[];
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
    lot.id,
    lot.listingId,
    lot.sessionId ?? null,
    lot.achievementId,
    lot.holderId,
    lot.title,
    lot.startingPriceFen.toString(),
    lot.reservePriceFen?.toString() ?? null,
    JSON.stringify(encodeIncrement(lot.increment)),
    lot.depositFen.toString(),
    lot.startsAt,
    lot.endsAt,
    lot.extensionMinutes ?? 5,
    lot.extensionCapMinutes ?? null,
    lot.proxyAllowed ?? true,
    lot.live ?? false,
  ]);
}

/** The registration's deposit status follows its deposit's (payments' DepositStatusChanged), monotonically. */
export async function followDepositStatus(m: Query, registrationId: string, status: string): Promise<void> {
  await m.query(SQL.followDepositStatus, [registrationId, status]);
}

/** A listing turned into an auction: each enterprise that declared intent is registered, paddles in the order they declared. */
export async function registerIntentsForLot(m: Query, lotId: string, listingId: string): Promise<void> {
  await m.query(SQL.registerIntentsForLot, [lotId, listingId]);
}

export async function markDepositApplied(m: Query, registrationId: string): Promise<void> {
  await m.query(SQL.markDepositApplied, [registrationId]);
}

export async function achievementForLot(
  m: Query,
  achievementId: string,
): Promise<{ holder_id: string; title: string; registration_status: string } | undefined> {
  return ((await m.query(SQL.achievementForLot, [achievementId])) as { holder_id: string; title: string; registration_status: string }[])[0];
}

export async function organizationType(m: Query, organizationId: string): Promise<string | undefined> {
  return ((await m.query(SQL.organizationType, [organizationId])) as { type: string }[])[0]?.type;
}

export async function acceptedBidsAfter(
  m: Query,
  lotId: string,
  afterSeq: number,
  limit: number,
): Promise<{ seq: number; amountFen: string; paddle: number; proxy: boolean; floor: boolean; at: Date; prevHash: string; hash: string }[]> {
  return (await m.query(SQL.acceptedBidsAfter, [lotId, afterSeq, limit])) as {
    seq: number;
    amountFen: string;
    paddle: number;
    proxy: boolean;
    floor: boolean;
    at: Date;
    prevHash: string;
    hash: string;
  }[];
}

export async function registrationOf(m: Query, lotId: string, organizationId: string): Promise<{ id: string; deposit_status: string } | undefined> {
  return ((await m.query(SQL.registrationOf, [lotId, organizationId])) as { id: string; deposit_status: string }[])[0];
}

export async function markDepositFailed(m: Query, registrationId: string): Promise<void> {
  await m.query(SQL.markDepositFailed, [registrationId]);
}

/** The deposit a registration's hold created; its status follows the hold's only while the registration still waits for it. */
export async function attachDeposit(m: Query, registrationId: string, depositId: string, status: 'held' | 'failed' | 'pending'): Promise<void> {
  await m.query(SQL.attachDeposit, [registrationId, depositId, status]);
}

export async function attachHeldDeposit(m: Query, registrationId: string, depositId: string): Promise<void> {
  await m.query(SQL.attachHeldDeposit, [registrationId, depositId]);
}

export async function lotDepositFen(m: Query, lotId: string): Promise<string | undefined> {
  return ((await m.query(SQL.lotDepositFen, [lotId])) as { deposit_fen: string }[])[0]?.deposit_fen;
}

export async function insertRegistration(
  m: Query,
  r: { id: string; lotId: string; organizationId: string; offline: boolean; depositStatus: string; registeredBy: string },
): Promise<void> {
  await m.query(SQL.insertRegistration, [r.id, r.lotId, r.organizationId, r.offline, r.depositStatus, r.registeredBy]);
}

export async function registrationById(m: Query, id: string): Promise<Record<string, unknown>> {
  return ((await m.query(SQL.registrationById, [id])) as Record<string, unknown>[])[0];
}

export async function lotExists(m: Query, lotId: string): Promise<boolean> {
  return ((await m.query(SQL.lotExists, [lotId])) as unknown[]).length > 0;
}

/** Those of these lot ids that name no lot (one query for them all). */
export async function missingLots(m: Query, lotIds: readonly string[]): Promise<string[]> {
  return ((await m.query(SQL.missingLots, [lotIds])) as { id: string }[]).map((r) => r.id);
}

export async function lotWithPaddles(
  m: Query,
  lotId: string,
): Promise<(LotRow & { leader_paddle: number | null; winner_paddle: number | null; appraisal: AppraisalDto | null }) | undefined> {
  return (
    (await m.query(SQL.lotWithPaddles, [lotId])) as (LotRow & { leader_paddle: number | null; winner_paddle: number | null; appraisal: AppraisalDto | null })[]
  )[0];
}

export interface LotForNotices {
  id: string;
  title: string;
  status: string;
  starts_at: Date;
  current_fen: string | null;
  hammer_price_fen: string | null;
  leader_organization_id: string | null;
  winner_organization_id: string | null;
}

export async function lotForNotices(m: Query, lotId: string): Promise<LotForNotices | undefined> {
  return (await lotsForNotices(m, [lotId]))[0];
}

export async function lotsForNotices(m: Query, lotIds: readonly string[]): Promise<LotForNotices[]> {
  return (await m.query(SQL.lotsForNotices, [lotIds])) as LotForNotices[];
}

/** The organisations registered online for each of these lots (those without any are missing). */
export async function registeredOrganizationsOfLots(m: Query, lotIds: readonly string[]): Promise<Map<string, string[]>> {
  const byLot = new Map<string, string[]>();
  for (const r of (await m.query(SQL.registeredOrganizationsOfLots, [lotIds])) as { lot_id: string; organization_id: string }[]) {
    const orgs = byLot.get(r.lot_id);
    if (orgs) orgs.push(r.organization_id);
    else byLot.set(r.lot_id, [r.organization_id]);
  }
  return byLot;
}

/** The organisations registered online for a lot (not those whose deposit failed). */
export async function registeredOrganizations(m: Query, lotId: string): Promise<string[]> {
  return (await registeredOrganizationsOfLots(m, [lotId])).get(lotId) ?? [];
}

export interface LotDiscoveryFilter {
  now: Date;
  phase: 'live' | 'upcoming' | 'closed' | null;
  sessionId: string | null;
  technicalField: string | null;
  /** The holder's region codes, inclusive: a prefix as a range (330100..330199). */
  region: { from: string; to: string } | null;
}

export type DiscoveredLotRow = LotRow & {
  achievement_title: string;
  technical_field: string;
  holder_name: string;
  holder_region_code: string;
  session_title: string | null;
  deal_type: string;
  license_type: string | null;
};

function discoveryParams(f: LotDiscoveryFilter): unknown[] {
  return [f.now, f.phase, f.sessionId, f.technicalField, f.region?.from ?? null, f.region?.to ?? null];
}

/** GET /lots: one page of lots (live by end, upcoming by start, closed latest first) and how many match. */
export async function discoverLots(m: Query, f: LotDiscoveryFilter, limit: number, offset: number): Promise<{ rows: DiscoveredLotRow[]; total: number }> {
  const [{ total }] = (await m.query(SQL.countLots, discoveryParams(f))) as { total: number }[];
  const rows = (await m.query(SQL.discoverLots, [...discoveryParams(f), limit, offset])) as DiscoveredLotRow[];
  return { rows, total };
}

export interface OwnRegistrationRow {
  id: string;
  lot_id: string;
  paddle_number: number;
  deposit_status: string;
  achievement_title: string;
  status: string;
  starts_at: Date;
  ends_at: Date;
  current_fen: string | null;
  deposit_fen: string;
  result: 'sold' | 'unsold' | null;
  hammer_price_fen: string | null;
  leading: boolean;
  won: boolean;
  my_best_fen: string | null;
}

/** One page of an organisation's registrations for lots (its deposits, bids and outcomes), and how many it has. */
export async function registrationsOf(m: Query, organizationId: string, limit: number, offset: number): Promise<{ rows: OwnRegistrationRow[]; total: number }> {
  const [{ total }] = (await m.query(SQL.countRegistrationsOf, [organizationId])) as { total: number }[];
  return { rows: (await m.query(SQL.registrationsOf, [organizationId, limit, offset])) as OwnRegistrationRow[], total };
}
