import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { mapError, RedisConnectionFactory, RedisThrottlerStorage, SharedWindowCounter } from '../../libs/platform/src';
import { testConfig } from '../support/config';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/env';

/** Many API processes, each with its own connection to the one Redis. */
function processes(n: number, prefix: string): RedisConnectionFactory[] {
  const config = testConfig(TEST_DATABASE_URL, { REDIS_PREFIX: prefix });
  return Array.from({ length: n }, () => new RedisConnectionFactory(config));
}

describe('rate-limit storage in Redis', () => {
  const prefix = `zjp-rl-${randomBytes(4).toString('hex')}:`;
  const factories = processes(12, prefix);
  const redis = new Redis(TEST_REDIS_URL);
  afterAll(async () => {
    await Promise.all(factories.map((f) => f.onApplicationShutdown()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('counts concurrent increments from many connections atomically: exactly `limit` get through', async () => {
    const storages = factories.map((f) => new RedisThrottlerStorage(f));
    const limit = 250;
    const results = await Promise.all(
      Array.from({ length: 1200 }, (_, i) => storages[i % storages.length].increment('k1', 60_000, limit, 30_000, 'login-account')),
    );
    expect(results.filter((r) => !r.isBlocked)).toHaveLength(limit);
    const hits = results.map((r) => r.totalHits).sort((a, b) => a - b);
    expect(hits).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1)); // every increment saw its own count: none lost, none repeated
    for (const r of results.filter((x) => x.isBlocked)) expect(r.timeToBlockExpire).toBeGreaterThanOrEqual(29);
    expect(await redis.get(`${prefix}rl:login-account:k1`)).toBe('1200');
    expect(await redis.pttl(`${prefix}rl:login-account:k1`)).toBeGreaterThan(55_000);
    expect(await redis.pttl(`${prefix}rl:login-account:k1:block`)).toBeGreaterThan(25_000);
  });

  it('keeps scopes and keys apart, and reports the time left in the window', async () => {
    const storage = new RedisThrottlerStorage(factories[0]);
    const a = await storage.increment('same', 10_000, 1, 10_000, 'refresh-address');
    const b = await storage.increment('same', 10_000, 1, 10_000, 'bid-user');
    const c = await storage.increment('other', 10_000, 1, 10_000, 'refresh-address');
    expect([a, b, c].map((r) => [r.totalHits, r.isBlocked])).toEqual([
      [1, false],
      [1, false],
      [1, false],
    ]);
    expect(a.timeToExpire).toBe(10);
    const d = await storage.increment('same', 10_000, 1, 10_000, 'refresh-address');
    expect([d.totalHits, d.isBlocked, d.timeToBlockExpire]).toEqual([2, true, 10]);
  });

  it('lets requests through again when the block and the window end, without the block being extended by attempts', async () => {
    const storage = new RedisThrottlerStorage(factories[1]);
    for (let i = 0; i < 3; i++) expect((await storage.increment('w', 400, 3, 600, 'bid-user')).isBlocked).toBe(false);
    expect((await storage.increment('w', 400, 3, 600, 'bid-user')).isBlocked).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect((await storage.increment('w', 400, 3, 600, 'bid-user')).isBlocked).toBe(true); // still blocked, not extended
    await new Promise((r) => setTimeout(r, 350));
    const after = await storage.increment('w', 400, 3, 600, 'bid-user');
    expect([after.isBlocked, after.totalHits]).toEqual([false, 1]);
  });

  it('shares one per-user window between processes that count locally and flush in batches', async () => {
    const limit = 200;
    const counters = factories
      .slice(0, 4)
      .map((f) => new SharedWindowCounter(f.client(), { prefix: `${prefix}rl:socket-bid-user:`, limit, windowMs: 60_000, flushMs: 10 }));
    // four processes, each taking bids for the same user as fast as they arrive, in rounds between flushes
    let accepted = 0;
    for (let round = 0; round < 40; round++) {
      for (const counter of counters) for (let i = 0; i < 5; i++) if (counter.take('user-1') === 0) accepted++;
      await Promise.all(counters.map((c) => c.flush()));
    }
    // Each process learns the total when it flushes; flushes of one round run at once, so a process may miss
    // the others' counts of that round: the overshoot is at most what the other three took in one round.
    expect(accepted).toBeGreaterThanOrEqual(limit);
    expect(accepted).toBeLessThanOrEqual(limit + 3 * 5);
    const window = Math.floor(Date.now() / 60_000);
    expect(await redis.get(`${prefix}rl:socket-bid-user:user-1:${window}`)).toBe(String(accepted)); // every accepted bid counted once
    expect(counters[0].take('user-1')).toBeGreaterThan(0);
    expect(counters[0].take('user-2')).toBe(0); // another user is unaffected
    await Promise.all(counters.map((c) => c.flush()));
    counters.forEach((c) => c.close());
  });

  it('sends the counts of many users in one command per thousand keys, each total and expiry right', async () => {
    const client = factories[8].client();
    const counter = new SharedWindowCounter(client, { prefix: `${prefix}rl:many:`, limit: 100, windowMs: 60_000, flushMs: 60_000 });
    await counter.flush(); // nothing pending: no command
    const users = Array.from({ length: 2500 }, (_, i) => `u${i}`);
    for (const user of users) for (let n = 0; n <= users.indexOf(user) % 3; n++) counter.take(user); // 1, 2 or 3 each
    const sent: string[] = [];
    const send = client.sendCommand.bind(client);
    const spy = jest.spyOn(client, 'sendCommand').mockImplementation((command, stream) => {
      sent.push(command.name);
      return send(command, stream);
    });
    await counter.flush();
    spy.mockRestore();
    // 3 scripts (1000 + 1000 + 500 keys), each EVALSHA, or EVAL when Redis did not know the script yet
    expect(sent.filter((name) => name === 'evalsha')).toHaveLength(3);
    expect(sent.filter((name) => !['evalsha', 'eval'].includes(name))).toEqual([]);
    const window = Math.floor(Date.now() / 60_000);
    const stored = await redis.mget(users.map((u) => `${prefix}rl:many:${u}:${window}`));
    expect(stored).toEqual(users.map((_, i) => String((i % 3) + 1)));
    expect(await redis.pttl(`${prefix}rl:many:u2499:${window}`)).toBeGreaterThan(110_000);
    // the totals came back: a user at the limit in Redis is refused here after the next flush
    await client.incrby(`${prefix}rl:many:u0:${window}`, 99);
    counter.take('u0');
    await counter.flush();
    expect(counter.take('u0')).toBeGreaterThan(0);
    expect(counter.take('u1')).toBe(0);
    counter.close();
  });

  it('overshoots the shared limit by at most what the processes accept between two flushes', async () => {
    const limit = 50;
    const counters = factories
      .slice(4, 8)
      .map((f) => new SharedWindowCounter(f.client(), { prefix: `${prefix}rl:socket-bid-user:`, limit, windowMs: 60_000, flushMs: 10 }));
    let accepted = 0;
    // all four accept up to the limit before anyone has flushed: the worst case
    for (const counter of counters) for (let i = 0; i < 100; i++) if (counter.take('user-3') === 0) accepted++;
    expect(accepted).toBe(limit * counters.length);
    await Promise.all(counters.map((c) => c.flush()));
    // after one flush every process knows the total and refuses
    for (const counter of counters) expect(counter.take('user-3')).toBeGreaterThan(0);
    counters.forEach((c) => c.close());
  });

  it('fails closed with a retryable 503 (not 500, not a pass) when Redis cannot be reached', async () => {
    const unreachable = new RedisConnectionFactory(testConfig(TEST_DATABASE_URL, { REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: prefix }));
    const error = await new RedisThrottlerStorage(unreachable).increment('k', 1_000, 1, 1_000, 'login-address').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(mapError(error)).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', details: { retryAfterSeconds: expect.any(Number) } } });
    await unreachable.onApplicationShutdown();
    await new Promise((r) => setTimeout(r, 2_100)); // ioredis keeps a reconnecting connection's timer (≤ 2 s) after disconnect()
  });

  it('keeps counting locally and sends the counts later when Redis cannot be reached', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const counter = new SharedWindowCounter(dead, { prefix: `${prefix}rl:x:`, limit: 3, windowMs: 60_000, flushMs: 5 });
    expect([counter.take('u'), counter.take('u'), counter.take('u')]).toEqual([0, 0, 0]);
    await counter.flush(); // fails: kept
    expect(counter.take('u')).toBeGreaterThan(0); // still limited by what this process counted
    counter.close();
    dead.disconnect();
  });
});
