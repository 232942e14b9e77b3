import { randomBytes } from 'node:crypto';
import { AppConfig, parseConfig } from '../../libs/platform/src/config/app-config';
import { TEST_REDIS_URL } from './env';
import { UNTHROTTLED } from './unthrottled';

export { UNTHROTTLED };

/** The environment of one test file's processes: its own database and its own Redis key prefix. */
export function testEnv(databaseUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `zjp-test-${randomBytes(4).toString('hex')}:`,
    JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: 'silent',
    ...UNTHROTTLED,
    ...overrides,
  };
}

/** The same, parsed, for an app built in the test's own process. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): AppConfig {
  return parseConfig(testEnv(databaseUrl, overrides));
}
