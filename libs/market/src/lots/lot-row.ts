import { decodeIncrement, type IncrementJson, type IncrementRule, type LotRules, type LotState } from '../domain';

/** A lots row as the engine reads it (int8 as strings from pg). */
export interface LotRow {
  id: string;
  listing_id: string;
  achievement_id: string;
  holder_id: string;
  title: string;
  session_id: string | null;
  starting_price_fen: string;
  reserve_price_fen: string | null;
  increment: IncrementJson;
  deposit_fen: string;
  starts_at: Date;
  ends_at: Date;
  original_ends_at: Date;
  extension_minutes: number;
  extension_cap_minutes: number | null;
  proxy_allowed: boolean;
  live: boolean;
  status: 'scheduled' | 'open' | 'closed' | 'cancelled';
  current_fen: string | null;
  leader_registration_id: string | null;
  leader_proxy_max_fen: string | null;
  leader_proxy_set_at: Date | null;
  seq: number;
  bid_count: number;
  chain_head: string;
  result: 'sold' | 'unsold' | null;
  unsold_reason: string | null;
  winner_registration_id: string | null;
  hammer_price_fen: string | null;
  closed_at: Date | null;
}

export function incrementOf(row: LotRow): IncrementRule {
  return decodeIncrement(row.increment);
}

export function rulesOf(row: LotRow): LotRules {
  return {
    startingPriceFen: BigInt(row.starting_price_fen),
    reservePriceFen: row.reserve_price_fen === null ? null : BigInt(row.reserve_price_fen),
    increment: incrementOf(row),
    extensionMinutes: row.extension_minutes,
    extensionCapMinutes: row.extension_cap_minutes,
    proxyAllowed: row.proxy_allowed,
  };
}

/** A scheduled lot whose start has come is open: no job is needed to open it. */
export function stateOf(row: LotRow, now: Date): LotState {
  const status = row.status === 'scheduled' && now >= row.starts_at ? 'open' : row.status === 'cancelled' ? 'closed' : row.status;
  return {
    status,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    originalEndsAt: row.original_ends_at,
    currentFen: row.current_fen === null ? null : BigInt(row.current_fen),
    leaderId: row.leader_registration_id,
    leaderProxyMaxFen: row.leader_proxy_max_fen === null ? null : BigInt(row.leader_proxy_max_fen),
    leaderProxySetAt: row.leader_proxy_set_at,
    seq: row.seq,
    bidCount: row.bid_count,
  };
}
