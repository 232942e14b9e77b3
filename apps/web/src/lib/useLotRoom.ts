import { useCallback, useEffect, useRef, useState } from 'react';
import { api, call } from '../api/client';
import type { BidAck, LotBidsEvent, LotClosedEvent, LotView, PublicBid } from '../api/types';
import { connectionState, LiveFeed, liveSocket, onConnectionState, type ConnectionState, type LiveSource } from './live';

const GAP_PAGE = 500;
const HISTORY_SHOWN = 300;

export interface RoomState {
  lot: LotView | null;
  bids: PublicBid[]; // newest first
  watchers: number | null;
  connection: ConnectionState;
  extendedTo: string | null;
  calls: { call: string; at: number }[];
  closed: LotClosedEvent | null;
  error: unknown;
}

/** What a lot.bids event updates (the lot's state as of its sequence number). */
function liveFields(lot: LotView): Pick<LotView, 'currentFen' | 'leader' | 'bidCount' | 'endsAt' | 'seq' | 'status'> {
  return { currentFen: lot.currentFen, leader: lot.leader, bidCount: lot.bidCount, endsAt: lot.endsAt, seq: lot.seq, status: lot.status };
}

/**
 * One lot's live room: the lot and its bids over REST, then live over the socket. Every bid has
 * a sequence number; an event whose first bid is not the next one (or that says it omitted some),
 * and every (re)connection, triggers a gap fill from `GET /lots/:id/bids?afterSeq=`, so the history
 * is complete and in order whatever the network did.
 *
 * `via`: 'socket' (socket.io, the connection bidders send their bids on) or 'feed' (the read-only
 * spectator feed, GET /live, for visitors who do not bid on this lot: lighter for the server). Both
 * carry the same events with the same sequence numbers; the gap fill is the same.
 */
