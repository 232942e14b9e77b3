/**
 * The fuzz campaign: for every operation and socket event of the OpenAPI document, fast-check
 * generates requests (arbitraries.ts) that are sent to the running API one at a time, and each
 * answer is judged:
 *   - never a 5xx, never a dropped connection or a hang; on the socket, always an acknowledgement
 *     and never INTERNAL_ERROR;
 *   - every 4xx (and every refused acknowledgement) has the error body `{ code, message }`, and a
 *     VALIDATION_FAILED names its fields (`details: [{ field, code }]`);
 *   - a refused mutating request changed nothing: the database's fingerprint (row count and newest
 *     row version of every table) is the same after it as before.
 * Replay: the run prints its seed; FUZZ_SEED=<seed> FUZZ_ONLY='<operation>' generates the same
 * requests for that operation again (each operation's seed derives from the run's seed and its key).
 */
import { createHash } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { deepJsonText, emitOf, requestOf, type FuzzEmit, type FuzzRequest } from './arbitraries';
import { operationsOf, socketEventsOf, type OpenApiDocument } from './openapi';
import { fingerprintDiff, type FuzzWorld } from './world';

export interface FuzzOptions {
  seed: number;
  /** requests per operation and emits per socket event */
  runs: number;
  /** one operation or event key ('POST /lots/{id}/bids', 'socket lot.bid'), or several separated by ';' */
  only?: string;
  log?: (line: string) => void;
}

export interface EndpointCounts {
  key: string;
  requests: number;
  ok: number;
  rejected: number;
  serverErrors: number;
  failures: number;
}

export interface FuzzFailure {
  key: string;
  message: string;
  replay: string;
}

export interface FuzzReport {
  seed: number;
  counts: EndpointCounts[];
  failures: FuzzFailure[];
  /** operations and events in the document that the run sent nothing to */
  unexercised: string[];
  ms: number;
}

const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;
const REQUEST_TIMEOUT_MS = 20_000;
const ACK_TIMEOUT_MS = 10_000;

/** What is wrong with an error body, if anything. */
export function errorBodyProblem(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return `error body is not an object: ${JSON.stringify(body)?.slice(0, 200)}`;
  const b = body as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof b.code !== 'string' || !ERROR_CODE.test(b.code)) return `error body without a machine-readable code: ${JSON.stringify(body).slice(0, 300)}`;
  if (typeof b.message !== 'string') return `error body without a message: ${JSON.stringify(body).slice(0, 300)}`;
  if (b.code === 'VALIDATION_FAILED') {
    const details = b.details as { field?: unknown; code?: unknown }[] | undefined;
    if (!Array.isArray(details) || !details.length || details.some((d) => typeof d?.field !== 'string' || typeof d?.code !== 'string')) {
      return `VALIDATION_FAILED without the offending fields: ${JSON.stringify(body).slice(0, 300)}`;
    }
  }
  return null;
}

export const seedOf = (seed: number, key: string): number => createHash('sha256').update(`${seed}:${key}`).digest().readInt32LE(0);

const describe = (r: FuzzRequest): string => {
  const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : `<bytes ${Buffer.from(r.body).toString('hex')}>`;
  return `${r.method} ${r.url.length > 300 ? r.url.slice(0, 300) + '…' : r.url} as ${r.as} [${r.shape}] ${JSON.stringify(r.headers)} ${body.length > 400 ? body.slice(0, 400) + `… (${body.length} chars)` : body}`;
};

