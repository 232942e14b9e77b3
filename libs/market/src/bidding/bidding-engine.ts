import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Clock, CLOCK, NotFoundError } from '@zjp/core';
import { TransactionRunner } from '@zjp/database';
import { mapError, Metrics } from '@zjp/platform';
import { bidderPseudonym, bidHash, judgeBid, type BidSource, type LotState, type RejectCode } from '../domain';
import { rulesOf, stateOf } from '../lots/lot-row';
import { lockLot, lockLots } from '../lots/lots.repository';
import type { LotRow } from '../lots/lot-row';
import {
  loadBatchFacts,
  loadGroupFacts,
  writeBatch,
  writeGroup,
  type BatchFactsQuery,
  type BatchRegistration,
  type BidRowValues,
  type LotStateUpdate,
  type StoredBidAnswer,
} from './bids.repository';
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

/** Sends an online bid to the API process that judges its lot (BidRouter); null: it is judged here. */
export interface BidForwarder {
  forward(request: BidRequest): Promise<BidResult> | null;
}

interface Pending {
  request: BidRequest;
  resolve: (r: BidResult) => void;
  reject: (e: unknown) => void;
  /** when it reached the engine (performance.now(), for zjp_bid_ack_seconds) */
  at: number;
}

/** One lot's share of a transaction: the bids taken from its queue, in arrival order. */
interface LotBatch {
  lotId: string;
  batch: Pending[];
}

interface Judged {
  results: BidResult[];
  publish: () => void;
}

/** A batch judged and not yet written: its rows, and the lot's new state (null: nothing to write). */
interface Decision extends Judged {
  rows: BidRowValues[];
  update: LotStateUpdate | null;
}

type BatchFacts = { registrations: BatchRegistration[]; stored: StoredBidAnswer[] };

type Registration = BatchRegistration;

const BEFORE_THE_AMOUNT: ReadonlySet<RejectCode> = new Set(['LOT_ENDED', 'LOT_NOT_OPEN', 'NOT_REGISTERED', 'FLOOR_BIDDER_NOT_OFFLINE', 'DEPOSIT_NOT_HELD']);

/** Most bids one transaction takes; a lot under heavy load commits a batch at a time. */
const MAX_BATCH = 1000;
/** Most lots one transaction judges; many lots with a bid or two waiting each share one commit. */
const MAX_GROUP = 64;
/**
 * Most bidding transactions this process has in flight. Lots that get bids while they are all busy
 * wait together, and the next free one judges up to MAX_GROUP of them at once.
 */
const MAX_TRANSACTIONS = 4;

/** The metrics' label set of each bid source, made once (prom-client reads it on every bid). */
const SOURCE_LABELS = new Map<BidSource, { source: BidSource }>();
function sourceLabels(source: BidSource): { source: BidSource } {
  let labels = SOURCE_LABELS.get(source);
  if (!labels) SOURCE_LABELS.set(source, (labels = { source }));
  return labels;
}

/**
 * Whether PostgreSQL itself answered with an error (a SQLSTATE: the transaction was rolled back), as
 * opposed to a connection that failed, after which a COMMIT's outcome is unknown.
 */
function answeredByTheServer(err: unknown): boolean {
  const e = ((err as { driverError?: unknown }).driverError ?? err) as { code?: unknown; severity?: unknown };
  return typeof e.code === 'string' && typeof e.severity === 'string'; // pg's DatabaseError: a message from the server
}

/**
 * The bidding engine. Invariants 1-3: a bid is judged by the server against the lot's stored
 * state (locked with FOR UPDATE, so API processes are serialised by PostgreSQL), and answered only
 * after its transaction committed. Bids for one lot that arrive while a transaction is in flight
 * are queued and judged together in the next one (one commit for many bids): never more than one
 * transaction per lot per process at a time, and never a read of the lot's bid history.
 *
 * Many lots: the lots with bids waiting (none in flight) are judged up to MAX_GROUP in one
 * transaction, their rows locked in id order by one statement. When such a transaction fails, each
 * of its lots is judged alone, so only a lot that fails on its own fails its bids.
 */
