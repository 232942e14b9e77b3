import { DomainError, type ErrorKind } from '@zjp/core';
import { incrementAt, minimumNextBid, validateIncrementRule, type IncrementRule } from './increment';

/*
 * Bid acceptance: the rule the bidding engine applies to every incoming bid of one lot. A pure
 * function of (rules, state, bid, now): no clock, no I/O, O(1) per bid (it reads the lot's
 * current state, never the bid history), a handful of small allocations per accepted bid and
 * none per rejection. The service loads the state, calls this, persists the returned bids and
 * state (ARCHITECTURE invariant 1: before acknowledging) and broadcasts them.
 *
 * Time (invariant 3): `now` is the server's instant that judges the bid against the STORED end
 * time (extensions included); it also stamps the accepted bids. `bid.at` is not trusted for
 * any decision: the caller keeps it for the log of all bids. A service that batches bids and
 * wants "arrived before the end" semantics passes the instant the server received the bid as
 * `now`, in the order it received them.
 *
 * Proxy bidding (eBay-style, by the minimum increment). Notation: cur = current price;
 * L = the leader; Lmax = L's stored proxy maximum, or cur when L set none; C = the challenger,
 * bidding amount A with optional maximum M; E = M ?? A (C's effective maximum);
 * inc(x) = incrementAt(rules.increment, x).
 *  1. A must reach minimumNextBid(cur) (the starting price for the first bid). Lmax is hidden
 *     and never raises that minimum.
 *  2. Lmax >= E: L keeps the lead. C's bid A is accepted (seq + 1), then L's proxy counter-bids
 *     min(Lmax, E + inc(E)) (seq + 2, proxy: true), so a proxy never bids above its maximum.
 *     When Lmax == E the earlier maximum wins, and L's is always the earlier: it was stored
 *     before C's bid reached the engine (the order of processing is the server's order). If
 *     also E == A, C's bid and L's counter-bid would be the same amount; accepted amounts must
 *     rise strictly (invariant 2), so only L's counter-bid at A is recorded and C, tied by an
 *     earlier maximum, is outbid at once (accepted: true, C not the leader in the new state).
 *  3. Lmax < E (or no leader yet): C leads at P = max(A, min(E, Lmax + inc(Lmax))), one bid,
 *     proxy: false like every incoming bid, even when P > A (the engine raised C's amount,
 *     within C's own maximum, to beat L's hidden one; P == A when L had no proxy, since
 *     A >= cur + inc(cur)). M, if given, becomes the stored maximum, set at `now`.
 *  4. The leader bidding again is ALREADY_LEADING, except with a maximum M above Lmax: the
 *     stored maximum becomes M (set at `now`), no bid is made, price and seq stay, no extension.
 * Every accepted bid takes the next seq (+1 each) and a strictly higher amount than the one
 * before it.
 *
 * Anti-sniping (延时周期): an accepted bid at t >= endsAt - extension moves endsAt to
 * t + extension, never beyond originalEndsAt + cap when a cap is set, and never earlier.
 */

export interface LotRules {
  startingPriceFen: bigint;
  /** Hidden 保留价; null = no reserve. */
  reservePriceFen: bigint | null;
  increment: IncrementRule;
  /** 0 = no anti-sniping extension. */
  extensionMinutes: number;
  /** Cap on the total extension beyond originalEndsAt; null = no cap. */
  extensionCapMinutes: number | null;
  proxyAllowed: boolean;
}

export type LotStatus = 'scheduled' | 'open' | 'closing' | 'closed';

export interface LotState {
  status: LotStatus;
  startsAt: Date;
  /** The end as stored, extensions included: the only end that decides. */
  endsAt: Date;
  originalEndsAt: Date;
  currentFen: bigint | null;
  leaderId: string | null;
  /** The leader's hidden proxy maximum; null when the leader set none. */
  leaderProxyMaxFen: bigint | null;
  leaderProxySetAt: Date | null;
  /** The seq of the last accepted bid (0 before the first). */
  seq: number;
  bidCount: number;
}

export interface BidInput {
  bidderId: string;
  amountFen: bigint;
  /** Proxy maximum (optional). */
  maxFen?: bigint;
  /** When the server received the bid; recorded by the caller, never used to judge (see above). */
  at: Date;
}

