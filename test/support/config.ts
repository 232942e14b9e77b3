import { randomBytes } from 'node:crypto';
import { AppConfig, parseConfig } from '../../libs/platform/src/config/app-config';
import { TEST_REDIS_URL } from './env';

/** A config for one test file: its own database and its own Redis key prefix. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): AppConfig {
  return parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `zjp-test-${randomBytes(4).toString('hex')}:`,
    JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}
