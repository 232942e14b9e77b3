/*
 * Demo bidders: run by scripts/demo.sh only (never by the API, the worker or anything else).
 * Two demo enterprises bid, through the public HTTP API like any client, on the open lots of the
 * demo's themed sessions: each registers (its deposit held through the Stripe flow against the
 * local Stripe-speaking server), then every few seconds one of them raises the price by one or two
 * increments, with an idempotency key per bid, until the lot closes; then the next open lot.
 * Once at start, the holder of the demo's first sold lot puts its contract out for signature and
 * signs it, so the winner (the textile enterprise, left to the visitor) has a contract to sign.
 * Logs every step; exits on SIGTERM / SIGINT or when the demo that started it is gone.
 *
 * Usage: API_URL=http://127.0.0.1:3000 node -r @swc-node/register scripts/demo-bidders.ts
 */
import { randomUUID } from 'node:crypto';
import { DEMO_CLOSING_SESSION, DEMO_PASSWORD } from '../apps/api/src/cli/demo-data';

const API = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
/** The textile enterprise is left to the visitor (README "Demo accounts"). */
const BIDDERS = [
  { name: '生物医药', email: 'enterprise-admin@biotech.example' },
  { name: '新材料', email: 'enterprise-admin@materials.example' },
];
const SELLER = 'holder-admin@zju.example';

const log = (line: string) => process.stdout.write(`[demo-bidders ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));
const yuan = (fen: string | bigint) => `${(BigInt(fen) / 100n).toLocaleString('zh-CN')} 元`;

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => {
    log(`${signal}: stopping`);
    process.exit(0);
  });
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    log('the demo is gone: stopping');
    process.exit(0);
  }
}, 2_000).unref();

interface Account {
  name: string;
  email: string;
  access?: string;
  refresh?: string;
}

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

async function login(a: Account): Promise<void> {
  const r = await fetch(`${API}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: a.email, password: DEMO_PASSWORD }),
  });
  if (!r.ok) throw new Error(`login ${a.email}: ${r.status} ${await r.text()}`);
  const body = (await r.json()) as { accessToken: string; refreshToken: string };
  a.access = body.accessToken;
  a.refresh = body.refreshToken;
}

