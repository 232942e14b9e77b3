/**
 * The fuzz world: the built API as a real process (dist/, as production runs it) on its own
 * database with the demo data (every role, several organisations of each type) plus lots,
 * registrations, deals and contracts of those organisations, the local Stripe-speaking server,
 * a logged-in session per demo account, and the ids the fuzzer fills paths and fields with.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../libs/database/src/data-source-options';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../apps/api/src/cli/demo-data';
import { startStripeServer, type StripeServer } from '../../stripe-server/stripe-server';
import { insertDeal } from '../contract-factory';
import { insertRegisteredContract } from '../subsidy-factory';
import { runProcess, startProcess, type RunningProcess } from '../processes';
import { UNTHROTTLED } from '../unthrottled';
import type { FuzzContext } from './arbitraries';

export interface Principal {
  name: string;
  email: string;
  role: string;
  organizationId: string;
  token: string;
}

export interface FuzzWorldOptions {
  /** a migrated (or, with migrate, empty) database of its own */
  databaseUrl: string;
  redisUrl: string;
  migrate?: boolean;
  /** more environment for the API process */
  env?: Record<string, string>;
}

export interface FuzzWorld {
  baseUrl: string;
  databaseUrl: string;
  principals: Principal[];
  context: FuzzContext;
  api: RunningProcess;
  token(name: string): string | undefined;
  /** logs a principal in again (after a fuzzed logout revoked its session) */
  relogin(name: string): Promise<void>;
  /** a fresh refresh token of a disposable session, and forget a used one */
  rotateRefreshToken(used: string, fresh?: string): void;
  /** a cheap fingerprint of every table (row count and newest row version): equal before and after = nothing written */
  fingerprint(): Promise<string>;
  stop(): Promise<void>;
}

async function login(baseUrl: string, email: string): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`fuzz world: login of ${email} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { accessToken: string; refreshToken: string };
}

/** Lots of the demo holders (open now, one live), each enterprise registered with a held deposit, and deals and contracts between demo organisations. */
async function insertMarket(ds: DataSource): Promise<void> {
  const orgs = (await ds.query(`SELECT id, type, name FROM organizations`)) as { id: string; type: string; name: string }[];
  const enterprises = orgs.filter((o) => o.type === 'enterprise');
  const achievements = (await ds.query(`SELECT id, holder_id FROM achievements WHERE registration_status = 'registered' ORDER BY holder_id, title`)) as {
    id: string;
    holder_id: string;
  }[];
  const byHolder = new Map<string, string[]>();
  for (const a of achievements) byHolder.set(a.holder_id, [...(byHolder.get(a.holder_id) ?? []), a.id]);
  let live = true;
  for (const [holderId, ids] of byHolder) {
    for (const achievementId of ids.slice(0, 2)) {
      const [listing] = (await ds.query(
        `INSERT INTO listings (achievement_id, holder_id, mode, price_fen, status, deal_type) VALUES ($1, $2, 'auction', 1000000, 'active', 'transfer') RETURNING id`,
        [achievementId, holderId],
      )) as { id: string }[];
      const [lot] = (await ds.query(
        `INSERT INTO lots (listing_id, achievement_id, holder_id, title, starting_price_fen, increment, deposit_fen, starts_at, ends_at, original_ends_at, extension_minutes, live, status)
         VALUES ($1, $2, $3, '模糊测试标的', 1000000, '{"kind":"fixed","amountFen":"10000"}', 100000, now() - interval '1 minute', now() + interval '3 hours', now() + interval '3 hours', 5, $4, 'open') RETURNING id`,
        [listing.id, achievementId, holderId, live],
      )) as { id: string }[];
      live = false;
      let paddle = 0;
      for (const e of enterprises) {
        await ds.query(`INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, offline, deposit_status) VALUES ($1, $2, $3, false, 'held')`, [
          lot.id,
          e.id,
          ++paddle,
        ]);
      }
    }
  }
  const textile = enterprises.find((e) => e.name.includes('纺织'))?.id ?? enterprises[0].id;
  const zju = orgs.find((o) => o.name === '浙江大学')?.id;
  await insertDeal(ds);
  await insertDeal(ds, { source: 'fixed_price', dealType: 'transfer' });
  await insertRegisteredContract(ds, { buyerId: textile, sellerId: zju });
  await insertRegisteredContract(ds, { buyerId: textile, type: 'transfer', registeredOn: null });
}

/** Ids by resource, each with its organisation, for paths and *Id fields. */
async function idPools(ds: DataSource): Promise<FuzzContext['ids']> {
  const sources: Record<string, string> = {
    organizations: `SELECT id, id AS org FROM organizations`,
    notifications: `SELECT id, organization_id AS org FROM notifications`,
    achievements: `SELECT id, holder_id AS org FROM achievements`,
    ip_rights: `SELECT r.id, a.holder_id AS org FROM ip_rights r JOIN achievements a ON a.id = r.achievement_id`,
    justifications: `SELECT j.id, a.holder_id AS org FROM justifications j JOIN achievements a ON a.id = j.achievement_id`,
    transformations: `SELECT t.id, a.holder_id AS org FROM transformations t JOIN achievements a ON a.id = t.achievement_id`,
    free_license_applications: `SELECT id, enterprise_id AS org FROM free_license_applications`,
    listings: `SELECT id, holder_id AS org FROM listings`,
    deals: `SELECT id, buyer_id AS org FROM deals`,
    lots: `SELECT id, holder_id AS org FROM lots`,
    auction_sessions: `SELECT id, NULL AS org FROM auction_sessions`,
    contracts: `SELECT id, buyer_id AS org FROM contracts UNION ALL SELECT id, seller_id FROM contracts`,
    payments: `SELECT id, organization_id AS org FROM payments`,
    subsidy_policies: `SELECT id, authority_id AS org FROM subsidy_policies`,
    subsidy_applications: `SELECT id, enterprise_id AS org FROM subsidy_applications`,
    subsidy_batches: `SELECT id, authority_id AS org FROM subsidy_batches`,
    research_fundings: `SELECT id, enterprise_id AS org FROM research_fundings`,
  };
  const out: FuzzContext['ids'] = {};
  for (const [name, sql] of Object.entries(sources)) out[name] = (await ds.query(sql)) as { id: string; org: string | null }[];
  return out;
}

/** One query over every table: its row count and the newest row version (xmin) it holds. */
async function fingerprintQuery(ds: DataSource): Promise<string> {
  const tables = (await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY tablename`)) as {
    tablename: string;
  }[];
  return tables.map((t) => `SELECT '${t.tablename}' AS t, count(*) AS n, coalesce(max(xmin::text::bigint), 0) AS x FROM "${t.tablename}"`).join(' UNION ALL ');
}