export async function runFuzz(world: FuzzWorld, doc: OpenApiDocument, options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const only = options.only ? new Set(options.only.split(';').map((s) => s.trim())) : null;
  const operations = operationsOf(doc);
  const events = socketEventsOf(doc);
  const counts = new Map<string, EndpointCounts>();
  const failures: FuzzFailure[] = [];
  const countOf = (key: string) => {
    let c = counts.get(key);
    if (!c) counts.set(key, (c = { key, requests: 0, ok: 0, rejected: 0, serverErrors: 0, failures: 0 }));
    return c;
  };

  // ---------------------------------------------------------------- HTTP
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const base = new URL(world.baseUrl);
  // node:http, not fetch: fetch refuses a GET with a body and rewrites some headers; the fuzzer sends what it was told.
  const send = (r: FuzzRequest) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers: Record<string, string | number> = { ...r.headers };
      const token = r.as === 'anonymous' ? undefined : r.as === 'bad-token' ? 'not.a.jwt' : world.token(r.as);
      if (token) headers.authorization = `Bearer ${token}`;
      const body = r.body === undefined ? undefined : typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : Buffer.from(r.body);
      if (body) headers['content-length'] = body.length;
      const req = httpRequest({ host: base.hostname, port: base.port, method: r.method, path: r.url, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });

  for (const op of operations) {
    if (only && !only.has(op.key)) continue;
    const c = countOf(op.key);
    const seed = seedOf(options.seed, op.key);
    const property = fc.asyncProperty(requestOf(op, world.context), async (r) => {
      c.requests++;
      const before = op.mutating ? await world.fingerprint() : '';
      let answer: { status: number; text: string };
      try {
        answer = await send(r).catch(async (err: unknown) => {
          // A URL over Node's header limit is answered (431) and the connection closed at once: a
          // client still writing a large body sees the reset before it reads the answer. Ask again
          // without the body and judge that answer.
          if (r.url.length > 16_000 && r.body !== undefined) return send({ ...r, body: undefined, headers: {} });
          throw err;
        });
      } catch (err) {
        throw new Error(
          `no answer (${(err as Error).message}${(err as { cause?: Error }).cause ? `: ${(err as { cause: Error }).cause.message}` : ''}) to ${describe(r)}`,
          { cause: err },
        );
      }
      const { status, text } = answer;
      if (status >= 500) {
        c.serverErrors++;
        throw new Error(`${status} ${text.slice(0, 300)} for ${describe(r)}`);
      }
      if (status < 400) {
        c.ok++;
        if (op.key === 'POST /auth/logout' && r.as !== 'anonymous' && r.as !== 'bad-token') await world.relogin(r.as);
        if (op.key === 'POST /auth/refresh' && typeof r.body === 'string') {
          const used = (JSON.parse(r.body) as { refreshToken?: string }).refreshToken ?? '';
          world.rotateRefreshToken(used, (JSON.parse(text) as { refreshToken?: string }).refreshToken);
        }
        return;
      }
      c.rejected++;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`${status} with a body that is not JSON (${text.slice(0, 200)}) for ${describe(r)}`);
      }
      const problem = errorBodyProblem(body);
      if (problem) throw new Error(`${status}: ${problem} for ${describe(r)}`);
      if (op.mutating) {
        const after = await world.fingerprint();
        if (after !== before)
          throw new Error(`${status} ${(body as { code: string }).code}, but the database changed: ${fingerprintDiff(before, after)}; request ${describe(r)}`);
      }
    });
    await assertCollecting(op.key, property, seed, options, c, failures, log);
  }

  // ---------------------------------------------------------------- socket.io
  const sockets = new Map<string, Socket>();
  const socketOf = async (as: string): Promise<Socket> => {
    const existing = sockets.get(as);
    if (existing?.connected) return existing;
    existing?.disconnect();
    const socket = io(world.baseUrl, { transports: ['websocket'], auth: { token: world.token(as) }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    sockets.set(as, socket);
    return socket;
  };
  let rawAckId = 900_000;
  const emit = async (socket: Socket, event: string, e: FuzzEmit): Promise<unknown> => {
    if (e.raw === undefined) return socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...e.args);
    // a packet written by hand (a payload too deep for the client's JSON.stringify): `2<ack id>["event", payload]`
    const id = ++rawAckId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('operation has timed out')), ACK_TIMEOUT_MS);
      (socket as unknown as { acks: Record<number, (...a: unknown[]) => void> }).acks[id] = (ack: unknown) => {
        clearTimeout(timer);
        resolve(ack);
      };
      (socket.io as unknown as { engine: { write(data: string): void } }).engine.write(`2${id}[${JSON.stringify(event)},${e.raw}]`);
    });
  };
  try {
    for (const ev of events) {
      if (only && !only.has(ev.key)) continue;
      const c = countOf(ev.key);
      const seed = seedOf(options.seed, ev.key);
      const property = fc.asyncProperty(emitOf(ev, world.context), async (e) => {
        c.requests++;
        const what = `${ev.event} as ${e.as} [${e.shape}] ${e.raw !== undefined ? `raw ${e.raw.slice(0, 60)}… (${e.raw.length} chars)` : JSON.stringify(e.args)?.slice(0, 400)}`;
        const before = await world.fingerprint();
        let ack: unknown;
        try {
          ack = await emit(await socketOf(e.as), ev.event, e);
        } catch (err) {
          throw new Error(`no acknowledgement (${(err as Error).message}) to ${what}`, { cause: err });
        }
        const a = ack as { ok?: unknown; error?: unknown };
        if (typeof a !== 'object' || a === null || typeof a.ok !== 'boolean')
          throw new Error(`acknowledgement is not { ok, … }: ${JSON.stringify(ack)?.slice(0, 300)} to ${what}`);
        if (a.ok) {
          c.ok++;
          return;
        }
        c.rejected++;
        if ((a.error as { code?: string } | undefined)?.code === 'INTERNAL_ERROR') {
          c.serverErrors++;
          throw new Error(`INTERNAL_ERROR acknowledgement to ${what}`);
        }
        const problem = errorBodyProblem(a.error);
        if (problem) throw new Error(`${problem} to ${what}`);
        const after = await world.fingerprint();
        if (after !== before)
          throw new Error(`refused (${(a.error as { code: string }).code}), but the database changed: ${fingerprintDiff(before, after)}; emit ${what}`);
      });
      await assertCollecting(ev.key, property, seed, options, c, failures, log);
    }
    // The handshake with a bad token: refused with the error body. Without one it connects as an
    // anonymous watcher (anyone may watch a lot), which must still be refused a bid (UNAUTHENTICATED).
    if (!only || only.has('socket handshake')) {
      const c = countOf('socket handshake');
      for (const token of ['not.a.jwt', deepJsonText(20, 'array'), '\ud800']) {
        c.requests++;
        const refused = await new Promise<unknown>((resolve) => {
          const s = io(world.baseUrl, { transports: ['websocket'], auth: token === undefined ? {} : { token }, reconnection: false, forceNew: true });
          s.once('connect', () => {
            s.disconnect();
            resolve(null);
          });
          s.once('connect_error', (err: Error & { data?: unknown }) => resolve(err.data ?? { message: err.message }));
        });
        const problem = refused === null ? 'connected without a valid token' : errorBodyProblem(refused);
        if (problem) {
          c.failures++;
          failures.push({ key: c.key, message: `${problem} (token ${JSON.stringify(token)})`, replay: `FUZZ_ONLY='socket handshake'` });
        } else c.rejected++;
      }
      c.requests++;
      const anonymous = await new Promise<unknown>((resolve) => {
        const s = io(world.baseUrl, { transports: ['websocket'], auth: {}, reconnection: false, forceNew: true });
        s.once('connect', () => {
          s.timeout(5_000)
            .emitWithAck('lot.bid', { lotId: '01a24920-2b5a-7226-8da8-f28d8e8828af', amountFen: '100', idempotencyKey: 'anonymous-1' })
            .then(resolve, (err: Error) => resolve({ ok: false, error: { message: err.message } }))
            .finally(() => s.disconnect());
        });
        s.once('connect_error', (err: Error) => resolve({ connectError: err.message }));
      });
      const ack = anonymous as { ok?: boolean; error?: { code?: string } };
      if (ack.ok !== false || ack.error?.code !== 'UNAUTHENTICATED') {
        c.failures++;
        failures.push({
          key: c.key,
          message: `an anonymous socket's bid was not refused as UNAUTHENTICATED: ${JSON.stringify(anonymous)}`,
          replay: `FUZZ_ONLY='socket handshake'`,
        });
      } else c.rejected++;
    }
  } finally {
    for (const s of sockets.values()) s.disconnect();
    agent.destroy();
  }

  const keys = [...operations.map((o) => o.key), ...events.map((e) => e.key)];
  const unexercised = keys.filter((k) => (!only || only.has(k)) && !counts.get(k)?.requests);
  return { seed: options.seed, counts: [...counts.values()], failures, unexercised, ms: Date.now() - started };
}