/** One request as the account; a 401 refreshes its session once (or signs in again); 429 / 503 wait and resend (same body, same idempotency key). */
async function call<T = Record<string, unknown>>(a: Account | null, method: string, path: string, body?: unknown): Promise<Answer<T>> {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(`${API}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN', ...(a?.access ? { authorization: `Bearer ${a.access}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    const parsed = (text ? JSON.parse(text) : {}) as T;
    if (a && r.status === 401 && attempt === 0) {
      const refreshed = await fetch(`${API}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: a.refresh }),
      });
      if (refreshed.ok) {
        const t = (await refreshed.json()) as { accessToken: string; refreshToken: string };
        a.access = t.accessToken;
        a.refresh = t.refreshToken;
      } else await login(a);
      continue;
    }
    if ((r.status === 429 || r.status === 503) && attempt < 5) {
      await sleep(Number(r.headers.get('retry-after') ?? '2') * 1000);
      continue;
    }
    return { status: r.status, body: parsed };
  }
}

interface LotView {
  id: string;
  title: string;
  status: string;
  startingPriceFen: string;
  currentFen: string | null;
  leader: string | null;
  endsAt: string;
  increment: { kind: 'fixed'; amountFen: string } | { kind: 'ladder'; bands: { fromFen: string; incrementFen: string }[] };
  result: string | null;
  hammerPriceFen: string | null;
  winner: string | null;
}

function incrementAt(lot: LotView, priceFen: bigint): bigint {
  if (lot.increment.kind === 'fixed') return BigInt(lot.increment.amountFen);
  let step = BigInt(lot.increment.bands[0].incrementFen);
  for (const band of lot.increment.bands) if (priceFen >= BigInt(band.fromFen)) step = BigInt(band.incrementFen);
  return step;
}

/** Registers the bidder for the lot (deposit held by card through the Stripe flow); its pseudonym, or null when it cannot bid. */
async function register(a: Account, lot: LotView): Promise<string | null> {
  const mine = await call<{ pseudonym: string; depositStatus: string }>(a, 'GET', `/lots/${lot.id}/registrations/mine`);
  if (mine.status === 200 && mine.body.depositStatus === 'held') return mine.body.pseudonym;
  const r = await call<{ pseudonym: string; depositStatus: string; code?: string }>(a, 'POST', `/lots/${lot.id}/registrations`, {
    paymentMethod: 'pm_card_visa',
  });
  if (r.status === 201 || r.status === 200) {
    log(`${a.name}: registered for 「${lot.title}」 as ${r.body.pseudonym}, deposit ${r.body.depositStatus}`);
    return r.body.depositStatus === 'held' ? r.body.pseudonym : null;
  }
  log(`${a.name}: registration for 「${lot.title}」 refused: ${r.status} ${r.body.code ?? ''}`);
  return null;
}

/** Bids on one open lot until it closes. */
/** The lot as the public sees it; an error answer is logged and asked again a little later. */
async function readLot(lotId: string): Promise<LotView> {
  for (;;) {
    const r = await call<LotView & { code?: string }>(null, 'GET', `/lots/${lotId}`).catch((err: unknown) => ({
      status: 0,
      body: { code: String(err) } as LotView & { code?: string },
    }));
    if (r.status === 200) return r.body;
    log(`GET /lots/${lotId}: ${r.status} ${r.body.code ?? ''}; asking again in 5 s`);
    await sleep(5_000);
  }
}

async function bidOn(lotId: string, accounts: Account[]): Promise<void> {
  let lot = await readLot(lotId);
  log(`bidding on 「${lot.title}」 (ends ${lot.endsAt})`);
  const bidders: { account: Account; pseudonym: string }[] = [];
  for (const account of accounts) {
    const pseudonym = await register(account, lot);
    if (pseudonym) bidders.push({ account, pseudonym });
  }
  if (!bidders.length) {
    log(`no bidder could register for 「${lot.title}」; waiting for it to close`);
  }
  for (;;) {
    await sleep(between(4_000, 10_000));
    lot = await readLot(lotId);
    if (lot.status !== 'open' || Date.parse(lot.endsAt) <= Date.now()) break;
    const candidates = bidders.filter((b) => b.pseudonym !== lot.leader);
    if (!candidates.length) continue;
    const { account, pseudonym } = candidates[between(0, candidates.length - 1)];
    const current = lot.currentFen === null ? null : BigInt(lot.currentFen);
    let amount = current === null ? BigInt(lot.startingPriceFen) : current + incrementAt(lot, current) * BigInt(between(1, 2));
    const idempotencyKey = randomUUID();
    for (let tries = 0; tries < 2; tries++) {
      const r = await call<{ status: string; code?: string; minimumFen?: string; endsAt: string }>(account, 'POST', `/lots/${lotId}/bids`, {
        amountFen: amount.toString(),
        idempotencyKey: tries === 0 ? idempotencyKey : randomUUID(),
      });
      if (r.body.status === 'accepted') {
        const extended = r.body.endsAt !== lot.endsAt ? `, end moved to ${r.body.endsAt}` : '';
        log(`${account.name} (${pseudonym}) bid ${yuan(amount)} on 「${lot.title}」: accepted${extended}`);
        break;
      }
      log(`${account.name} (${pseudonym}) bid ${yuan(amount)} on 「${lot.title}」: ${r.body.status ?? r.status} ${r.body.code ?? ''}`);
      if (!r.body.minimumFen) break;
      amount = BigInt(r.body.minimumFen); // outbid meanwhile: once more at the minimum
    }
  }
  // the worker's close job closes it at its end; wait for the outcome
  for (let i = 0; i < 60 && lot.status !== 'closed'; i++) {
    await sleep(2_000);
    lot = await readLot(lotId);
  }
  log(`「${lot.title}」 ${lot.status}: ${lot.result ?? '—'}${lot.hammerPriceFen ? `, hammer price ${yuan(lot.hammerPriceFen)} to ${lot.winner}` : ''}`);
}

/** The holder puts the contract of the demo's first sold lot out for signature and signs it: the winner's signature is awaited. */
async function contractForSignature(): Promise<void> {
  const seller: Account = { name: '浙大', email: SELLER };
  await login(seller);
  const title = DEMO_CLOSING_SESSION.lots[0];
  for (let i = 0; i < 90; i++) {
    const list = await call<{ items: { id: string; title: string; status: string }[] }>(seller, 'GET', '/contracts?role=seller&limit=100');
    const found = list.body.items?.find((x) => x.title.startsWith(title));
    if (found && found.status !== 'draft') return; // done by an earlier demo run
    if (found) {
      const c = (await call<{ id: string; title: string; version: number }>(seller, 'GET', `/contracts/${found.id}`)).body;
      const submitted = await call<{ status: string; code?: string }>(seller, 'POST', `/contracts/${c.id}/submission`, { version: c.version });
      const signed = await call<{ status: string; code?: string }>(seller, 'POST', `/contracts/${c.id}/signatures`, { version: c.version });
      log(
        `contract 「${c.title}」: submitted (${submitted.status}), signed by the holder (${signed.status}); it awaits the winner's signature at /desk/contracts`,
      );
      return;
    }
    await sleep(2_000);
  }
  log(`no contract for 「${title}」 yet (is the worker running?)`);
}

async function main(): Promise<void> {
  const accounts: Account[] = BIDDERS.map((b) => ({ ...b }));
  for (const a of accounts) await login(a);
  log(`signed in: ${accounts.map((a) => a.email).join(', ')}; bidding on the open lots of the themed sessions at ${API}`);
  void contractForSignature().catch((err: unknown) => log(`contract step failed: ${String(err)}`));
  let idle = false;
  while (!stopping) {
    const live = await call<{ items: { id: string; sessionId: string | null; live: boolean; endsAt: string }[] }>(
      null,
      'GET',
      '/lots?status=live&limit=100',
    ).catch((err: unknown) => ({ status: 0, body: { items: [] }, error: String(err) }));
    if (live.status !== 200) {
      log(`GET /lots?status=live: ${live.status}; asking again in 5 s`);
      await sleep(5_000);
      continue;
    }
    // the demo's timed lots in themed sessions, the one ending first
    const next = (live.body.items ?? []).filter((l) => l.sessionId && !l.live).sort((x, y) => x.endsAt.localeCompare(y.endsAt))[0];
    if (!next) {
      if (!idle) log('no open lot in a themed session; looking again every 15 s');
      idle = true;
      await sleep(15_000);
      continue;
    }
    idle = false;
    await bidOn(next.id, accounts).catch(async (err: unknown) => {
      log(`bidding stopped by an error (${err instanceof Error ? err.message : String(err)}); looking again in 5 s`);
      await sleep(5_000);
    });
  }
}

main().catch((err: unknown) => {
  stopping = true;
  log(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
