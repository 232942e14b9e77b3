/*
 * A bidder as a careful real client behaves (README, "Retries"), for the fault runs: one bid at a
 * time over socket.io, each with its own idempotency key; an error acknowledgement or none within
 * the timeout means "send it again with the same key" (after Retry-After on 503 / 429, after a
 * reconnect when the socket dropped, to whichever API process answers, as behind a load
 * balancer). It watches the lot's room too: `lot.bids` events by sequence number, a gap (or a
 * reconnect) filled from GET /lots/:id/bids?afterSeq=, so that what it holds can be compared
 * with what PostgreSQL stored.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { sleep } from './faults-services';

interface BidAckData {
  status: 'accepted' | 'rejected';
  code?: string;
  seq?: number;
  replay?: boolean;
}
type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message?: string; details?: { retryAfterSeconds?: number } } };

interface FeedBid {
  seq: number;
  amountFen: string;
}
interface LotBidsEvent {
  lotId: string;
  bids: FeedBid[];
  state: { seq: number };
  omitted?: number;
}

/** One bid as the client sees it: the first real answer (accepted or rejected), however many sends it took. */
export interface BidRecord {
  key: string;
  amountFen: string;
  sends: number;
  createdAt: number;
  /** when it was last sent (performance.now()) */
  lastSentAt: number;
  ack?: { status: 'accepted' | 'rejected'; code?: string; seq?: number; replay: boolean; at: number };
}

export interface ClientOptions {
  index: number;
  lotId: string;
  token: string;
  /** the API processes alive now (a real client would have one address behind a load balancer) */
  urls: () => string[];
  /** the next amount to bid (shared by the run's bidders, so every new bid is higher than every earlier one) */
  nextAmount: () => string;
  keyPrefix: string;
  ackTimeoutMs: number;
  thinkMs: number;
}

/** performance.now() of this process: every time the runs compare is on this one clock. */
export const now = () => performance.now();

export class BidderClient {
  readonly bids: BidRecord[] = [];
  /** error acknowledgements by code, and sends that got no answer in time (or lost with the socket) */
  readonly errorCodes: Record<string, number> = {};
  noAnswer = 0;
  sends = 0;
  connects = 0;
  connectFailures = 0;
  joinFailures = 0;
  /** seq → amount, from events and gap fills */
  readonly received = new Map<number, string>();
  conflicting = 0;
  eventsReceived = 0;
  /** when each lot.bids event arrived (performance.now()), and the highest seq it carried */
  readonly eventTimes: number[] = [];
  readonly eventSeqs: number[] = [];
  gapsDetected = 0;
  gapFills = 0;
  gapFillFailures = 0;
  /** the last fill at the end found bids the client had not seen (a missed tail that no later event revealed) */
  filledAtEnd = 0;
  closedEvent?: { seq?: number; result?: string };

  private socket?: Socket;
  private url = '';
  private joined = false;
  private pending?: BidRecord;
  private ended = false;
  private stopAt = Infinity;
  private counter = 0;
  private fill?: Promise<void>;
  private fillAgain = false;
  private running?: Promise<void>;

  constructor(private readonly o: ClientOptions) {}

  /** The highest seq up to which the client holds every bid. */
  get lastSeq(): number {
    let s = 0;
    while (this.received.has(s + 1)) s++;
    return s;
  }

  get apiUrl(): string {
    return this.url;
  }

  /** Connects (and joins the lot's room) before the storm, on the API process it prefers. */
  async connect(): Promise<void> {
    if (!(await this.ensureConnected(now() + 60_000))) throw new Error(`bidder ${this.o.index} could not connect`);
  }

  /** Bids until the lot ends (LOT_ENDED) or `stopAt` (performance.now() ms) passes. */
  start(stopAt: number): void {
    this.stopAt = stopAt;
    this.running = this.loop();
  }

  async finished(): Promise<void> {
    await this.running;
  }

  get unanswered(): BidRecord | undefined {
    return this.pending;
  }

  close(): void {
    this.stopAt = 0;
    this.socket?.removeAllListeners();
    this.socket?.close();
    this.socket = undefined;
  }

  private async loop(): Promise<void> {
    while (now() < this.stopAt) {
      if (!this.pending) {
        if (this.ended) return;
        this.pending = {
          key: `${this.o.keyPrefix}-${this.o.index}-${++this.counter}`,
          amountFen: this.o.nextAmount(),
          sends: 0,
          createdAt: now(),
          lastSentAt: 0,
        };
        this.bids.push(this.pending);
      }
      const socket = await this.ensureConnected(this.stopAt);
      if (!socket) return;
      if (!this.joined) await this.join(socket);
      const bid = this.pending;
      bid.sends++;
      bid.lastSentAt = now();
      this.sends++;
      let ack: Ack<BidAckData>;
      try {
        ack = (await socket
          .timeout(this.o.ackTimeoutMs)
          .emitWithAck('lot.bid', { lotId: this.o.lotId, amountFen: bid.amountFen, idempotencyKey: bid.key })) as Ack<BidAckData>;
      } catch {
        // no answer in time, or the socket dropped with the bid in flight: send it again, same key
        this.noAnswer++;
        if (socket.connected) await sleep(100);
        continue;
      }
      if (!ack.ok) {
        const code = ack.error.code;
        this.errorCodes[code] = (this.errorCodes[code] ?? 0) + 1;
        const retryAfter = ack.error.details?.retryAfterSeconds;
        await sleep(typeof retryAfter === 'number' && retryAfter > 0 ? Math.min(retryAfter, 10) * 1000 : Math.min(2000, 100 * bid.sends));
        continue;
      }
      bid.ack = { status: ack.data.status, code: ack.data.code, seq: ack.data.seq, replay: !!ack.data.replay, at: now() };
      this.pending = undefined;
      if (ack.data.code === 'LOT_ENDED') this.ended = true;
      else if (this.o.thinkMs > 0) await sleep(this.o.thinkMs);
    }
  }

