import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

interface Service {
  command?: string[] | string;
  profiles?: string[];
  environment?: Record<string, string>;
}
const compose = load(readFileSync(join(__dirname, '../../docker/compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  'x-app': { environment: Record<string, string> };
};
const SECRETS = ['JWT_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'];

describe('docker/compose.yml is production-safe by default', () => {
  it.each(SECRETS)('takes %s from the environment with no fallback value (compose stops when it is unset)', (name) => {
    expect(compose['x-app'].environment[name]).toMatch(new RegExp(`^\\$\\{${name}:\\?`));
  });

  it('has no literal database password', () => {
    expect(compose['x-app'].environment.DATABASE_URL).toContain('${POSTGRES_PASSWORD:?');
    expect(compose.services.postgres.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });

  it('seeds the demo accounts only in the demo profile, which says so with ZJP_DEMO=1', () => {
    const seeding = Object.entries(compose.services).filter(([, s]) => JSON.stringify(s.command ?? '').includes('db:seed'));
    expect(seeding.map(([name]) => name)).toEqual(['seed']);
    expect(compose.services.seed.profiles).toEqual(['demo']);
    expect(compose.services.seed.environment?.ZJP_DEMO).toBe('1');
    expect(compose.services.migrate.command).toEqual(['npm', 'run', 'db:migrate']);
  });
});