export function useLotRoom(lotId: string, via: 'socket' | 'feed' = 'socket') {
  const [state, setState] = useState<RoomState>({
    lot: null,
    bids: [],
    watchers: null,
    connection: connectionState(),
    extendedTo: null,
    calls: [],
    closed: null,
    error: null,
  });
  const bidsBySeq = useRef(new Map<number, PublicBid>());
  const lastSeq = useRef(0);
  const filling = useRef<Promise<void> | null>(null);

  const publish = useCallback(() => {
    const bids = [...bidsBySeq.current.values()].sort((a, b) => b.seq - a.seq).slice(0, HISTORY_SHOWN);
    setState((s) => ({ ...s, bids }));
  }, []);

  const merge = useCallback((bids: PublicBid[]) => {
    for (const bid of bids) bidsBySeq.current.set(bid.seq, bid);
    // lastSeq only advances over a contiguous run: a hole stays visible to the next gap check
    while (bidsBySeq.current.has(lastSeq.current + 1)) lastSeq.current++;
  }, []);

  const gapFill = useCallback(async () => {
    filling.current ??= (async () => {
      try {
        for (;;) {
          const page = await call(api.GET('/lots/{id}/bids', { params: { path: { id: lotId }, query: { afterSeq: lastSeq.current, limit: GAP_PAGE } } }));
          merge(page.bids);
          if (page.bids.length < GAP_PAGE) break;
        }
        publish();
      } finally {
        filling.current = null;
      }
    })();
    return filling.current;
  }, [lotId, merge, publish]);

  const reloadLot = useCallback(async () => {
    try {
      const lot = await call(api.GET('/lots/{id}', { params: { path: { id: lotId } } }));
      // a snapshot read before a bid that a lot.bids event already brought must not take the room back
      setState((s) => ({ ...s, lot: s.lot && s.lot.id === lot.id && s.lot.seq > lot.seq ? { ...lot, ...liveFields(s.lot) } : lot, error: null }));
      return lot;
    } catch (error) {
      setState((s) => ({ ...s, error }));
      return null;
    }
  }, [lotId]);

  useEffect(() => {
    let disposed = false;
    bidsBySeq.current = new Map();
    lastSeq.current = 0;
    const offConnection = onConnectionState((connection) => setState((s) => ({ ...s, connection })));
    // the state as it is now: a socket that connected between the first render and this subscription (another
    // component may have opened it, e.g. the header's notices) sends no further change, and the room would say
    // 正在连接… for good (seen in a CI run)
    const connectionNow = connectionState();
    setState((s) => (s.connection === connectionNow ? s : { ...s, connection: connectionNow }));
    const handlers: [string, (...args: unknown[]) => void][] = [];
    let feed: LiveFeed | null = null;

    void (async () => {
      const lot = await reloadLot();
      if (!lot || disposed) return;
      lastSeq.current = Math.max(0, lot.seq - HISTORY_SHOWN); // the recent history; older bids are on the record, not on screen
      await gapFill().catch(() => undefined);
      const socket = via === 'socket' ? await liveSocket() : null;
      if (disposed) return;
      if (via === 'feed') feed = new LiveFeed([lotId]);
      const source: LiveSource = socket ?? feed!;
      const join = async (ready?: { watchers?: Record<string, number> }) => {
        if (socket) {
          const ack = (await socket
            .timeout(5_000)
            .emitWithAck('lot.join', { lotId })
            .catch(() => null)) as { ok: boolean; data?: { watchers: number } } | null;
          if (ack?.ok && ack.data) setState((s) => ({ ...s, watchers: ack.data!.watchers }));
        } else if (ready?.watchers?.[lotId] !== undefined) {
          setState((s) => ({ ...s, watchers: ready.watchers![lotId] })); // the feed subscribes at the upgrade and says so in live.ready
        }
        await Promise.all([gapFill().catch(() => undefined), reloadLot()]); // whatever was missed while away, and the lot as it is now
      };
      const on = <T>(event: string, handler: (payload: T) => void) => {
        source.on(event, handler as (payload: unknown) => void);
        handlers.push([event, handler as (...args: unknown[]) => void]);
      };
      on<{ watchers?: Record<string, number> } | undefined>('connect', (ready) => void join(ready));
      on<LotBidsEvent>('lot.bids', (event) => {
        if (event.lotId !== lotId) return;
        const first = event.bids[0]?.seq;
        const gap = (first !== undefined && first > lastSeq.current + 1) || !!event.omitted;
        merge(event.bids);
        setState((s) =>
          s.lot && event.state.seq >= s.lot.seq // never back to an older state than the room shows
            ? {
                ...s,
                lot: {
                  ...s.lot,
                  currentFen: event.state.currentFen,
                  leader: event.state.leader,
                  bidCount: event.state.bidCount,
                  endsAt: event.state.endsAt,
                  seq: event.state.seq,
                  status: event.state.status as LotView['status'],
                },
              }
            : s,
        );
        if (gap) void gapFill().catch(() => undefined);
        else publish();
      });
      on<{ lotId: string; endsAt: string }>('lot.extended', (event) => {
        if (event.lotId !== lotId) return;
        setState((s) => ({ ...s, extendedTo: event.endsAt, lot: s.lot ? { ...s.lot, endsAt: event.endsAt } : s.lot }));
      });
      on<{ lotId: string; call: string }>('lot.call', (event) => {
        if (event.lotId === lotId) setState((s) => ({ ...s, calls: [...s.calls, { call: event.call, at: Date.now() }].slice(-10) }));
      });
      on<{ lotId: string }>('lot.opened', (event) => {
        if (event.lotId === lotId) void reloadLot(); // the auctioneer put the lot on the block now
      });
      on<LotClosedEvent>('lot.closed', (event) => {
        if (event.lotId !== lotId) return;
        setState((s) => ({ ...s, closed: event }));
        void gapFill().catch(() => undefined);
        void reloadLot();
      });
      on<{ lotId: string; watchers: number }>('lot.watchers', (event) => {
        if (event.lotId === lotId) setState((s) => ({ ...s, watchers: event.watchers }));
      });
      if (socket?.connected) await join();
    })();

    return () => {
      disposed = true;
      offConnection();
      if (via === 'feed') {
        feed?.close();
        return;
      }
      void liveSocket().then((socket) => {
        for (const [event, handler] of handlers) socket.off(event, handler);
        if (socket.connected) socket.emit('lot.leave', { lotId });
      });
    };
  }, [lotId, via, gapFill, merge, publish, reloadLot]);

  return { ...state, reloadLot };
}

export type BidOutcome = { ack: BidAck; resent: number };

/**
 * Sends a bid and waits for its acknowledgement (sent once the bid is durable). A lost
 * acknowledgement (timeout, dropped connection) is resent with the same idempotency key, so the
 * server answers the first attempt's outcome instead of bidding twice.
 */
export async function sendBid(lotId: string, amountFen: bigint, maxFen: bigint | null, onResend?: (attempt: number) => void): Promise<BidOutcome> {
  const idempotencyKey = crypto.randomUUID();
  const socket = await liveSocket();
  for (let attempt = 0; attempt < 6; attempt++) {
    if (attempt > 0) onResend?.(attempt);
    if (!socket.connected)
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 5_000);
        socket.once('connect', done);
      });
    try {
      const ack = (await socket.timeout(4_000).emitWithAck('lot.bid', {
        lotId,
        amountFen: amountFen.toString(),
        ...(maxFen !== null ? { maxFen: maxFen.toString() } : {}),
        idempotencyKey,
      })) as { ok: true; data: BidAck } | { ok: false; error: { code: string; message: string } };
      if (ack.ok) return { ack: ack.data, resent: attempt };
      return { ack: { status: 'rejected', code: ack.error.code, message: ack.error.message }, resent: attempt };
    } catch {
      // no acknowledgement in time: resend with the same key
    }
  }
  return { ack: { status: 'rejected', code: 'NETWORK' }, resent: 6 };
}