@Injectable()
export class BiddingEngine {
  private readonly logger = new Logger(BiddingEngine.name);
  /** each lot with bids waiting or being judged: the bids waiting, in arrival order */
  private readonly queues = new Map<string, Pending[]>();
  /** the lots with bids waiting and no transaction in flight, longest waiting first */
  private readonly ready = new Set<string>();
  /** lots whose last transaction of their own failed: judged alone until one succeeds */
  private readonly alone = new Set<string>();
  private running = 0;
  private pumpQueued = false;
  private forwarder?: BidForwarder;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly events: LotEventsPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /** API processes: online bids of a lot that another process judges go there (BidRouter, BID_ROUTING=owner). */
  forwardWith(forwarder: BidForwarder | undefined): void {
    this.forwarder = forwarder;
  }

  /** A bid, judged by the process that judges its lot: this one, or the one the BidRouter forwards it to. */
  submit(request: BidRequest): Promise<BidResult> {
    return this.forwarder?.forward(request) ?? this.judgeHere(request);
  }

  /** A bid judged in this process (with the bids of its lot that arrived in the same turn, in one transaction). */
  judgeHere(request: BidRequest): Promise<BidResult> {
    this.metrics?.bidsReceived.inc(sourceLabels(request.source));
    return new Promise<BidResult>((resolve, reject) => {
      const pending: Pending = { request, resolve, reject, at: this.metrics ? performance.now() : 0 };
      const queue = this.queues.get(request.lotId);
      if (queue) {
        // waiting already, or in flight (the lot is ready again when its transaction ends)
        queue.push(pending);
        return;
      }
      this.queues.set(request.lotId, [pending]);
      this.ready.add(request.lotId);
      if (!this.pumpQueued) {
        // after the I/O callbacks of this turn: the bids that came in together are judged together
        this.pumpQueued = true;
        setImmediate(() => {
          this.pumpQueued = false;
          this.pump();
        });
      }
    });
  }

  /** Answers a batch's bids in order, and counts and times the answers (zjp_bids_answered_total: once per outcome and batch). */
  private answer(batch: Pending[], results: BidResult[]): void {
    batch.forEach((p, i) => p.resolve(results[i]));
    if (!this.metrics) return;
    const now = performance.now();
    const outcomes = new Map<string, { source: BidSource; outcome: string; code: string; n: number }>();
    batch.forEach((p, i) => {
      const { source } = p.request;
      this.metrics!.bidAckSeconds.observe(sourceLabels(source), (now - p.at) / 1000);
      const { status, code = '' } = results[i];
      const key = `${source} ${status} ${code}`;
      const counted = outcomes.get(key);
      if (counted) counted.n++;
      else outcomes.set(key, { source, outcome: status, code, n: 1 });
    });
    for (const { n, ...labels } of outcomes.values()) this.metrics.bidsAnswered.inc(labels, n);
  }

  /** Fails bids (their transaction failed, or their lot does not exist), counted as `failed` with the error's code. */
  private fail(batch: Pending[], err: unknown): void {
    batch.forEach((p) => p.reject(err));
    if (!this.metrics) return;
    const now = performance.now();
    const code = mapError(err).body.code;
    for (const p of batch) {
      this.metrics.bidAckSeconds.observe(sourceLabels(p.request.source), (now - p.at) / 1000);
      this.metrics.bidsAnswered.inc({ source: p.request.source, outcome: 'failed', code });
    }
  }

  /** Starts transactions while there are lots waiting and fewer than MAX_TRANSACTIONS in flight. */
  private pump(): void {
    while (this.running < MAX_TRANSACTIONS && this.ready.size) {
      const group: LotBatch[] = [];
      let bids = 0;
      // a lot named in two spellings (socket bids may write its id in capitals) goes once per group
      const taken = new Set<string>();
      for (const lotId of this.ready) {
        const queue = this.queues.get(lotId)!;
        // the longest waiting lot always goes; others join while the group stays within MAX_BATCH bids
        if (group.length && (this.alone.has(lotId) || bids + queue.length > MAX_BATCH || taken.has(lotId.toLowerCase()))) continue;
        taken.add(lotId.toLowerCase());
        const batch = queue.splice(0, MAX_BATCH);
        this.ready.delete(lotId);
        group.push({ lotId, batch });
        bids += batch.length;
        if (group.length >= MAX_GROUP || this.alone.has(lotId)) break;
      }
      this.running++;
      void this.run(group);
    }
  }

