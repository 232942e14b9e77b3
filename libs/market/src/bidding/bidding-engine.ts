import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Clock, CLOCK, NotFoundError } from '@zjp/core';
import { TransactionRunner } from '@zjp/database';
import { mapError, Metrics } from '@zjp/platform';
import { bidderPseudonym, bidHash, judgeBid, type BidSource, type LotState, type RejectCode } from '../domain';
import { rulesOf, stateOf } from '../lots/lot-row';
import { lockLot } from '../lots/lots.repository';
import { loadBatchFacts, writeBatch, type BatchRegistration, type BidRowValues, type StoredBidAnswer } from './bids.repository';
import { LotEventsPublisher } from './lot-events.publisher';

export type { BidSource } from '../domain';

export interface BidRequest {
  lotId: string;
  /** online bids: the bidder's organisation; floor bids: the paddle number instead */
  organizationId?: string;
  paddleNumber?: number;
  userId: string | null;
  amountFen: bigint;
  maxFen?: bigint;
  idempotencyKey?: string;
  source: BidSource;
}

export interface BidResult {
  status: 'accepted' | 'rejected';
  code?: RejectCode;
  /** the sequence number of this bid when it was accepted as a bid (not for a proxy-maximum update) */
  seq?: number;
  currentFen: string | null;
  minimumFen?: string;
  leading: boolean;
  endsAt: string;
  /** true when this answer is the stored outcome of an earlier bid with the same idempotency key */
  replay: boolean;
}

interface Pending {
  request: BidRequest;
  resolve: (r: BidResult) => void;
  reject: (e: unknown) => void;
}

type Registration = BatchRegistration;

const BEFORE_THE_AMOUNT: ReadonlySet<RejectCode> = new Set(['LOT_ENDED', 'LOT_NOT_OPEN', 'NOT_REGISTERED', 'FLOOR_BIDDER_NOT_OFFLINE', 'DEPOSIT_NOT_HELD']);

/** Most bids one transaction takes; a lot under heavy load commits a batch at a time. */
const MAX_BATCH = 1000;

/**
 * The bidding engine. Invariants 1-3: a bid is judged by the server against the lot's stored
 * state (locked with FOR UPDATE, so API processes are serialised by PostgreSQL), and answered only
 * after its transaction committed. Bids for one lot that arrive while a transaction is in flight
 * are queued and judged together in the next one (one commit for many bids): never more than one
 * transaction per lot per process at a time, and never a read of the lot's bid history.
 */
@Injectable()
export class BiddingEngine {
  private readonly logger = new Logger(BiddingEngine.name);
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly events: LotEventsPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  submit(request: BidRequest): Promise<BidResult> {
    const answer = this.enqueue(request);
    const metrics = this.metrics;
    if (!metrics) return answer;
    metrics.bidsReceived.inc({ source: request.source });
    const stop = metrics.bidAckSeconds.startTimer({ source: request.source });
    answer.then(
      (r) => {
        stop();
        metrics.bidsAnswered.inc({ source: request.source, outcome: r.status, code: r.code ?? '' });
      },
      (err: unknown) => {
        stop();
        metrics.bidsAnswered.inc({ source: request.source, outcome: 'failed', code: mapError(err).body.code });
      },
    );
    return answer;
  }

  private enqueue(request: BidRequest): Promise<BidResult> {
    return new Promise<BidResult>((resolve, reject) => {
      const queue = this.queues.get(request.lotId);
      if (queue) {
        queue.push({ request, resolve, reject });
        return;
      }
      this.queues.set(request.lotId, [{ request, resolve, reject }]);
      void this.drain(request.lotId);
    });
  }

