import { isKnownSecret } from './known-secrets';
import { z } from 'zod';
import { schedule } from './schedule-setting';

/**
 * Every setting the processes read, validated once at start-up. Defaults work on a developer
 * machine (local PostgreSQL and Redis); production overrides them through the environment.
 */
/** A rate limit written `<requests>/<seconds>` (e.g. `10/900`: ten per 15 minutes). */
export interface RateSetting {
  limit: number;
  windowSeconds: number;
}

const rate = (fallback: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,8}\/[1-9]\d{0,6}$/, 'must be <requests>/<seconds>, e.g. 10/900')
    .default(fallback)
    .transform((v): RateSetting => {
      const [limit, windowSeconds] = v.split('/').map(Number);
      return { limit, windowSeconds };
    });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/[^\s]+\/[A-Za-z0-9_]+(\?.*)?$/, 'must be a postgres:// URL naming a database')
    .default('postgres://postgres@127.0.0.1:5432/zjp_demo'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]+:$/, 'must be lower-case letters, digits or dashes ending with a colon')
    .default('zjp:'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default('dev-only-secret-change-me-in-production!!'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: z.string().url('must be a URL').optional(),
  // V8's young-generation collector on helper threads (on) or on the process's own thread (off, the default):
  // with one API process per core (docker/compose.yml), helpers only compete with the other processes for the
  // cores; on a 2-core machine off cut the API's CPU per bid by a quarter (docs/BENCHMARKS.md, "fourth pass").
  GC_PARALLEL_SCAVENGE: z.enum(['on', 'off']).default('off'),
  // Which API process judges a lot's online bids: owner (the default) = one process per lot, chosen by hashing over the live
  // API processes, to which the others forward its bids through Redis; local = the process the bid arrived at (all of them
  // then take turns on the lot's lock). Correctness is the same either way (docs/BENCHMARKS.md, "fifth pass").
  BID_ROUTING: z.enum(['owner', 'local']).default('owner'),
  // With BID_ROUTING=owner, a lot's bids go to its owner only while the lot is hot: this many bids of it per second at this
  // process (in the current or the last second). A cold lot gains nothing from one queue and the hop costs CPU (0: every lot).
  BID_ROUTING_HOT_RATE: z.coerce.number().int().min(0).max(100_000).default(50),
  // Live updates to a lot's watchers: at most one lot.bids event per lot per this many ms per API process (0: one per commit).
  LIVE_COALESCE_MS: z.coerce.number().int().min(0).max(1000).default(50),
  // The spectators' feed (GET /live): a feed socket with more unsent bytes than this is dropped (its client reconnects and fills the gap).
  LIVE_FEED_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  // Stripe, through the official SDK. STRIPE_API_BASE points the SDK at another server speaking
  // Stripe's API (tests and the demo use the local one in test/stripe-server); unset = api.stripe.com.
  // Development and test fall back to the local values below; production must set both.
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret key (sk_test_…)')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w+$/, 'must be a Stripe webhook signing secret (whsec_…)')
    .optional(),
  STRIPE_API_BASE: z.string().url('must be a URL such as http://127.0.0.1:12111').optional(),
  // GET /metrics (Prometheus): with a token, only `Authorization: Bearer <token>`; without one, only
  // direct (not proxied) requests from loopback or private addresses.
  METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'must be at least 16 characters').optional()),
  // Rate limits (README "Rate limits and security headers"): <requests>/<seconds>, shared by every API process through Redis
  // except RATE_LIMIT_SOCKET_BID_PER_CONNECTION (a token bucket per socket: <burst>/<seconds to refill it>).
  RATE_LIMIT_LOGIN_PER_ACCOUNT: rate('10/900'),
  RATE_LIMIT_LOGIN_PER_ADDRESS: rate('100/900'),
  RATE_LIMIT_REFRESH_PER_ADDRESS: rate('60/60'),
  RATE_LIMIT_REGISTRATION_PER_USER: rate('30/3600'),
  RATE_LIMIT_HTTP_BID_PER_USER: rate('60/60'),
  RATE_LIMIT_UPLOAD_PER_USER: rate('30/3600'),
  RATE_LIMIT_SOCKET_BID_PER_CONNECTION: rate('10/5'),
  RATE_LIMIT_SOCKET_BID_PER_USER: rate('120/60'),
  // The worker's repeating jobs (README "Scheduled jobs"): off, every <n>s|m|h, or a cron pattern in Asia/Shanghai time.
  SCHEDULE_IDLE_SCAN: schedule('10 0 * * *'),
  SCHEDULE_CLOSE_DUE_LOTS: schedule('every 60s'),
  SCHEDULE_CONCLUDE_DUE_LISTINGS: schedule('every 15m'),
  SCHEDULE_CONTRACTS_SWEEP: schedule('every 5m'),
  SCHEDULE_SUBSIDY_SWEEP: schedule('every 10m'),
  SCHEDULE_EVENT_RELAY: schedule('every 2s'),
  SCHEDULE_PURGE_SESSIONS: schedule('17 3 * * *'),
  SCHEDULE_PURGE_EVENTS: schedule('37 3 * * *'),
  // Market figures (README "Market figures and reports"): facts refresh, the daily activity index, the periodic reports.
  SCHEDULE_REPORT_FACTS: schedule('every 15m'),
  SCHEDULE_ACTIVITY_INDEX: schedule('40 0 * * *'),
  SCHEDULE_PERIODIC_REPORTS: schedule('0 2 1 * *'),
});

