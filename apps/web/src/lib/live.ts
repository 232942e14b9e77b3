/**
 * One socket.io connection for the live pages, loaded after the page (socket.io-client is not in
 * the first load). Anonymous when signed out (anyone may watch), authenticated with the current
 * access token otherwise; reconnects with a fresh token. It also keeps the server's clock: the
 * offset between the server and this browser is measured on every (re)connection and every 30 s,
 * by the sample with the shortest round trip, and countdowns use serverNow(), never Date.now().
 */
import type { Socket } from 'socket.io-client';
import i18n from '../i18n';
import { accessToken, onUserChange } from './auth';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

let socketPromise: Promise<Socket> | null = null;
let offsetMs = 0;
let bestRtt = Infinity;
let clockTimer: ReturnType<typeof setInterval> | undefined;
const stateListeners = new Set<(s: ConnectionState) => void>();
let state: ConnectionState = 'connecting';

function setState(next: ConnectionState): void {
  state = next;
  stateListeners.forEach((l) => l(next));
}

export function connectionState(): ConnectionState {
  return state;
}

export function onConnectionState(listener: (s: ConnectionState) => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

/** The server's time now, in ms since the epoch, as measured from this browser. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

export function clockOffsetMs(): number {
  return offsetMs;
}

/** One clock sample: the server's time asked at `sentAt`, answered at `receivedAt`. */
function takeSample(serverIso: string, sentAt: number, receivedAt: number): void {
  const rtt = receivedAt - sentAt;
  // keep the best sample of this connection; a later, slower one only replaces it when the clocks drifted a lot
  const offset = Date.parse(serverIso) + rtt / 2 - receivedAt;
  if (rtt <= bestRtt || Math.abs(offset - offsetMs) > 1_000 + rtt) {
    bestRtt = rtt;
    offsetMs = offset;
  }
}

/** A connection the clock can be asked over: socket.io (`clock.sync`) or the spectator feed (`clock`). */
interface ClockSource {
  readonly connected: boolean;
  askClock(): Promise<string | null>;
}

async function sampleClock(source: ClockSource): Promise<void> {
  const sentAt = Date.now();
  const now = await source.askClock();
  if (now) takeSample(now, sentAt, Date.now());
}

async function measureClock(source: ClockSource): Promise<void> {
  bestRtt = Infinity;
  for (let i = 0; i < 4 && source.connected; i++) {
    try {
      await sampleClock(source);
    } catch {
      return; // the connection dropped; measured again on reconnect
    }
  }
}

const socketClock = (socket: Socket): ClockSource => ({
  get connected() {
    return socket.connected;
  },
  askClock: async () => {
    const ack = (await socket.timeout(5_000).emitWithAck('clock.sync', {})) as { ok: boolean; data?: { now: string } };
    return ack.ok && ack.data ? ack.data.now : null;
  },
});

export function liveSocket(): Promise<Socket> {
  socketPromise ??= import('socket.io-client').then(({ io }) => {
    const socket = io({
      transports: ['websocket'],
      auth: (cb) => {
        // its language too: the server answers errors (handshake and acknowledgements) in it
        const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
        void accessToken().then((token) => cb(token ? { token, lang } : { lang }));
      },
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
    });
    socket.on('connect', () => {
      setState('connected');
      void measureClock(socketClock(socket));
    });
    socket.on('disconnect', () => setState('reconnecting'));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      setState(socket.active ? 'reconnecting' : 'offline');
      if (err.data?.code === 'INVALID_TOKEN') {
        void accessToken(true).then(() => socket.connect()); // refresh, then try again
      }
    });
    clockTimer ??= setInterval(() => {
      if (socket.connected) void sampleClock(socketClock(socket)).catch(() => undefined);
    }, 30_000);
    // a sign-in or sign-out changes who this socket is: reconnect with the new identity
    onUserChange(() => {
      socket.disconnect();
      socket.connect();
    });
    return socket;
  });
  return socketPromise;
}

type FeedHandler = (payload: unknown) => void;