  private async drain(lotId: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(lotId)!;
      if (queue.length === 0) {
        this.queues.delete(lotId);
        return;
      }
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const judged = await this.tx.run((m) =>
          this.judge(
            m,
            lotId,
            batch.map((p) => p.request),
          ),
        );
        if (!judged) {
          // A lot that does not exist is not a bid's outcome but a wrong address: 404 over HTTP, an error ack on the socket.
          batch.forEach((p) => p.reject(new NotFoundError('LOT_NOT_FOUND', 'No such lot')));
          continue;
        }
        batch.forEach((p, i) => p.resolve(judged.results[i]));
        judged.publish();
      } catch (err) {
        this.logger.error(`bid batch for lot ${lotId} failed: ${err instanceof Error ? err.message : String(err)}`);
        batch.forEach((p) => p.reject(err));
      }
    }
  }

  /**
   * Loads the facts (the lot, locked; the batch's registrations; stored answers to its keys),
   * asks the rule (`judgeBid`) about each bid in order, and persists the outcome. Null when the
   * lot does not exist.
   */
  private async judge(
    m: import('typeorm').EntityManager,
    lotId: string,
    requests: BidRequest[],
  ): Promise<{ results: BidResult[]; publish: () => void } | null> {
    const now = this.clock.now();
    const lot = await lockLot(m, lotId);
    if (!lot) return null;

    // One statement, after the lock (so with a snapshot that sees every batch committed before it): the
    // registrations the batch needs, and the stored answers to its idempotency keys (a key seen before
    // gets its first answer again).
    const orgIds = [...new Set(requests.map((r) => r.organizationId).filter((x): x is string => !!x))];
    const paddles = [...new Set(requests.map((r) => r.paddleNumber).filter((x): x is number => x !== undefined))];
    const keyed = requests.filter((r) => r.idempotencyKey && r.organizationId);
    const found = await loadBatchFacts(m, lotId, {
      organizationIds: orgIds,
      paddleNumbers: paddles,
      leaderRegistrationId: lot.leader_registration_id,
      keyed: keyed.map((r) => ({ organizationId: r.organizationId!, idempotencyKey: r.idempotencyKey! })),
    });
    const registrations: Registration[] = found.registrations;
    const stored = new Map<string, StoredBidAnswer>(found.stored.map((row) => [`${row.organization_id}|${row.idempotency_key}`, row]));
    const byOrg = new Map(registrations.map((r) => [r.organization_id, r]));
    const byPaddle = new Map(registrations.map((r) => [r.paddle_number, r]));
    const byId = new Map(registrations.map((r) => [r.id, r]));

    const seen = new Map<string, BidResult>();

    const rules = rulesOf(lot);
    let state: LotState = stateOf(lot, now);
    let chainHead = lot.chain_head;
    let extended = false;
    // who led at some point (before the batch, or after one of its bids): those not leading at its end were outbid
    const leaders = new Set<string>();
    if (lot.leader_registration_id) leaders.add(lot.leader_registration_id);
    const rows: BidRowValues[] = [];
    const accepted: { seq: number; paddle: number; amountFen: bigint; proxy: boolean; floor: boolean; at: Date }[] = [];
    const results: BidResult[] = [];
    const snapshot = (leading: boolean, extra: Partial<BidResult>): BidResult => ({
      status: 'rejected',
      currentFen: state.currentFen?.toString() ?? null,
      leading,
      endsAt: state.endsAt.toISOString(),
      replay: false,
      ...extra,
    });

    for (const r of requests) {
      const key = r.idempotencyKey && r.organizationId ? `${r.organizationId}|${r.idempotencyKey}` : null;
      if (key) {
        const earlier = seen.get(key);
        if (earlier) {
          results.push({ ...earlier, replay: true });
          continue;
        }
        const old = stored.get(key);
        if (old) {
          const reg = byOrg.get(old.organization_id);
          results.push(
            snapshot(!!reg && state.leaderId === reg.id, {
              status: old.status as 'accepted' | 'rejected',
              code: (old.reject_code ?? undefined) as RejectCode | undefined,
              seq: old.seq ?? undefined,
              replay: true,
            }),
          );
          continue;
        }
      }
      const reg = r.source === 'floor' ? byPaddle.get(r.paddleNumber ?? -1) : byOrg.get(r.organizationId ?? '');
      const bidder = reg ? { registrationId: reg.id, depositHeld: reg.deposit_status === 'held', offline: reg.offline } : null;
      const judgement = judgeBid(rules, state, { bidder, source: r.source, amountFen: r.amountFen, maxFen: r.maxFen, at: now }, now);
      // the bids that enter the sequence: this bid's, and the leader's proxy counter-bid (also when it tied this one out)
      const entering = judgement.accepted ? judgement : judgement.counter;
      if (entering) {
        for (const b of entering.bids) {
          const bidderRow = byId.get(b.bidderId)!;
          const proxy = b.proxy;
          const hash = bidHash(chainHead, { lotId, seq: b.seq, bidderId: bidderPseudonym(bidderRow.paddle_number), amountFen: b.amountFen, at: b.at, proxy });
          rows.push([
            bidderRow.id,
            bidderRow.organization_id,
            proxy ? null : r.userId,
            proxy ? 'proxy' : r.source,
            proxy ? null : (r.idempotencyKey ?? null),
            b.amountFen.toString(),
            proxy ? null : (r.maxFen?.toString() ?? null),
            'accepted',
            null,
            b.seq,
            chainHead,
            hash,
            now,
          ]);
          chainHead = hash;
          leaders.add(b.bidderId); // each accepted bid led when it entered (a proxy's counter-bid outbids the bid it answers)
          accepted.push({ seq: b.seq, paddle: bidderRow.paddle_number, amountFen: b.amountFen, proxy, floor: bidderRow.offline, at: b.at });
        }
        extended ||= entering.extended;
        state = entering.state;
      }
      let result: BidResult;
      if (judgement.accepted) {
        result = snapshot(state.leaderId === reg!.id, { status: 'accepted', seq: judgement.ownSeq });
        if (judgement.bids.length === 0) {
          // a leader raising its proxy maximum: stored as an instruction, with no sequence number
          rows.push([
            reg!.id,
            reg!.organization_id,
            r.userId,
            r.source,
            r.idempotencyKey ?? null,
            r.amountFen.toString(),
            r.maxFen?.toString() ?? null,
            'proxy_update',
            null,
            null,
            null,
            null,
            now,
          ]);
        }
        if (key) seen.set(key, result);
        results.push(result);
        continue;
      }
      // refused before the amount was looked at (the lot's time or status, the bidder): not reported as leading
      const leading = !!reg && !BEFORE_THE_AMOUNT.has(judgement.code) && state.leaderId === reg.id;
      result = snapshot(leading, { code: judgement.code, minimumFen: judgement.minimumFen?.toString() });
      rows.push([
        reg?.id ?? null,
        reg?.organization_id ?? r.organizationId ?? null,
        r.userId,
        r.source,
        r.idempotencyKey ?? null,
        r.amountFen.toString(),
        r.maxFen?.toString() ?? null,
        'rejected',
        result.code ?? null,
        null,
        null,
        null,
        now,
      ]);
      if (key) seen.set(key, result);
      results.push(result);
    }

    // One statement writes the batch: the bids, and the lot's new state when it changed. ends_at is
    // written only when a bid extended it (rewriting it from a millisecond Date would move a stored
    // end with microseconds a little earlier, below original_ends_at).
    const lotChanged = accepted.length > 0 || state.leaderProxyMaxFen?.toString() !== (lot.leader_proxy_max_fen ?? undefined);
    if (rows.length || lotChanged) {
      await writeBatch(m, lotId, rows, {
        currentFen: state.currentFen?.toString() ?? null,
        leaderRegistrationId: state.leaderId,
        leaderProxyMaxFen: state.leaderProxyMaxFen?.toString() ?? null,
        leaderProxySetAt: state.leaderProxySetAt,
        seq: state.seq,
        bidCount: state.bidCount,
        chainHead,
        extendedEndsAt: extended ? state.endsAt : null,
        changed: lotChanged,
      });
    }

    const leader = state.leaderId ? byId.get(state.leaderId) : undefined;
    const finalState = state;
    leaders.delete(state.leaderId ?? '');
    return {
      results,
      publish: () => {
        if (accepted.length) this.events.bidsAccepted(lotId, accepted, finalState, leader ? bidderPseudonym(leader.paddle_number) : null);
        if (accepted.length && leaders.size) {
          const outbid: string[] = [];
          for (const id of leaders) {
            const reg = byId.get(id);
            if (reg && !reg.offline) outbid.push(reg.organization_id);
          }
          this.events.outbid(lotId, outbid);
        }
        if (extended) this.events.extended(lotId, finalState.endsAt);
      },
    };
  }
}