  /** Judges a group (never rejects), then puts its lots with bids still waiting back in line. */
  private async run(group: LotBatch[]): Promise<void> {
    try {
      if (group.length === 1) await this.judgeAlone(group[0]);
      else await this.judgeTogether(group);
    } finally {
      this.running--;
      for (const { lotId } of group) {
        if (this.queues.get(lotId)!.length) this.ready.add(lotId);
        else this.queues.delete(lotId);
      }
      this.pump();
    }
  }

  /** One lot, one transaction (today's way, and the fallback of a failed group): its bids fail only with it. */
  private async judgeAlone({ lotId, batch }: LotBatch): Promise<void> {
    try {
      const judged = await this.tx.run(async (m) => {
        const now = this.clock.now(); // taken before the lock, as the bid's time (a wait for the lock does not make it late)
        const lot = await lockLot(m, lotId);
        if (!lot) return null;
        const requests = batch.map((p) => p.request);
        // one statement reads the facts, one writes the outcome
        const decision = this.decide(lot, lotId, requests, await loadBatchFacts(m, lot.id, this.factsQuery(lot, requests)), now);
        if (decision.update) await writeBatch(m, lot.id, decision.rows, decision.update, now);
        return decision;
      });
      this.alone.delete(lotId);
      this.metrics?.bidTransactionLots.observe(1);
      this.settle({ lotId, batch }, judged);
    } catch (err) {
      this.alone.add(lotId);
      this.logger.error(`bid batch for lot ${lotId} failed: ${err instanceof Error ? err.message : String(err)}`);
      this.fail(batch, err);
    }
  }

  /**
   * Several lots in one transaction: their rows locked by one statement in id order, their facts read by
   * one, each judged as alone, their outcomes written by one; one commit. When it fails (a deadlock,
   * one lot's bad data), each lot is judged alone.
   */
  private async judgeTogether(group: LotBatch[]): Promise<void> {
    let judged: (Judged | null)[];
    let committing = false; // the callback ran to its end: an error now is BEGIN's or COMMIT's
    try {
      judged = await this.tx.run(
        async (m) => {
          const now = this.clock.now();
          const lots = new Map(
            (
              await lockLots(
                m,
                group.map((g) => g.lotId),
              )
            ).map((lot) => [lot.id, lot]),
          );
          const found = group.map((g) => lots.get(g.lotId.toLowerCase()) ?? null);
          const asked = group.flatMap((g, i) => (found[i] ? [{ lot: found[i], requests: g.batch.map((p) => p.request) }] : []));
          if (!asked.length) return found.map(() => null);
          // one statement reads the facts of every lot, one writes every outcome
          const facts = await loadGroupFacts(
            m,
            asked.map(({ lot, requests }) => ({ lotId: lot.id, ...this.factsQuery(lot, requests) })),
          );
          const decisions = group.map((g, i) => {
            const lot = found[i];
            return lot
              ? this.decide(
                  lot,
                  g.lotId,
                  g.batch.map((p) => p.request),
                  facts.get(lot.id)!,
                  now,
                )
              : null;
          });
          const writes = group.flatMap((_, i) => {
            const d = decisions[i];
            return d?.update ? [{ lotId: found[i]!.id, rows: d.rows, lot: d.update }] : [];
          });
          if (writes.length) await writeGroup(m, writes, now);
          committing = true;
          return decisions;
        },
        { retries: 0 }, // a deadlock or serialization failure: the lots are retried one by one below
      );
    } catch (err) {
      if (committing && !answeredByTheServer(err)) {
        // The connection failed during COMMIT: whether the group committed is unknown, so its
        // bids are not judged again (a bid without an idempotency key would be stored twice); they fail
        // as a lone lot's do, and a client resends with its key (replayed if it was stored).
        this.logger.error(`bid batch for ${group.length} lots failed: ${err instanceof Error ? err.message : String(err)}`);
        for (const { batch } of group) this.fail(batch, err);
        return;
      }
      // Failed before COMMIT, or PostgreSQL refused the COMMIT (a deadlock, one lot's bad data): the group
      // was rolled back, so each lot is judged alone
      this.metrics?.bidGroupFallbacks.inc();
      this.logger.warn(`bid batch for ${group.length} lots failed (${err instanceof Error ? err.message : String(err)}); judging each lot alone`);
      for (const lot of group) await this.judgeAlone(lot);
      return;
    }
    this.metrics?.bidTransactionLots.observe(group.length);
    group.forEach((g, i) => this.settle(g, judged[i]));
  }