export async function startFuzzWorld(options: FuzzWorldOptions): Promise<FuzzWorld> {
  const stripe: StripeServer = await startStripeServer({ port: 0, webhookSecret: 'whsec_e2e_secret' });
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: `zjp-fuzz-${randomBytes(4).toString('hex')}:`,
    JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: 'error',
    STRIPE_API_BASE: stripe.url,
    STRIPE_SECRET_KEY: 'sk_test_e2e',
    STRIPE_WEBHOOK_SECRET: 'whsec_e2e_secret',
    ...UNTHROTTLED, // a fuzzer sends thousands of requests from one address: the abuse limits are tested in abuse.e2e-spec.ts
    ...options.env,
  };
  const must = async (entry: string, args: string[] = []) => {
    const r = await runProcess(entry, args, env);
    if (r.code !== 0) throw new Error(`${entry} failed (${r.code}): ${r.stderr || r.stdout}`);
  };
  if (options.migrate) await must('libs/database/src/cli/migrate.js', ['up']);
  await must('apps/api/src/cli/seed.js');
  const ds = await new DataSource(dataSourceOptions(options.databaseUrl)).initialize();
  await insertMarket(ds);
  const ids = await idPools(ds);
  const fingerprintSql = await fingerprintQuery(ds);
  await ds.destroy();

  const api = await startProcess('apps/api/src/main.js', env, /api listening on (http:\/\/\S+)/);
  const baseUrl = api.match[1].replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
  const orgOf = new Map((ids.organizations ?? []).map((o) => [o.id, o.id]));
  const users = await (async () => {
    const c = new Client({ connectionString: options.databaseUrl });
    await c.connect();
    try {
      return (await c.query(`SELECT email, organization_id FROM users`)).rows as { email: string; organization_id: string }[];
    } finally {
      await c.end();
    }
  })();
  const principals: Principal[] = [];
  for (const u of DEMO_USERS) {
    const organizationId = users.find((r) => r.email === u.email)!.organization_id;
    if (!orgOf.has(organizationId)) throw new Error(`fuzz world: ${u.email} has no organisation`);
    principals.push({
      name: `${u.roles[0]}:${u.email.split('@')[1].split('.')[0]}`,
      email: u.email,
      role: u.roles[0],
      organizationId,
      token: (await login(baseUrl, u.email)).accessToken,
    });
  }
  // a disposable session whose refresh token the fuzzer may rotate (POST /auth/refresh)
  const refreshTokens = [(await login(baseUrl, DEMO_USERS[DEMO_USERS.length - 1].email)).refreshToken];

  const fp = new Client({ connectionString: options.databaseUrl });
  await fp.connect();
  return {
    baseUrl,
    databaseUrl: options.databaseUrl,
    principals,
    api,
    context: { principals, ids, refreshTokens: () => refreshTokens },
    token: (name) => principals.find((p) => p.name === name)?.token,
    relogin: async (name) => {
      const p = principals.find((x) => x.name === name);
      if (p) p.token = (await login(baseUrl, p.email)).accessToken;
    },
    rotateRefreshToken: (used, fresh) => {
      const i = refreshTokens.indexOf(used);
      if (i >= 0) refreshTokens.splice(i, 1);
      if (fresh) refreshTokens.push(fresh);
    },
    fingerprint: async () => ((await fp.query(fingerprintSql)).rows as { t: string; n: string; x: string }[]).map((r) => `${r.t}:${r.n}:${r.x}`).join(' '),
    stop: async () => {
      await fp.end();
      await api.stop();
      await stripe.close();
    },
  };
}

/** The difference between two fingerprints, table by table. */
export function fingerprintDiff(before: string, after: string): string {
  const a = new Map(before.split(' ').map((e) => [e.split(':')[0], e]));
  return after
    .split(' ')
    .filter((e) => a.get(e.split(':')[0]) !== e)
    .map((e) => `${e.split(':')[0]} (${a.get(e.split(':')[0])?.split(':').slice(1).join('/') ?? '-'} → ${e.split(':').slice(1).join('/')})`)
    .join(', ');
}
