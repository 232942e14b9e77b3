import type { LotRules, LotState } from './bid-acceptance';

/*
 * The result of a lot at its close (成交 / 流拍): sold to the leader at the current price (the
 * 成交价, hammerPrice) when that reaches the hidden reserve, otherwise unsold. Deciding WHEN a
 * lot closes, and closing it exactly once (invariant 4), is the closing service's job.
 *
 * The hammer price is the last accepted bid, not the leader's hidden proxy maximum: a leader
 * whose maximum reaches the reserve while the price does not is unsold here.
 */
export type CloseOutcome = { result: 'sold'; winnerId: string; hammerPriceFen: bigint } | { result: 'unsold'; reason: 'no_bids' | 'reserve_not_met' };

export function closeOutcome(rules: Pick<LotRules, 'reservePriceFen'>, state: Pick<LotState, 'currentFen' | 'leaderId'>): CloseOutcome {
  const hammer = state.currentFen;
  if (hammer === null || state.leaderId === null) return { result: 'unsold', reason: 'no_bids' };
  if (rules.reservePriceFen !== null && hammer < rules.reservePriceFen) return { result: 'unsold', reason: 'reserve_not_met' };
  return { result: 'sold', winnerId: state.leaderId, hammerPriceFen: hammer };
}
