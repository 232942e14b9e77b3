import { queries, type Queryable } from '@zjp/database';
import type Stripe from 'stripe';

const SQL = queries(__filename, {
  insertEvent: `INSERT INTO stripe_events (id, type, payload, processed_at, outcome) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING id`,
  processedAt: `SELECT processed_at FROM stripe_events WHERE id = $1`,
  findEvent: `SELECT type, payload, processed_at FROM stripe_events WHERE id = $1`,
  markProcessed: `UPDATE stripe_events SET processed_at = now(), outcome = $2 WHERE id = $1 AND processed_at IS NULL`,
});

export interface StoredStripeEvent {
  type: string;
  payload: Stripe.Event;
  processed_at: Date | null;
}

export const stripeEventsRepository = {
  /** Stores the event unless its id is known; true when stored now. A type not handled is stored processed, with its outcome. */
  async insert(m: Queryable, event: Stripe.Event, processed: { at: Date; outcome: string } | null): Promise<boolean> {
    const inserted = (await m.query(SQL.insertEvent, [
      event.id,
      event.type,
      JSON.stringify(event),
      processed?.at ?? null,
      processed?.outcome ?? null,
    ])) as unknown[];
    return inserted.length > 0;
  },

  async processedAt(m: Queryable, eventId: string): Promise<Date | null> {
    const [row] = (await m.query(SQL.processedAt, [eventId])) as { processed_at: Date | null }[];
    return row.processed_at;
  },

  async find(m: Queryable, eventId: string): Promise<StoredStripeEvent | null> {
    const [row] = (await m.query(SQL.findEvent, [eventId])) as StoredStripeEvent[];
    return row ?? null;
  },

  async markProcessed(m: Queryable, eventId: string, outcome: string): Promise<void> {
    await m.query(SQL.markProcessed, [eventId, outcome]);
  },
};
