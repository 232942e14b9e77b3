/*
 * The local Stripe-speaking server on its own, for the demo or manual tries:
 *   node -r @swc-node/register test/stripe-server/main.ts
 * STRIPE_SERVER_PORT (default 12111), STRIPE_WEBHOOK_URL (e.g. http://127.0.0.1:3000/payments/stripe/webhook)
 * and STRIPE_WEBHOOK_SECRET (default whsec_local_development, as the API's own default).
 * Point the platform at it with STRIPE_API_BASE=<the printed URL>.
 */
import { startStripeServer } from './stripe-server';

async function main(): Promise<void> {
  const server = await startStripeServer({
    port: Number(process.env.STRIPE_SERVER_PORT ?? 12111),
    host: process.env.STRIPE_SERVER_HOST ?? '127.0.0.1',
    webhookUrl: process.env.STRIPE_WEBHOOK_URL || undefined,
    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_local_development',
  });
  process.stdout.write(`stripe-server listening on ${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`stripe-server failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
