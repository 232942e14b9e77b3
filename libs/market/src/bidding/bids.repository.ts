import { pgArrayLiteral, queries, type Queryable } from '@zjp/database';

/**
 * The engine's hot path (15,000+ bids/s): per transaction, one statement reads the facts and one writes
 * the outcome, for one lot or a group of many. Keep it that way: no statement per bid, no extra round trip.
 */
const SQL = queries(__filename, {
  /**
   * The registrations a batch needs and the stored answers to its idempotency keys, after the lots'
   * lock: one entry per lot in $1 (its organizations, paddles, leader and keys), tagged with its lot.
   */
  groupFacts: `
    SELECT q.lot_id, f.* FROM jsonb_to_recordset($1::jsonb) AS q(lot_id uuid, organization_ids uuid[], paddle_numbers int[], leader uuid, key_organizations uuid[], keys text[])
    CROSS JOIN LATERAL (
      SELECT 'registration' AS kind, id, organization_id, paddle_number, deposit_status, offline,
             NULL::text AS idempotency_key, NULL::text AS status, NULL::text AS reject_code, NULL::int AS seq
        FROM lot_registrations
       WHERE lot_id = q.lot_id AND (organization_id = ANY(q.organization_ids) OR paddle_number = ANY(q.paddle_numbers) OR id = q.leader)
      UNION ALL
      SELECT 'bid', NULL, organization_id, NULL, NULL, NULL, idempotency_key, status, reject_code, seq
        FROM bids
       WHERE lot_id = q.lot_id AND (organization_id, idempotency_key) IN (SELECT * FROM unnest(q.key_organizations, q.keys))
    ) f`,
  /**
   * The bids of a group's batches ($1 their lots; $14 the time every bid of the transaction was received), and the new
   * state of the lots that changed ($15..). ends_at only when a bid extended it.
   */
  writeGroup: `
    WITH inserted AS (
      INSERT INTO bids (lot_id, registration_id, organization_id, user_id, source, idempotency_key, amount_fen, max_fen, status, reject_code, seq, prev_hash, hash, received_at)
      SELECT b.*, $14::timestamptz FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::int[], $12::text[], $13::text[]) AS b
    )
    UPDATE lots l SET current_fen = u.current_fen, leader_registration_id = u.leader, leader_proxy_max_fen = u.proxy_max, leader_proxy_set_at = u.proxy_set_at,
           seq = u.seq, bid_count = u.bid_count, chain_head = u.chain_head, ends_at = COALESCE(u.extended_ends_at, l.ends_at),
           status = CASE WHEN l.status = 'scheduled' THEN 'open' ELSE l.status END
      FROM unnest($15::uuid[], $16::bigint[], $17::uuid[], $18::bigint[], $19::timestamptz[], $20::int[], $21::int[], $22::text[], $23::timestamptz[])
           AS u(id, current_fen, leader, proxy_max, proxy_set_at, seq, bid_count, chain_head, extended_ends_at)
     WHERE l.id = u.id`,
});

export interface BatchRegistration {
  id: string;
  organization_id: string;
  paddle_number: number;
  deposit_status: string;
  offline: boolean;
}

export interface StoredBidAnswer {
  organization_id: string;
  idempotency_key: string;
  status: string;
  reject_code: string | null;
  seq: number | null;
}

export interface BatchFactsQuery {
  organizationIds: string[];
  paddleNumbers: number[];
  leaderRegistrationId: string | null;
  keyed: { organizationId: string; idempotencyKey: string }[];
}

/**
 * One bids row, in the column order of writeGroup after lot_id: registration_id, organization_id, user_id,
 * source, idempotency_key, amount_fen, max_fen, status, reject_code, seq, prev_hash, hash (received_at is the
 * transaction's, given once).
 */
export type BidRowValues = [
  string | null,
  string | null,
  string | null,
  string,
  string | null,
  string,
  string | null,
  string,
  string | null,
  number | null,
  string | null,
  string | null,
];

