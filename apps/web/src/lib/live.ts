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

async function sampleClock(socket: Socket): Promise<void> {
  const sentAt = Date.now();
  const ack = (await socket.timeout(5_000).emitWithAck('clock.sync', {})) as { ok: boolean; data?: { now: string } };
  const receivedAt = Date.now();
  if (!ack.ok || !ack.data) return;
  const rtt = receivedAt - sentAt;
  // keep the best sample of this connection; a later, slower one only replaces it when the clocks drifted a lot
  const offset = Date.parse(ack.data.now) + rtt / 2 - receivedAt;
  if (rtt <= bestRtt || Math.abs(offset - offsetMs) > 1_000 + rtt) {
    bestRtt = rtt;
    offsetMs = offset;
  }
}

async function measureClock(socket: Socket): Promise<void> {
  bestRtt = Infinity;
  for (let i = 0; i < 4 && socket.connected; i++) {
    try {
      await sampleClock(socket);
    } catch {
      return; // the connection dropped; measured again on reconnect
    }
  }
}

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
      void measureClock(socket);
    });
    socket.on('disconnect', () => setState('reconnecting'));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      setState(socket.active ? 'reconnecting' : 'offline');
      if (err.data?.code === 'INVALID_TOKEN') {
        void accessToken(true).then(() => socket.connect()); // refresh, then try again
      }
    });
    clockTimer ??= setInterval(() => {
      if (socket.connected) void sampleClock(socket).catch(() => undefined);
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