  /** The connected socket, connecting (round the live API processes, from the preferred one) when there is none. */
  private async ensureConnected(until: number): Promise<Socket | undefined> {
    for (let round = 0; now() < until; round++) {
      if (this.socket?.connected) return this.socket;
      this.socket?.removeAllListeners();
      this.socket?.close();
      this.socket = undefined;
      this.joined = false;
      const urls = this.o.urls();
      for (let k = 0; k < urls.length && now() < until; k++) {
        const url = urls[(this.o.index + k) % urls.length];
        const socket = await this.open(url);
        if (socket) {
          this.socket = socket;
          this.url = url;
          this.connects++;
          await this.join(socket);
          return socket;
        }
      }
      await sleep(Math.min(1000, 100 * (round + 1)));
    }
    return undefined;
  }

  private open(url: string): Promise<Socket | undefined> {
    const socket = io(url, { auth: { token: this.o.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
    return new Promise((resolve) => {
      socket.once('connect', () => {
        socket.off('connect_error');
        socket.on('lot.bids', (e: LotBidsEvent) => this.onBids(e));
        socket.on('lot.closed', (e: { lotId: string; seq?: number; result?: string }) => {
          if (e.lotId !== this.o.lotId) return;
          this.closedEvent = { seq: e.seq, result: e.result };
          if (e.seq !== undefined && e.seq > this.lastSeq) this.requestFill();
        });
        resolve(socket);
      });
      socket.once('connect_error', () => {
        this.connectFailures++;
        socket.removeAllListeners();
        socket.close();
        resolve(undefined);
      });
    });
  }

  /** Joins the lot's room, then fetches what was committed meanwhile (a real client does so after every (re)connect). */
  private async join(socket: Socket): Promise<void> {
    try {
      const ack = (await socket.timeout(this.o.ackTimeoutMs).emitWithAck('lot.join', { lotId: this.o.lotId })) as Ack<unknown>;
      if (!ack.ok) {
        this.joinFailures++;
        return;
      }
      this.joined = true;
      this.requestFill();
    } catch {
      this.joinFailures++;
    }
  }

  private onBids(e: LotBidsEvent): void {
    if (e.lotId !== this.o.lotId) return;
    this.eventsReceived++;
    this.eventTimes.push(now());
    this.eventSeqs.push(Math.max(e.state.seq, ...e.bids.map((b) => b.seq)));
    const before = this.lastSeq;
    if ((e.bids.length && e.bids[0].seq > before + 1) || e.omitted) this.gapsDetected++;
    for (const b of e.bids) this.store(b);
    const top = Math.max(e.state.seq, ...e.bids.map((b) => b.seq));
    if (this.lastSeq < top) this.requestFill();
  }

  private store(b: FeedBid): void {
    const had = this.received.get(b.seq);
    if (had !== undefined && had !== b.amountFen) this.conflicting++;
    this.received.set(b.seq, b.amountFen);
  }

  /** One fill at a time; a request during a fill runs another after it. */
  private requestFill(): void {
    if (this.fill) {
      this.fillAgain = true;
      return;
    }
    this.fill = (async () => {
      do {
        this.fillAgain = false;
        if (await this.fillFrom(this.lastSeq)) this.gapFills++;
        else this.gapFillFailures++;
      } while (this.fillAgain);
    })().finally(() => (this.fill = undefined));
  }

  /** GET /lots/:id/bids?afterSeq= (paged) from the API process the client is on, or any live one; false when none answered. */
  private async fillFrom(afterSeq: number): Promise<boolean> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const urls = [this.url, ...this.o.urls().filter((u) => u !== this.url)].filter(Boolean);
      const url = urls[attempt % urls.length];
      try {
        let from = afterSeq;
        for (;;) {
          const res = await fetch(`${url}/lots/${this.o.lotId}/bids?afterSeq=${from}&limit=5000`, { signal: AbortSignal.timeout(5000) });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const page = (await res.json()) as { bids: FeedBid[] };
          for (const b of page.bids) this.store(b);
          if (page.bids.length < 5000) return true;
          from = page.bids[page.bids.length - 1].seq;
        }
      } catch {
        await sleep(Math.min(2000, 200 * (attempt + 1)));
      }
    }
    return false;
  }

  /**
   * After the storm: the client compares what it holds with the lot's seq (GET /lots/:id, as on
   * lot.closed) and fetches the rest; counts how many bids only this last fill brought.
   */
  async reconcile(lotSeq: number): Promise<void> {
    await this.fill;
    let missing = 0;
    for (let seq = 1; seq <= lotSeq; seq++) if (!this.received.has(seq)) missing++;
    if (missing > 0) {
      this.filledAtEnd += missing;
      if (await this.fillFrom(this.lastSeq)) this.gapFills++;
      else this.gapFillFailures++;
    }
  }
}
