/**
 * bench:fanout — what one delivery (one event to one watcher) costs the server, per transport.
 *
 *   npm run bench:fanout                       # every transport, 2,000 and 5,000 clients
 *   npm run bench:fanout -- --transports=ws-frame,socketio --clients=2000 --seconds=20
 *
 * For each transport and client count: a standalone server (pinned to CPU 0 with `taskset`) keeps
 * every client in one room and broadcasts a 300-byte event 10 times a second; a client generator
 * (pinned to CPU 1) holds the connections as light raw clients (its own WebSocket frame parser on
 * plain TCP, or plain HTTP for SSE; no socket.io-client, so the generator keeps up). Transports:
 *
 *   socketio  socket.io 4.8 with the product's options (websocket + polling, perMessageDeflate off),
 *             `io.to(room).emit(event, object)` as the product's LotFeed does
 *   ws-frame  plain `ws`: the frame is built once per event (Sender.frame) and written to each socket
 *             (sender.sendFrame): what the product's spectator feed (GET /live, LiveFeedHub) does
 *   ws-send   plain `ws`: `socket.send(buffer)` per socket (a frame header built per socket)
 *   sse       Server-Sent Events over HTTP/1.1: one `data:` chunk built once, written to each socket
 *   feed      the product's spectator feed code itself (LiveFeedHub of libs/realtime: add() per
 *             connection, deliver() per event, with its slow-watcher check)
 *
 * One JSON line per case: server CPU µs per delivery (process.cpuUsage of the server ÷ deliveries
 * counted by the clients), RSS KB per connection (server RSS with the clients connected minus before,
 * ÷ clients), broadcast p50/p99 ms (send → receive, one machine clock), deliveries lost, and the
 * load average at the start and end of the case.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { connect as tcpConnect, type Socket as NetSocket } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

type Transport = 'socketio' | 'ws-frame' | 'ws-send' | 'sse' | 'feed';
const TRANSPORTS: Transport[] = ['socketio', 'ws-frame', 'ws-send', 'sse', 'feed'];
const EVENT_BYTES = 300;
const RATE_PER_SECOND = 10;

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const now = () => performance.timeOrigin + performance.now();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** A message between the processes of the bench (over the IPC channel). */
type Msg = Record<string, unknown> & { type: string };
const send = (m: Msg) => process.send!(m);
const next = (child: ChildProcess, type: string) =>
  new Promise<Msg>((resolve, reject) => {
    const on = (m: Msg) => {
      if (m.type !== type) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.once('exit', (code) => reject(new Error(`a bench process exited (${code}) while waiting for ${type}`)));
  });

// ---------------------------------------------------------------------------------------------- server

async function server(transport: Transport): Promise<void> {
  const http = createServer();
  let broadcast: (payload: Record<string, unknown>) => void;
  let connections = 0;
  if (transport === 'socketio') {
    const { Server } = await import('socket.io');
    // the product's options: Nest's IoAdapter defaults, the gateway's transports, cors (RedisIoAdapter); perMessageDeflate stays off
    const io = new Server(http, { transports: ['websocket', 'polling'], cors: { origin: true, credentials: true } });
    io.on('connection', (socket) => {
      connections++;
      void socket.join('lot:bench');
      socket.on('disconnect', () => connections--);
    });
    broadcast = (payload) => io.to('lot:bench').emit('lot.bids', payload);
  } else if (transport === 'feed') {
    const { WebSocketServer } = await import('ws');
    const { LiveFeedHub } = await import('../libs/realtime/src/live-feed-hub');
    // deliver() and add() use no Redis (only start() and publish() do): the hub runs as in the API
    const hub = new LiveFeedHub({ prefix: 'bench:' } as never);
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
    http.on('upgrade', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        connections++;
        hub.add(ws, ['lot-bench']);
      }),
    );
    broadcast = (payload) => hub.deliver('lot-bench', 'lot.bids', payload);
  } else if (transport === 'ws-frame' || transport === 'ws-send') {
    const { WebSocketServer, WebSocket } = await import('ws');
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false, clientTracking: true });
    wss.on('connection', () => connections++);
    const Sender = (WebSocket as unknown as { Sender: { frame(d: Buffer, o: object): Buffer[] } }).Sender;
    broadcast = (payload) => {
      const data = Buffer.from(JSON.stringify({ event: 'lot.bids', data: payload }));
      if (transport === 'ws-frame') {
        const frame = Sender.frame(data, { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false });
        for (const ws of wss.clients) (ws as unknown as { _sender: { sendFrame(f: Buffer[]): void } })._sender.sendFrame(frame);
      } else {
        for (const ws of wss.clients) ws.send(data, { binary: false });
      }
    };
  } else {
    const clients = new Set<NetSocket>();
    http.on('request', (req: IncomingMessage) => {
      const socket = req.socket;
      socket.setNoDelay(true);
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n');
      clients.add(socket);
      connections++;
      socket.once('close', () => clients.delete(socket));
    });
    broadcast = (payload) => {
      const chunk = Buffer.from(`event: lot.bids\ndata: ${JSON.stringify(payload)}\n\n`);
      for (const s of clients) s.write(chunk);
    };
  }
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  global.gc?.();
  send({ type: 'listening', port: (http.address() as { port: number }).port, rss: process.memoryUsage().rss });

  process.on('message', (m: Msg) => {
    if (m.type === 'rss') {
      global.gc?.();
      setTimeout(() => send({ type: 'rss', rss: process.memoryUsage().rss, connections }), 500);
    }
    if (m.type === 'run') {
      const events = Number(m.events);
      let seq = 0;
      const pad = 'x'.repeat(EVENT_BYTES);
      const cpu = process.cpuUsage();
      const startedAt = now();
      const tick = () => {
        seq++;
        // ~300 bytes of JSON, shaped like a lot.bids event; `s` and `t` for the clients
        const body = { s: seq, t: now(), lotId: '0190a8c2-7a4e-7000-8000-000000000001', bids: [{ seq, amountFen: '1000000', bidder: '竞买人 12' }], p: '' };
        body.p = pad.slice(0, Math.max(0, EVENT_BYTES - Buffer.byteLength(JSON.stringify(body))));
        broadcast(body);
        if (seq < events) setTimeout(tick, Math.max(0, startedAt + (seq * 1000) / RATE_PER_SECOND - now()));
        else
          setTimeout(() => {
            const used = process.cpuUsage(cpu);
            send({ type: 'done', cpuUs: used.user + used.system, sent: seq, seconds: (now() - startedAt) / 1000 });
          }, 2_000); // the last writes drain
      };
      tick();
    }
  });
}