export interface AcceptedBid {
  seq: number;
  bidderId: string;
  amountFen: bigint;
  /**
   * A counter-bid the engine placed for the leader from its proxy maximum. The incoming bid is
   * never proxy, even when the engine raised its amount within the bidder's maximum.
   */
  proxy: boolean;
  at: Date;
}

/** Every reason a bid is refused: the one list, for the rule, the engine, the bid log and the API. */
export type RejectCode =
  | 'LOT_NOT_OPEN'
  | 'LOT_ENDED'
  | 'BID_TOO_LOW'
  | 'ALREADY_LEADING'
  | 'PROXY_NOT_ALLOWED'
  | 'MAX_BELOW_AMOUNT'
  | 'INVALID_AMOUNT'
  /** the bidder has no registration for this lot (online: its organisation; floor: the paddle number) */
  | 'NOT_REGISTERED'
  /** registered, but its deposit is not held (yet, or any more) */
  | 'DEPOSIT_NOT_HELD'
  /** a floor bid (auctioneer) for a paddle registered to bid online */
  | 'FLOOR_BIDDER_NOT_OFFLINE'
  /** the bid equalled the leader's earlier proxy maximum, which wins the tie: the leader bid that amount */
  | 'TIED_EARLIER_MAXIMUM';

export type BidSource = 'online' | 'floor';

/** What the engine loaded about the bidder with the lot: its registration for this lot, or null. */
export interface BidderFacts {
  registrationId: string;
  depositHeld: boolean;
  /** registered to bid in the room (paddle), not online */
  offline: boolean;
}

export type BidOutcome =
  { accepted: true; bids: AcceptedBid[]; state: LotState; extended: boolean } | { accepted: false; code: RejectCode; minimumFen?: bigint };

type Rejection = Extract<BidOutcome, { accepted: false }>;
type Acceptance = Extract<BidOutcome, { accepted: true }>;

/**
 * The whole judgement of one incoming bid, every rejection included: the lot's time and status
 * first (invariant 3: after the stored end every bid is LOT_ENDED, whoever sends it), then the
 * bidder (NOT_REGISTERED, FLOOR_BIDDER_NOT_OFFLINE, DEPOSIT_NOT_HELD), then `acceptBid`. An
 * accepted bid says which sequence number is the bidder's own (`ownSeq`; none for a leader
 * raising its proxy maximum). A bid tied by the leader's earlier maximum is refused
 * (TIED_EARLIER_MAXIMUM) while the leader's counter-bid (`counter`) still enters the sequence.
 */
export type BidJudgement =
  | (Acceptance & { ownSeq: number | undefined })
  | (Rejection & { counter?: undefined })
  | { accepted: false; code: 'TIED_EARLIER_MAXIMUM'; minimumFen?: undefined; counter: Acceptance };

export interface IncomingBid {
  bidder: BidderFacts | null;
  source: BidSource;
  amountFen: bigint;
  maxFen?: bigint;
  at: Date;
}

const NOT_REGISTERED = rejection('NOT_REGISTERED');
const FLOOR_BIDDER_NOT_OFFLINE = rejection('FLOOR_BIDDER_NOT_OFFLINE');
const DEPOSIT_NOT_HELD = rejection('DEPOSIT_NOT_HELD');

// Rejections without a minimum are shared frozen objects: a flood of late or invalid bids
// allocates nothing.
function rejection(code: RejectCode): Rejection {
  return Object.freeze({ accepted: false, code }) as Rejection;
}
const INVALID_AMOUNT = rejection('INVALID_AMOUNT');
const PROXY_NOT_ALLOWED = rejection('PROXY_NOT_ALLOWED');
const MAX_BELOW_AMOUNT = rejection('MAX_BELOW_AMOUNT');
const LOT_ENDED = rejection('LOT_ENDED');
const LOT_NOT_OPEN = rejection('LOT_NOT_OPEN');
const ALREADY_LEADING = rejection('ALREADY_LEADING');

const MS_PER_MINUTE = 60_000;