/** The events of a lot as the socket.io room and the spectator feed both deliver them. */
export interface LiveSource {
  readonly connected: boolean;
  on(event: string, handler: (payload: unknown) => void): void;
  off(event: string, handler: (payload: unknown) => void): void;
}

/**
 * The read-only spectator feed of some lots (`GET /live?lots=`, a plain WebSocket): frames
 * `{ event, data }` with the same events and sequence numbers as the socket.io room. For visitors
 * who do not bid on the lot: lighter for the server than socket.io. Reconnects with backoff
 * (0.5 s doubling to 5 s, with jitter) and says `connect` again each time (the page then fills the
 * gap over REST); measures the server's clock over it (`clock`) on each connection and every 30 s.
 */
export class LiveFeed implements LiveSource, ClockSource {
  private ws: WebSocket | null = null;
  private readonly handlers = new Map<string, Set<FeedHandler>>();
  private attempt = 0;
  private closed = false;
  private ready = false;
  private retry?: ReturnType<typeof setTimeout>;
  private clockTimer?: ReturnType<typeof setInterval>;
  private clockWaiters: ((now: string | null) => void)[] = [];

  constructor(private readonly lotIds: readonly string[]) {
    this.open();
    // the clock sample doubles as a liveness check: no answer in 5 s and the connection is replaced
    this.clockTimer = setInterval(() => {
      if (!this.connected) return;
      const sentAt = Date.now();
      void this.askClock().then((now) => {
        if (now) takeSample(now, sentAt, Date.now());
        else this.drop();
      });
    }, 30_000);
    // a browser that goes offline keeps a dead WebSocket open: close it and reconnect with backoff (socket.io does the same)
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
  }

  private readonly onOffline = () => this.drop();
  /** Back online: try now rather than at the end of the backoff. */
  private readonly onOnline = () => {
    if (this.connected || this.closed) return;
    clearTimeout(this.retry);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.onmessage = null;
      this.ws.close();
    }
    this.open();
  };

  /** Gives up the current connection at once (without waiting for a close handshake a dead link never finishes) and reconnects. */
  private drop(): void {
    const ws = this.ws;
    if (!ws) return;
    ws.onclose = null;
    ws.onmessage = null;
    ws.close();
    this.ws = null;
    this.lost();
  }

  private lost(): void {
    this.ready = false;
    this.clockWaiters.splice(0).forEach((w) => w(null));
    if (this.closed) return;
    setState('reconnecting');
    this.emit('disconnect', null);
    clearTimeout(this.retry);
    const delay = Math.min(5_000, 500 * 2 ** this.attempt++) * (0.75 + Math.random() / 2);
    this.retry = setTimeout(() => this.open(), delay);
  }

  get connected(): boolean {
    return this.ready && this.ws?.readyState === WebSocket.OPEN;
  }

  on(event: string, handler: FeedHandler): void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
  }

  off(event: string, handler: FeedHandler): void {
    this.handlers.get(event)?.delete(handler);
  }

  askClock(): Promise<string | null> {
    if (!this.connected) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), 5_000);
      this.clockWaiters.push((now) => {
        clearTimeout(timer);
        resolve(now);
      });
      this.ws!.send('clock');
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.clockTimer);
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    this.ws?.close();
  }

  private emit(event: string, payload: unknown): void {
    this.handlers.get(event)?.forEach((h) => h(payload));
  }

  private open(): void {
    const url = new URL(`/live?lots=${this.lotIds.join(',')}`, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    this.ws = ws;
    setState(this.attempt ? 'reconnecting' : 'connecting');
    ws.onmessage = (m: MessageEvent<string>) => {
      const frame = JSON.parse(m.data) as { event: string; data: unknown };
      if (frame.event === 'live.ready') {
        this.ready = true;
        this.attempt = 0;
        setState('connected');
        void measureClock(this);
        this.emit('connect', frame.data);
      } else if (frame.event === 'clock') {
        this.clockWaiters.shift()?.((frame.data as { now: string }).now);
      } else if (frame.event === 'error') {
        this.clockWaiters.shift()?.(null);
      } else this.emit(frame.event, frame.data);
    };
    ws.onclose = () => {
      if (this.ws === ws) this.lost();
    };
  }
}