// ---------------------------------------------------------------------------------------------- clients

/** A WebSocket client on plain TCP: handshake, a parser of unmasked server frames, masked client frames. */
function rawWs(port: number, path: string, onText: (text: string, socket: NetSocket) => void): Promise<NetSocket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1');
    const key = randomBytes(16).toString('base64');
    let buf: Buffer = Buffer.alloc(0);
    let open = false;
    socket.once('error', reject);
    socket.on('connect', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      if (!open) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(head.split('\r\n')[0]));
        const accept = createHash('sha1')
          .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
          .digest('base64');
        if (!head.includes(accept)) return reject(new Error('bad Sec-WebSocket-Accept'));
        open = true;
        buf = buf.subarray(end + 4);
        resolve(socket);
      }
      for (;;) {
        if (buf.length < 2) return;
        let len = buf[1] & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        if (buf.length < off + len) return;
        const opcode = buf[0] & 0x0f;
        const payload = buf.subarray(off, off + len);
        buf = buf.subarray(off + len);
        if (opcode === 1) onText(payload.toString(), socket);
        else if (opcode === 9) writeFrame(socket, 10, payload); // ping → pong
      }
    });
  });
}

function writeFrame(socket: NetSocket, opcode: number, payload: Buffer): void {
  const mask = randomBytes(4);
  const head = Buffer.from([0x80 | opcode, 0x80 | payload.length, ...mask]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  socket.write(Buffer.concat([head, body]));
}

async function clients(transport: Transport, port: number, count: number): Promise<void> {
  const latencies: number[] = [];
  let deliveries = 0;
  let measuring = false;
  const sockets: NetSocket[] = [];
  const record = (text: string) => {
    const at = now();
    // read `"s":` and `"t":` without parsing the whole event (the generator must stay light)
    const i = text.indexOf('"t":');
    if (i < 0) return;
    const t = parseFloat(text.slice(i + 4, text.indexOf(',', i)));
    deliveries++;
    if (measuring) latencies.push(at - t);
  };
  const open = async (): Promise<NetSocket> => {
    if (transport === 'socketio') {
      return rawWs(port, '/socket.io/?EIO=4&transport=websocket', (text, socket) => {
        if (text[0] === '0')
          writeFrame(socket, 1, Buffer.from('40')); // engine.io open → connect to the main namespace
        else if (text === '2')
          writeFrame(socket, 1, Buffer.from('3')); // engine.io ping → pong
        else if (text.startsWith('42')) record(text);
      });
    }
    if (transport === 'sse') {
      return new Promise((resolve, reject) => {
        const socket = tcpConnect(port, '127.0.0.1');
        let rest = '';
        socket.setEncoding('utf8');
        socket.once('error', reject);
        socket.on('connect', () => socket.write('GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n'));
        socket.on('data', (chunk: string) => {
          rest += chunk;
          let end;
          while ((end = rest.search(/\r?\n\r?\n/)) >= 0) {
            const block = rest.slice(0, end);
            rest = rest.slice(end + (rest[end] === '\r' ? 4 : 2)); // the header block ends with CRLF CRLF, events with LF LF
            if (block.startsWith('HTTP/1.1 200')) resolve(socket);
            else if (block.includes('data: ')) record(block);
            else if (block.startsWith('HTTP/')) reject(new Error(block));
          }
        });
      });
    }
    return rawWs(port, '/', (text) => record(text));
  };
  for (let i = 0; i < count; i += 100) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, open))));
  }
  await new Promise((r) => setTimeout(r, 500));
  send({ type: 'connected', sockets: sockets.length });
  process.on('message', (m: Msg) => {
    if (m.type === 'measure') {
      deliveries = 0;
      latencies.length = 0;
      measuring = true;
      send({ type: 'measuring' });
    }
    if (m.type === 'report') {
      measuring = false;
      latencies.sort((x, y) => x - y);
      const q = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN);
      send({ type: 'report', deliveries, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) ?? NaN, open: sockets.filter((s) => !s.destroyed).length });
      sockets.forEach((s) => s.destroy());
    }
  });
}