export function judgeBid(rules: LotRules, state: LotState, bid: IncomingBid, now: Date): BidJudgement {
  if (now.getTime() >= state.endsAt.getTime() || state.status === 'closed') return LOT_ENDED;
  if (state.status !== 'open') return LOT_NOT_OPEN;
  const bidder = bid.bidder;
  if (!bidder) return NOT_REGISTERED;
  if (bid.source === 'floor' && !bidder.offline) return FLOOR_BIDDER_NOT_OFFLINE;
  if (!bidder.depositHeld) return DEPOSIT_NOT_HELD;
  const outcome = acceptBid(rules, state, { bidderId: bidder.registrationId, amountFen: bid.amountFen, maxFen: bid.maxFen, at: bid.at }, now);
  if (!outcome.accepted) return outcome;
  const own = outcome.bids.find((b) => !b.proxy && b.bidderId === bidder.registrationId);
  // Only the leader's counter-bid entered the sequence: this bid is refused, the counter-bid stands.
  if (outcome.bids.length > 0 && !own) return { accepted: false, code: 'TIED_EARLIER_MAXIMUM', counter: outcome };
  return { ...outcome, ownSeq: own?.seq };
}

/**
 * Judges one bid. Checks, in order: the bid itself (INVALID_AMOUNT, PROXY_NOT_ALLOWED,
 * MAX_BELOW_AMOUNT), the lot's time and status (LOT_ENDED when now >= endsAt whatever the
 * status, then LOT_NOT_OPEN when the status is not open or now < startsAt), the leader
 * (ALREADY_LEADING, or a maximum update), and last the amount (BID_TOO_LOW with minimumFen).
 */
export function acceptBid(rules: LotRules, state: LotState, bid: BidInput, now: Date): BidOutcome {
  const amount = bid.amountFen;
  const max = bid.maxFen;
  if (amount <= 0n) return INVALID_AMOUNT;
  if (max !== undefined) {
    if (!rules.proxyAllowed) return PROXY_NOT_ALLOWED;
    if (max < amount) return MAX_BELOW_AMOUNT;
  }

  const t = now.getTime();
  if (t >= state.endsAt.getTime()) return LOT_ENDED;
  if (state.status !== 'open' || t < state.startsAt.getTime()) return LOT_NOT_OPEN;

  const current = state.currentFen;
  const leaderId = state.leaderId;
  // Lmax: a leader without a proxy is willing to pay exactly the current price.
  const leaderMax = leaderId === null ? null : (state.leaderProxyMaxFen ?? current ?? 0n);

  if (leaderId !== null && leaderId === bid.bidderId) {
    if (max === undefined || max <= leaderMax!) return ALREADY_LEADING;
    return {
      accepted: true,
      bids: [],
      state: { ...state, leaderProxyMaxFen: max, leaderProxySetAt: now },
      extended: false,
    };
  }

  const minimum = minimumNextBid(rules, current);
  if (amount < minimum) return { accepted: false, code: 'BID_TOO_LOW', minimumFen: minimum };

  const effectiveMax = max ?? amount;
  let bids: AcceptedBid[];
  let next: LotState;
  if (leaderMax !== null && leaderMax >= effectiveMax) {
    // Case 2: the leader's earlier maximum holds.
    const counter = bounded(effectiveMax + incrementAt(rules.increment, effectiveMax), leaderMax);
    bids =
      counter > amount
        ? [
            { seq: state.seq + 1, bidderId: bid.bidderId, amountFen: amount, proxy: false, at: now },
            { seq: state.seq + 2, bidderId: leaderId!, amountFen: counter, proxy: true, at: now },
          ]
        : [{ seq: state.seq + 1, bidderId: leaderId!, amountFen: counter, proxy: true, at: now }];
    next = { ...state, currentFen: counter };
  } else {
    // Case 3: the challenger takes the lead.
    let price = amount;
    if (leaderMax !== null) {
      const beat = bounded(leaderMax + incrementAt(rules.increment, leaderMax), effectiveMax);
      if (beat > price) price = beat;
    }
    bids = [{ seq: state.seq + 1, bidderId: bid.bidderId, amountFen: price, proxy: false, at: now }];
    next = {
      ...state,
      currentFen: price,
      leaderId: bid.bidderId,
      leaderProxyMaxFen: max ?? null,
      leaderProxySetAt: max === undefined ? null : now,
    };
  }

  next.seq = state.seq + bids.length;
  next.bidCount = state.bidCount + bids.length;
  const endsAt = extendedEnd(rules, state, t);
  const extended = endsAt > state.endsAt.getTime();
  if (extended) next.endsAt = new Date(endsAt);
  return { accepted: true, bids, state: next, extended };
}