async function assertCollecting(
  key: string,
  property: fc.IAsyncProperty<[unknown]>,
  seed: number,
  options: FuzzOptions,
  c: EndpointCounts,
  failures: FuzzFailure[],
  log: (line: string) => void,
) {
  const details = await fc.check(property as fc.IAsyncProperty<[FuzzRequest]>, { seed, numRuns: options.runs, endOnFailure: true });
  if (!details.failed) return;
  c.failures++;
  const error = details.errorInstance;
  const message = error instanceof Error ? error.message : String(error);
  const replay = `FUZZ_SEED=${options.seed} FUZZ_ONLY='${key}' (fast-check seed ${details.seed}, path ${details.counterexamplePath ?? '-'})`;
  failures.push({ key, message, replay });
  log(`FAIL ${key}: ${message}\n  replay: ${replay}`);
}

/** A table of the counts, one line per operation or event. */
export function countsTable(report: FuzzReport): string {
  const rows = [...report.counts].sort((a, b) => a.key.localeCompare(b.key));
  const width = Math.max(...rows.map((r) => r.key.length), 9);
  const head = `${'operation'.padEnd(width)}  requests    2xx    4xx    5xx  failures`;
  return [
    head,
    ...rows.map(
      (r) =>
        `${r.key.padEnd(width)}  ${String(r.requests).padStart(8)}  ${String(r.ok).padStart(5)}  ${String(r.rejected).padStart(5)}  ${String(r.serverErrors).padStart(5)}  ${String(r.failures).padStart(8)}`,
    ),
  ].join('\n');
}