// ---------------------------------------------------------------------------------------------- orchestration

function pinned(cpu: number, role: string, extra: string[]): ChildProcess {
  // taskset pins the node process; the IPC channel passes through its exec
  const child = spawn('taskset', ['-c', String(cpu), process.execPath, '--expose-gc', '-r', '@swc-node/register', __filename, role, ...extra], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return child;
}

async function runCase(transport: Transport, count: number, seconds: number): Promise<Record<string, unknown>> {
  const loadBefore = load();
  const srv = pinned(0, 'server', [transport]);
  const listening = await next(srv, 'listening');
  const gen = pinned(1, 'clients', [transport, String(listening.port), String(count)]);
  try {
    const connected = await next(gen, 'connected');
    srv.send({ type: 'rss' });
    const rss = await next(srv, 'rss');
    gen.send({ type: 'measure' });
    await next(gen, 'measuring');
    const events = seconds * RATE_PER_SECOND;
    srv.send({ type: 'run', events });
    const done = await next(srv, 'done');
    gen.send({ type: 'report' });
    const report = await next(gen, 'report');
    const deliveries = Number(report.deliveries);
    return {
      bench: 'fanout',
      transport,
      clients: Number(connected.sockets),
      serverConnections: rss.connections,
      eventBytes: EVENT_BYTES,
      eventsPerSecond: RATE_PER_SECOND,
      events: done.sent,
      deliveries,
      lost: Number(done.sent) * count - deliveries,
      serverCpuUsPerDelivery: +(Number(done.cpuUs) / deliveries).toFixed(2),
      serverCpuShare: +(Number(done.cpuUs) / 1e6 / Number(done.seconds)).toFixed(3),
      rssKBPerConnection: +((Number(rss.rss) - Number(listening.rss)) / 1024 / count).toFixed(1),
      broadcastP50Ms: +Number(report.p50).toFixed(2),
      broadcastP99Ms: +Number(report.p99).toFixed(2),
      broadcastMaxMs: +Number(report.max).toFixed(2),
      loadavgBefore: loadBefore,
      loadavgAfter: load(),
    };
  } finally {
    srv.kill();
    gen.kill();
  }
}

async function main(): Promise<void> {
  const [role, ...rest] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (role === 'server') return server(rest[0] as Transport);
  if (role === 'clients') return clients(rest[0] as Transport, Number(rest[1]), Number(rest[2]));
  const transports = arg('transports', TRANSPORTS.join(',')).split(',') as Transport[];
  const counts = arg('clients', '2000,5000').split(',').map(Number);
  const seconds = Number(arg('seconds', '20'));
  const runs = Number(arg('runs', '1'));
  for (let run = 1; run <= runs; run++)
    for (const count of counts)
      for (const transport of transports) {
        const result = await runCase(transport, count, seconds);
        process.stdout.write(`${JSON.stringify({ ...result, run })}\n`);
      }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:fanout failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
