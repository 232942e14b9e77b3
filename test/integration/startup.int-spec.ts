// @expectedSeconds 30 (on a quiet machine): the test sequencer starts the longest files first (test/support/sequencer.cjs).
import { randomBytes } from 'node:crypto';
import { runProcess } from '../support/processes';

/** A production environment with secrets of its own (made here, so not published in the repository). */
function productionEnv(): Record<string, string> {
  const own = randomBytes(16).toString('hex');
  return { NODE_ENV: 'production', JWT_SECRET: `jwt-${own}`, STRIPE_SECRET_KEY: `sk_live_${own}`, STRIPE_WEBHOOK_SECRET: `whsec_${own}` };
}

describe('start-up configuration', () => {
  it.each([
    ['DATABASE_URL', 'mysql://nope', /^Invalid configuration: DATABASE_URL .*postgres/],
    ['PORT', 'eighty', /^Invalid configuration: PORT /],
    ['JWT_SECRET', 'short', /^Invalid configuration: JWT_SECRET .*32 characters/],
    ['REDIS_URL', 'localhost:6379', /^Invalid configuration: REDIS_URL /],
  ])('stops the API with one line naming %s when it is malformed', async (name, value, line) => {
    const { code, stdout, stderr } = await runProcess('apps/api/src/main.js', [], { [name]: value });
    expect(code).toBe(78);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(line);
  });

  it('stops the worker the same way', async () => {
    const { code, stderr } = await runProcess('apps/worker/src/main.js', [], { LOG_LEVEL: 'loud' });
    expect(code).toBe(78);
    expect(stderr.trim()).toMatch(/^Invalid configuration: LOG_LEVEL /);
  });

  it('refuses the development JWT secret in production', async () => {
    const { code, stderr } = await runProcess('apps/api/src/main.js', [], { NODE_ENV: 'production', JWT_SECRET: '' });
    expect(code).toBe(78);
    expect(stderr).toMatch(/JWT_SECRET/);
  });

  it.each([
    ['JWT_SECRET', 'compose-demo-secret-set-your-own-32-chars'],
    ['STRIPE_WEBHOOK_SECRET', 'whsec_local_development'],
  ])('refuses to start the API or the worker in production with %s published in the repository', async (name, value) => {
    for (const entry of ['apps/api/src/main.js', 'apps/worker/src/main.js']) {
      const { code, stderr } = await runProcess(entry, [], { ...productionEnv(), [name]: value });
      expect(code).toBe(78);
      expect(stderr.trim()).toBe(`Invalid configuration: ${name} holds a secret published in the repository; production needs its own`);
    }
  });

  it('refuses to start production without the Stripe keys', async () => {
    const env = productionEnv();
    delete env.STRIPE_SECRET_KEY; // (the test runner's own environment has none either)
    const { code, stderr } = await runProcess('apps/api/src/main.js', [], env);
    expect(code).toBe(78);
    expect(stderr).toMatch(/^Invalid configuration: STRIPE_SECRET_KEY must be set in production/);
  });

  it('never seeds the demo accounts (published password) into production unless ZJP_DEMO=1 asks for a demonstration', async () => {
    const { code, stderr } = await runProcess('apps/api/src/cli/seed.js', [], productionEnv());
    expect(code).toBe(78);
    expect(stderr).toMatch(/db:seed refuses NODE_ENV=production.*ZJP_DEMO=1/);
  });
});