export interface LotStateUpdate {
  currentFen: string | null;
  leaderRegistrationId: string | null;
  leaderProxyMaxFen: string | null;
  leaderProxySetAt: Date | null;
  seq: number;
  bidCount: number;
  chainHead: string;
  /** Only when a bid extended the lot. */
  extendedEndsAt: Date | null;
  changed: boolean;
}

/** The facts of one locked lot's batch (`lotId` as the database spells it: the locked row's id). */
export async function loadBatchFacts(
  m: Queryable,
  lotId: string,
  q: BatchFactsQuery,
): Promise<{ registrations: BatchRegistration[]; stored: StoredBidAnswer[] }> {
  return (await loadGroupFacts(m, [{ lotId, ...q }])).get(lotId)!;
}

/** The facts of several locked lots' batches, by lot id (as the database spells it). */
export async function loadGroupFacts(
  m: Queryable,
  lots: (BatchFactsQuery & { lotId: string })[],
): Promise<Map<string, { registrations: BatchRegistration[]; stored: StoredBidAnswer[] }>> {
  const found = (await m.query(SQL.groupFacts, [
    JSON.stringify(
      lots.map((q) => ({
        lot_id: q.lotId,
        organization_ids: q.organizationIds,
        paddle_numbers: q.paddleNumbers,
        leader: q.leaderRegistrationId,
        key_organizations: q.keyed.map((k) => k.organizationId),
        keys: q.keyed.map((k) => k.idempotencyKey),
      })),
    ),
  ])) as ({ lot_id: string } & ((BatchRegistration & { kind: 'registration' }) | (StoredBidAnswer & { kind: 'bid' })))[];
  const byLot = new Map(lots.map((q) => [q.lotId, { registrations: [] as BatchRegistration[], stored: [] as StoredBidAnswer[] }]));
  for (const row of found) {
    const facts = byLot.get(row.lot_id)!;
    if (row.kind === 'registration') facts.registrations.push(row);
    else facts.stored.push(row);
  }
  return byLot;
}

/**
 * writeBatch for several lots (each locked): one statement for the bids of all, received at `receivedAt`, and the
 * state of those that changed. The columns go as array literals built here (pgArrayLiteral): node-postgres's own
 * conversion of 13 arrays per batch was the largest share of the statement's garbage.
 */
export async function writeGroup(m: Queryable, batches: { lotId: string; rows: BidRowValues[]; lot: LotStateUpdate }[], receivedAt: Date): Promise<void> {
  const lotIds: string[] = [];
  for (const b of batches) for (let i = 0; i < b.rows.length; i++) lotIds.push(b.lotId);
  const rows = batches.length === 1 ? batches[0].rows : batches.flatMap((b) => b.rows);
  const column = (i: number) => pgArrayLiteral(rows.map((row) => row[i]));
  const changed = batches.filter((b) => b.lot.changed);
  const state = (pick: (u: LotStateUpdate) => string | number | null) => pgArrayLiteral(changed.map((b) => pick(b.lot)));
  const time = (d: Date | null) => d?.toISOString() ?? null;
  await m.query(SQL.writeGroup, [
    pgArrayLiteral(lotIds),
    ...Array.from({ length: 12 }, (_, i) => column(i)),
    receivedAt,
    pgArrayLiteral(changed.map((b) => b.lotId)),
    state((u) => u.currentFen),
    state((u) => u.leaderRegistrationId),
    state((u) => u.leaderProxyMaxFen),
    state((u) => time(u.leaderProxySetAt)),
    state((u) => u.seq),
    state((u) => u.bidCount),
    state((u) => u.chainHead),
    state((u) => time(u.extendedEndsAt)),
  ]);
}

/** One locked lot's batch: its bids, received at `receivedAt`, and its new state when it changed. */
export async function writeBatch(m: Queryable, lotId: string, rows: BidRowValues[], lot: LotStateUpdate, receivedAt: Date): Promise<void> {
  await writeGroup(m, [{ lotId, rows, lot }], receivedAt);
}