function bounded(value: bigint, ceiling: bigint): bigint {
  return value < ceiling ? value : ceiling;
}

/** The end after an accepted bid at t (ms): moved to t + extension inside the window, capped. */
function extendedEnd(rules: LotRules, state: LotState, t: number): number {
  const end = state.endsAt.getTime();
  const extension = rules.extensionMinutes * MS_PER_MINUTE;
  if (extension <= 0 || t < end - extension) return end;
  let moved = t + extension;
  if (rules.extensionCapMinutes !== null) {
    const limit = state.originalEndsAt.getTime() + rules.extensionCapMinutes * MS_PER_MINUTE;
    if (moved > limit) moved = limit;
  }
  return moved > end ? moved : end;
}

/** Problems with a lot's rules, in words for an administrator; empty when usable. */
export function validateLotRules(rules: LotRules): string[] {
  const problems: string[] = [];
  if (typeof rules.startingPriceFen !== 'bigint' || rules.startingPriceFen <= 0n) {
    problems.push('startingPriceFen must be a positive bigint');
  }
  if (rules.reservePriceFen !== null && (typeof rules.reservePriceFen !== 'bigint' || rules.reservePriceFen <= 0n)) {
    problems.push('reservePriceFen must be a positive bigint or null');
  }
  if (!Number.isSafeInteger(rules.extensionMinutes) || rules.extensionMinutes < 0) {
    problems.push('extensionMinutes must be a whole number of minutes, 0 or more');
  }
  if (rules.extensionCapMinutes !== null && (!Number.isSafeInteger(rules.extensionCapMinutes) || rules.extensionCapMinutes < 0)) {
    problems.push('extensionCapMinutes must be a whole number of minutes, 0 or more, or null');
  }
  if (typeof rules.proxyAllowed !== 'boolean') problems.push('proxyAllowed must be a boolean');
  for (const problem of validateIncrementRule(rules.increment)) problems.push(`increment: ${problem}`);
  return problems;
}

const KIND_BY_CODE: Readonly<Record<RejectCode, ErrorKind>> = Object.freeze({
  INVALID_AMOUNT: 'validation',
  MAX_BELOW_AMOUNT: 'validation',
  PROXY_NOT_ALLOWED: 'unprocessable',
  LOT_NOT_OPEN: 'conflict',
  LOT_ENDED: 'conflict',
  ALREADY_LEADING: 'conflict',
  BID_TOO_LOW: 'conflict',
  NOT_REGISTERED: 'forbidden',
  DEPOSIT_NOT_HELD: 'conflict',
  FLOOR_BIDDER_NOT_OFFLINE: 'conflict',
  TIED_EARLIER_MAXIMUM: 'conflict',
});

const MESSAGE_BY_CODE: Readonly<Record<RejectCode, string>> = Object.freeze({
  INVALID_AMOUNT: 'The bid amount must be a positive number of fen',
  MAX_BELOW_AMOUNT: 'The proxy maximum must not be below the bid amount',
  PROXY_NOT_ALLOWED: 'Proxy bidding is not allowed on this lot',
  LOT_NOT_OPEN: 'The lot is not open for bidding',
  LOT_ENDED: 'The lot has ended',
  ALREADY_LEADING: 'You are already the leading bidder',
  BID_TOO_LOW: 'The bid is below the minimum next bid',
  NOT_REGISTERED: 'You are not registered for this lot',
  DEPOSIT_NOT_HELD: 'Your deposit for this lot is not held',
  FLOOR_BIDDER_NOT_OFFLINE: 'This paddle is registered to bid online, not in the room',
  TIED_EARLIER_MAXIMUM: "The leader's earlier maximum equals your bid and wins the tie",
});

/**
 * A rejection as a DomainError, for the edge that must throw (REST) or send a coded ack
 * (socket.io): the code is the RejectCode, details carry minimumFen as a string of fen.
 * The engine itself returns outcomes and never throws for a rejected bid.
 */
export class BidRejectedError extends DomainError {
  constructor(rejected: Rejection) {
    super(rejected.code, MESSAGE_BY_CODE[rejected.code], {
      kind: KIND_BY_CODE[rejected.code],
      details: rejected.minimumFen === undefined ? undefined : { minimumFen: rejected.minimumFen.toString() },
    });
  }
}
