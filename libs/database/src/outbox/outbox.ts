import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock, type DomainEvent } from '@zjp/core';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainEventHandlers } from './event-handlers';
import { OUTBOX_SQL } from './outbox.repository';

/** How long one deliverer may hold an event before another may take it over (a crashed process's lease runs out). */
const LEASE_SECONDS = 30;

export interface UndeliveredEvent {
  id: string;
  attempts: number;
}

/**
 * The transactional outbox (table `outbox_events`, owned here). `append` writes an event in the
 * transaction of the change it reports; after the commit, `deliver` runs its handlers in this
 * process at once. Whatever is not delivered then (the process died between commit and delivery,
 * a handler threw) the worker's relay finds with `undelivered` and delivers through BullMQ:
 * at least once, never twice at the same time (a lease), to idempotent handlers.
 */
@Injectable()
export class Outbox {
  private readonly logger = new Logger(Outbox.name);
  /** Events appended in each open transaction, for the TransactionRunner to deliver after its commit. */
  private readonly appended = new WeakMap<EntityManager, string[]>();

  constructor(
    private readonly db: DataSource,
    private readonly handlers: DomainEventHandlers,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * In the change's transaction. A transaction of the TransactionRunner delivers its events right
   * after its commit; otherwise the relay does, a few seconds later. Returns the event's id.
   */
  async append(m: EntityManager, event: DomainEvent): Promise<string> {
    await this.appendMany(m, [event]);
    return event.id;
  }

  /** Several events in one statement, in the change's transaction (delivered in this order after its commit). */
  async appendMany(m: EntityManager, events: readonly DomainEvent[]): Promise<void> {
    if (!events.length) return;
    await m.query(OUTBOX_SQL.appendEvents, [
      events.map((e) => e.id),
      events.map((e) => e.name),
      events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => e.occurredAt),
    ]);
    this.appended.set(m, [...(this.appended.get(m) ?? []), ...events.map((e) => e.id)]);
  }

  /** The events appended through this transaction's manager (and forgets them). */
  takeAppended(m: EntityManager): string[] {
    const ids = this.appended.get(m) ?? [];
    this.appended.delete(m);
    return ids;
  }

  /**
   * After the commit: runs each event's handlers, in order. A failing handler is logged and
   * leaves its event for the relay (it does not undo the change, and the caller's request
   * succeeds). Returns the ids that were not delivered.
   */
  async deliver(ids: readonly string[]): Promise<string[]> {
    const failed: string[] = [];
    for (const id of ids) {
      const outcome = await this.deliverOne(id).catch((err: unknown) => ({ error: err }));
      if (outcome !== 'delivered' && outcome !== 'gone') {
        failed.push(id);
        if (typeof outcome === 'object') this.logger.error(`event ${id} not delivered (the relay will retry): ${describe(outcome.error)}`);
      }
    }
    return failed;
  }

  /**
   * Delivers one event if no one else holds it: 'delivered', 'gone' (already delivered, or
   * unknown), 'leased' (another deliverer holds it). A handler's error is thrown after it is
   * recorded on the event, which stays undelivered for the relay.
   */
  async deliverOne(id: string): Promise<'delivered' | 'gone' | 'leased'> {
    const claimed = (await this.db.query(
      `UPDATE outbox_events SET lease_until = now() + make_interval(secs => $2), attempts = attempts + 1
        WHERE id = $1 AND delivered_at IS NULL AND (lease_until IS NULL OR lease_until < now())
        RETURNING name, payload, occurred_at, attempts`,
      [id, LEASE_SECONDS],
    )) as [{ name: string; payload: unknown; occurred_at: Date; attempts: number }[], number];
    const event = claimed[0][0];
    if (!event) {
      const [row] = (await this.db.query(`SELECT delivered_at FROM outbox_events WHERE id = $1`, [id])) as { delivered_at: Date | null }[];
      return !row || row.delivered_at ? 'gone' : 'leased';
    }
    const meta = { eventId: id, occurredAt: event.occurred_at.toISOString() };
    for (const handler of this.handlers.handlersOf(event.name)) {
      try {
        await handler.handle(event.payload, meta);
      } catch (err) {
        // the lease becomes the back-off: the relay takes the event again after 2, 4, 8 … 300 s
        await this.db.query(`UPDATE outbox_events SET last_error = $2, lease_until = now() + make_interval(secs => $3) WHERE id = $1`, [
          id,
          `${handler.id}: ${describe(err)}`.slice(0, 2000),
          Math.min(2 ** Math.min(event.attempts, 9), 300),
        ]);
        throw err;
      }
    }
    await this.db.query(`UPDATE outbox_events SET delivered_at = $2, lease_until = NULL, last_error = NULL WHERE id = $1`, [id, this.clock.now()]);
    return 'delivered';
  }

  /** Events neither delivered nor held, older than `minAgeSeconds` (the maker's own delivery goes first): the relay's work. */
  async undelivered(minAgeSeconds: number, limit: number): Promise<UndeliveredEvent[]> {
    return (await this.db.query(
      `SELECT id, attempts FROM outbox_events
        WHERE delivered_at IS NULL AND (lease_until IS NULL OR lease_until < now()) AND created_at < now() - make_interval(secs => $1)
        ORDER BY created_at LIMIT $2`,
      [minAgeSeconds, limit],
    )) as UndeliveredEvent[];
  }

  /** Deletes delivered events older than `days` (maintenance). Returns how many. */
  async purgeDelivered(days: number): Promise<number> {
    const [, count] = (await this.db.query(`DELETE FROM outbox_events WHERE delivered_at < now() - make_interval(days => $1)`, [days])) as [unknown, number];
    return count;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
