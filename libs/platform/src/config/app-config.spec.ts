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

  it('refuses to run production with the development secret', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET must be set in production/);
    expect(parseConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) }).NODE_ENV).toBe('production');
  });
});
