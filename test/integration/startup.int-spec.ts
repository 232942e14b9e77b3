import { runProcess } from '../support/processes';

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
});
