// @expectedSeconds 20 (on a quiet machine): the test sequencer starts the longest files first (test/support/sequencer.cjs).
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { CLOCK, type Clock } from '../../libs/core/src';
import { defineEvent, DomainEventHandlers, Outbox, TransactionRunner } from '../../libs/database/src';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { testConfig } from '../support/config';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const ThingHappened = defineEvent<{ thing: string }>()('ThingHappened');

async function until<T>(probe: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('outbox: domain events written with the change, delivered at least once', () => {
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let api: INestApplication;
  let ds: DataSource;
  let outbox: Outbox;
  let tx: TransactionRunner;
  let clock: Clock;
  const seen: { thing: string; by: string; eventId: string }[] = [];
  const failing = new Set<string>();

  beforeAll(async () => {
    db = await createTestDatabase();
    // a worker, with its relay scheduled every 2 s: the safety net behind the maker's own delivery
    const config = testConfig(db.url);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false, abortOnError: false });
    api = await createApiApp(config);
    await api.listen(0, '127.0.0.1');
    ds = worker.get(DataSource);
    outbox = worker.get(Outbox);
    tx = worker.get(TransactionRunner);
    clock = worker.get<Clock>(CLOCK);
    worker.get(DomainEventHandlers).on(ThingHappened, 'test.record', async ({ thing }, { eventId }) => {
      if (failing.has(thing)) throw new Error(`handler refuses ${thing}`);
      seen.push({ thing, by: 'handler', eventId });
    });
  });
  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await db?.drop();
  });

  const row = async (thing: string) =>
    (
      (await ds.query(`SELECT id, delivered_at, attempts, last_error FROM outbox_events WHERE payload->>'thing' = $1`, [thing])) as {
        id: string;
        delivered_at: Date | null;
        attempts: number;
        last_error: string | null;
      }[]
    )[0];

  it('delivers an event right after its transaction commits, once, and writes nothing for a rolled-back one', async () => {
    let seenInside = -1;
    await tx.run(async (m) => {
      await outbox.append(m, ThingHappened.create({ thing: 'committed' }, clock));
      seenInside = seen.filter((s) => s.thing === 'committed').length;
    });
    expect(seenInside).toBe(0); // not before the commit
    expect(seen.filter((s) => s.thing === 'committed')).toHaveLength(1); // at once after it, by the maker
    expect((await row('committed'))?.delivered_at).toBeInstanceOf(Date);

    await expect(
      tx.run(async (m) => {
        await outbox.append(m, ThingHappened.create({ thing: 'rolled-back' }, clock));
        throw new Error('the use case fails');
      }),
    ).rejects.toThrow('the use case fails');
    expect(await row('rolled-back')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2500)); // a relay round later, still nothing
    expect(seen.filter((s) => s.thing === 'rolled-back')).toEqual([]);
  });

  it("delivers through the worker's relay what the maker never delivered (it died after the commit)", async () => {
    // a committed transaction whose process died before delivering: the event is only in the table
    await ds.transaction(async (m) => {
      await outbox.append(m, ThingHappened.create({ thing: 'orphan' }, clock));
    });
    expect(seen.filter((s) => s.thing === 'orphan')).toEqual([]);
    await until(async () => (await row('orphan'))?.delivered_at);
    expect(seen.filter((s) => s.thing === 'orphan')).toHaveLength(1);
  });

  it('keeps the change when a handler fails, records the error, and redelivers after a back-off until the handler succeeds', async () => {
    failing.add('flaky');
    await tx.run(async (m) => {
      await ds.query(`SELECT 1`);
      await outbox.append(m, ThingHappened.create({ thing: 'flaky' }, clock));
    });
    const failed = await row('flaky');
    expect(failed).toMatchObject({ delivered_at: null, attempts: 1, last_error: expect.stringContaining('test.record: Error: handler refuses flaky') });
    failing.delete('flaky');
    const delivered = await until(async () => {
      const r = await row('flaky');
      return r?.delivered_at ? r : undefined;
    });
    expect(delivered.attempts).toBeGreaterThanOrEqual(2);
    expect(delivered.last_error).toBeNull();
    expect(seen.filter((s) => s.thing === 'flaky')).toHaveLength(1);
  });

  it('lets one deliverer at a time run an event: 8 concurrent deliveries, the handlers run once', async () => {
    await ds.transaction(async (m) => {
      await outbox.append(m, ThingHappened.create({ thing: 'contended' }, clock));
    });
    const { id } = (await row('contended'))!;
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => outbox.deliverOne(id)));
    expect(outcomes.filter((o) => o === 'delivered')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'delivered').every((o) => o === 'leased' || o === 'gone')).toBe(true);
    expect(seen.filter((s) => s.thing === 'contended')).toHaveLength(1);
    expect(await outbox.deliverOne(id)).toBe('gone');
  });

  it('knows the same handlers in the API and in the worker (each delivers what it made: none may miss one)', () => {
    const inApi = api.get(DomainEventHandlers).registered();
    expect(inApi).toEqual(
      worker
        .get(DomainEventHandlers)
        .registered()
        .filter((h) => !h.startsWith('ThingHappened')),
    );
    expect(inApi).toEqual(
      expect.arrayContaining([
        'DealConcluded → contracts.draft-from-deal',
        'DepositStatusChanged → market.registration-deposit-status',
        'PaymentStatusChanged → contracts.reconcile-on-payment',
        'PaymentStatusChanged → subsidies.recompute-candidates',
      ]),
    );
  });

  it('purges delivered events after a week, never undelivered ones', async () => {
    await ds.transaction(async (m) => {
      await outbox.append(m, ThingHappened.create({ thing: 'old-undelivered' }, clock));
    });
    await ds.query(`UPDATE outbox_events SET delivered_at = now() - interval '8 days' WHERE payload->>'thing' = 'committed'`);
    await ds.query(
      `UPDATE outbox_events SET created_at = now() - interval '8 days', lease_until = now() + interval '1 hour' WHERE payload->>'thing' = 'old-undelivered'`,
    );
    expect(await outbox.purgeDelivered(7)).toBe(1);
    expect(await row('committed')).toBeUndefined();
    expect(await row('old-undelivered')).toMatchObject({ delivered_at: null });
  });
});