const DEVELOPMENT_STRIPE = { STRIPE_SECRET_KEY: 'sk_test_local_development', STRIPE_WEBHOOK_SECRET: 'whsec_local_development' } as const;

/** The secrets a production process checks against KNOWN_SECRETS, with the variable that holds each. */
function secretsOf(data: z.infer<typeof schema>): [string, string | undefined][] {
  const password = (url: string) => {
    try {
      return decodeURIComponent(new URL(url).password) || undefined;
    } catch {
      return undefined;
    }
  };
  return [
    ['JWT_SECRET', data.JWT_SECRET],
    ['STRIPE_SECRET_KEY', data.STRIPE_SECRET_KEY],
    ['STRIPE_WEBHOOK_SECRET', data.STRIPE_WEBHOOK_SECRET],
    ['METRICS_TOKEN', data.METRICS_TOKEN],
    ['DATABASE_URL', password(data.DATABASE_URL)],
    ['REDIS_URL', password(data.REDIS_URL)],
  ];
}

export type AppConfig = Readonly<
  Omit<z.infer<typeof schema>, 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET'> & { STRIPE_SECRET_KEY: string; STRIPE_WEBHOOK_SECRET: string }
>;

export const APP_CONFIG = Symbol.for('zjp.AppConfig');

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws one ConfigError naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const result = schema.safeParse(env);
  if (result.success) {
    const data = result.data;
    if (data.NODE_ENV === 'production') {
      if (env.JWT_SECRET === undefined) throw new ConfigError('JWT_SECRET', 'must be set in production');
      for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const) {
        if (data[name] === undefined) throw new ConfigError(name, 'must be set in production (no Stripe call is made with a development key)');
      }
      for (const [name, value] of secretsOf(data)) {
        if (value !== undefined && isKnownSecret(value)) throw new ConfigError(name, 'holds a secret published in the repository; production needs its own');
      }
    }
    return Object.freeze({
      ...data,
      STRIPE_SECRET_KEY: data.STRIPE_SECRET_KEY ?? DEVELOPMENT_STRIPE.STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: data.STRIPE_WEBHOOK_SECRET ?? DEVELOPMENT_STRIPE.STRIPE_WEBHOOK_SECRET,
    });
  }
  const issue = result.error.issues[0];
  const variable = String(issue.path[0] ?? 'environment');
  const value = env[variable];
  const shown = value === undefined ? 'is missing' : `(${JSON.stringify(value)}) ${issue.message}`;
  throw new ConfigError(variable, value === undefined ? `is missing: ${issue.message}` : shown);
}

/**
 * For entry points: parse or exit with one clear line. The process must not start half-configured.
 */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): AppConfig {
  try {
    return parseConfig(env);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(78); // EX_CONFIG
  }
}
