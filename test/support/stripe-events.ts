import type { DataSource } from 'typeorm';
import type { StripeServer } from '../stripe-server/stripe-server';

/** Waits until the local Stripe server has delivered every webhook and the worker has processed every stored event. */
export async function settleStripeEvents(stripe: StripeServer, ds: DataSource, timeoutMs = 60_000): Promise<void> {
  await stripe.idle();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = (await ds.query(`SELECT count(*)::int AS n FROM stripe_events WHERE processed_at IS NULL`)) as { n: number }[];
    if (row.n === 0) return;
    if (Date.now() > deadline) throw new Error(`${row.n} Stripe events still unprocessed`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