  /** Answers a committed batch and publishes its events (null: the lot does not exist). */
  private settle({ batch }: LotBatch, judged: Judged | null): void {
    if (!judged) {
      // A lot that does not exist is not a bid's outcome but a wrong address: 404 over HTTP, an error ack on the socket.
      this.fail(batch, new NotFoundError('LOT_NOT_FOUND', 'No such lot'));
      return;
    }
    this.answer(batch, judged.results);
    judged.publish();
  }

  /**
   * The facts a batch needs, read after its lot's lock (so with a snapshot that sees every batch committed
   * before it): its bidders' registrations, and the stored answers to its idempotency keys (a key seen
   * before gets its first answer again).
   */
  private factsQuery(lot: LotRow, requests: BidRequest[]): BatchFactsQuery {
    return {
      organizationIds: [...new Set(requests.map((r) => r.organizationId).filter((x): x is string => !!x))],
      paddleNumbers: [...new Set(requests.map((r) => r.paddleNumber).filter((x): x is number => x !== undefined))],
      leaderRegistrationId: lot.leader_registration_id,
      keyed: requests
        .filter((r) => r.idempotencyKey && r.organizationId)
        .map((r) => ({ organizationId: r.organizationId!, idempotencyKey: r.idempotencyKey! })),
    };
  }

  /**
   * For a lot locked in this transaction and the batch's facts: asks the rule (`judgeBid`) about each bid
   * in order. The answers, the rows and lot state to write (null: nothing to write), and the events.
   */
  private decide(lot: LotRow, lotId: string, requests: BidRequest[], found: BatchFacts, now: Date): Decision {
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
    // an answer with the lot's state as it stands after the bids judged so far (the end's text made once per end)
    let endsAtTime = NaN;
    let endsAt = '';
    const snapshot = (status: BidResult['status'], leading: boolean, replay: boolean, code?: RejectCode, seq?: number, minimumFen?: string): BidResult => {
      if (state.endsAt.getTime() !== endsAtTime) {
        endsAtTime = state.endsAt.getTime();
        endsAt = state.endsAt.toISOString();
      }
      const result: BidResult = { status, currentFen: state.currentFen?.toString() ?? null, leading, endsAt, replay };
      if (code !== undefined) result.code = code;
      if (seq !== undefined) result.seq = seq;
      if (minimumFen !== undefined) result.minimumFen = minimumFen;
      return result;
    };

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
            snapshot(
              old.status as 'accepted' | 'rejected',
              !!reg && state.leaderId === reg.id,
              true,
              (old.reject_code ?? undefined) as RejectCode | undefined,
              old.seq ?? undefined,
            ),
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
        result = snapshot('accepted', state.leaderId === reg!.id, false, undefined, judgement.ownSeq);
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
          ]);
        }
        if (key) seen.set(key, result);
        results.push(result);
        continue;
      }
      // refused before the amount was looked at (the lot's time or status, the bidder): not reported as leading
      const leading = !!reg && !BEFORE_THE_AMOUNT.has(judgement.code) && state.leaderId === reg.id;
      result = snapshot('rejected', leading, false, judgement.code, undefined, judgement.minimumFen?.toString());
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
      ]);
      if (key) seen.set(key, result);
      results.push(result);
    }

    // One statement writes the batch: the bids, and the lot's new state when it changed. ends_at is
    // written only when a bid extended it (rewriting it from a millisecond Date would move a stored
    // end with microseconds a little earlier, below original_ends_at).
    const lotChanged = accepted.length > 0 || state.leaderProxyMaxFen?.toString() !== (lot.leader_proxy_max_fen ?? undefined);
    const update: LotStateUpdate | null =
      rows.length || lotChanged
        ? {
            currentFen: state.currentFen?.toString() ?? null,
            leaderRegistrationId: state.leaderId,
            leaderProxyMaxFen: state.leaderProxyMaxFen?.toString() ?? null,
            leaderProxySetAt: state.leaderProxySetAt,
            seq: state.seq,
            bidCount: state.bidCount,
            chainHead,
            extendedEndsAt: extended ? state.endsAt : null,
            changed: lotChanged,
          }
        : null;

    const leader = state.leaderId ? byId.get(state.leaderId) : undefined;
    const finalState = state;
    leaders.delete(state.leaderId ?? '');
    return {
      results,
      rows,
      update,
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
