import { randomBytes } from 'node:crypto';
import { ConfigError, parseConfig } from './app-config';

describe('parseConfig', () => {
  it('works on a developer machine with no variables set', () => {
    const config = parseConfig({});
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/zjp_demo');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.PORT).toBe(3000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', 'abc'],
    ['DATABASE_URL', 'postgres://host-without-database'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_PREFIX', 'NoColon'],
    ['JWT_SECRET', 'too-short'],
    ['ACCESS_TOKEN_TTL_SECONDS', '5'],
    ['LOG_LEVEL', 'verbose'],
    ['NODE_ENV', 'staging'],
    ['RATE_LIMIT_LOGIN_PER_ACCOUNT', '10'],
    ['RATE_LIMIT_LOGIN_PER_ADDRESS', '0/60'],
    ['RATE_LIMIT_SOCKET_BID_PER_USER', '1.5/60'],
    ['RATE_LIMIT_HTTP_BID_PER_USER', '60/-1'],
    ['SCHEDULE_IDLE_SCAN', 'daily'],
    ['SCHEDULE_IDLE_SCAN', '61 0 * * *'],
    ['SCHEDULE_IDLE_SCAN', '* * * *'],
    ['SCHEDULE_CLOSE_DUE_LOTS', 'every 0s'],
    ['SCHEDULE_CLOSE_DUE_LOTS', 'every 500ms'],
    ['SCHEDULE_CLOSE_DUE_LOTS', 'every 8000h'],
    ['BID_ROUTING', 'sticky'],
    ['BID_ROUTING_HOT_RATE', '-1'],
    ['BID_ROUTING_HOT_RATE', '2.5'],
  ])('names %s in one line when it is %j', (name, value) => {
    let error: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as Error).message).toMatch(new RegExp(`^Invalid configuration: ${name} `));
    expect((error as Error).message).not.toContain('\n');
  });

  it("routes a hot lot's bids to one process by default (50 bids/s), and reads local and 0 (every lot)", () => {
    const defaults = parseConfig({});
    expect([defaults.BID_ROUTING, defaults.BID_ROUTING_HOT_RATE]).toEqual(['owner', 50]);
    const set = parseConfig({ BID_ROUTING: 'local', BID_ROUTING_HOT_RATE: '0' });
    expect([set.BID_ROUTING, set.BID_ROUTING_HOT_RATE]).toEqual(['local', 0]);
  });

  it('reads rate limits as <requests>/<seconds>, with production defaults', () => {
    const defaults = parseConfig({});
    expect(defaults.RATE_LIMIT_LOGIN_PER_ACCOUNT).toEqual({ limit: 10, windowSeconds: 900 });
    expect(defaults.RATE_LIMIT_SOCKET_BID_PER_CONNECTION).toEqual({ limit: 10, windowSeconds: 5 });
    expect(parseConfig({ RATE_LIMIT_REFRESH_PER_ADDRESS: '1000000/60' }).RATE_LIMIT_REFRESH_PER_ADDRESS).toEqual({ limit: 1_000_000, windowSeconds: 60 });
  });

  it('reads the scheduled jobs as off, every <n>s|m|h, or a cron pattern in Beijing time, with the documented defaults', () => {
    const defaults = parseConfig({});
    expect(defaults.SCHEDULE_IDLE_SCAN).toEqual({ kind: 'cron', pattern: '10 0 * * *' });
    expect(defaults.SCHEDULE_CLOSE_DUE_LOTS).toEqual({ kind: 'every', ms: 60_000 });
    expect(defaults.SCHEDULE_CONCLUDE_DUE_LISTINGS).toEqual({ kind: 'every', ms: 900_000 });
    const set = parseConfig({ SCHEDULE_IDLE_SCAN: 'off', SCHEDULE_CONTRACTS_SWEEP: 'every 2h', SCHEDULE_PURGE_EVENTS: '0  5 * * 1-5' });
    expect(set.SCHEDULE_IDLE_SCAN).toEqual({ kind: 'off' });
    expect(set.SCHEDULE_CONTRACTS_SWEEP).toEqual({ kind: 'every', ms: 7_200_000 });
    expect(set.SCHEDULE_PURGE_EVENTS).toEqual({ kind: 'cron', pattern: '0 5 * * 1-5' });
  });

  it('refuses to run production with the development secret', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET must be set in production/);
    expect(parseConfig({ ...production }).NODE_ENV).toBe('production');
  });

  // made here, not written down: a secret written in the repository is refused in production
  const own = randomBytes(12).toString('hex');
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: 'p'.repeat(40),
    STRIPE_SECRET_KEY: `sk_live_${own}`,
    STRIPE_WEBHOOK_SECRET: `whsec_${own}`,
    DATABASE_URL: `postgres://zjp:${own}@db:5432/zjp`,
  };

  it.each(['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'])('requires %s in production, and only there', (name) => {
    expect(() => parseConfig({ ...production, [name]: undefined })).toThrow(new RegExp(`^Invalid configuration: ${name} must be set in production`));
    const development = parseConfig({});
    expect(development.STRIPE_SECRET_KEY).toBe('sk_test_local_development');
    expect(development.STRIPE_WEBHOOK_SECRET).toBe('whsec_local_development');
  });

  it.each([
    ['JWT_SECRET', 'compose-demo-secret-set-your-own-32-chars'],
    ['JWT_SECRET', 'zjp-test-jwt-secret-at-least-32-characters'],
    ['STRIPE_SECRET_KEY', 'sk_test_local_development'],
    ['STRIPE_SECRET_KEY', 'sk_test_faults0123abcd'], // a published prefix with something appended
    ['STRIPE_WEBHOOK_SECRET', 'whsec_local_development'],
    ['METRICS_TOKEN', 'metrics-test-token-0123456789abcdef'],
    ['DATABASE_URL', 'postgres://zjp:zjp@postgres:5432/zjp'],
    ['REDIS_URL', 'redis://:Demo-2026!@redis:6379'],
  ])('refuses to start production when %s holds a secret published in the repository (%s)', (name, value) => {
    expect(() => parseConfig({ ...production, [name]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${name} holds a secret published in the repository`),
    );
    expect(parseConfig({ [name]: value })[name as 'JWT_SECRET']).toBe(value); // development takes them
  });

  it('takes a metrics token of at least 16 characters', () => {
    expect(parseConfig({ METRICS_TOKEN: 'a'.repeat(16) }).METRICS_TOKEN).toBe('a'.repeat(16));
    expect(() => parseConfig({ METRICS_TOKEN: 'x'.repeat(15) })).toThrow(/METRICS_TOKEN/);
  });
});
