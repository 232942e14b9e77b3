import type { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@zjp/platform';
import Stripe from 'stripe';

/** Injection token of the official Stripe SDK client. */
export const STRIPE = Symbol.for('zjp.Stripe');
export type StripeClient = Stripe;

/**
 * The SDK client from config. STRIPE_API_BASE points it at another server speaking Stripe's API
 * (tests and the demo: test/stripe-server). The SDK retries network failures and 409/5xx twice,
 * reusing the request's Idempotency-Key, so a retried call never moves money twice. The API
 * version is the one the SDK release pins.
 */
export function createStripeClient(config: AppConfig): Stripe {
  const base = config.STRIPE_API_BASE ? new URL(config.STRIPE_API_BASE) : undefined;
  const protocol = base?.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(config.STRIPE_SECRET_KEY, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    appInfo: { name: 'zjp-payments', version: '0.1.0' },
    ...(base ? { host: base.hostname, port: base.port || (protocol === 'http' ? 80 : 443), protocol } : {}),
  });
}

export const stripeProvider: Provider = {
  provide: STRIPE,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => createStripeClient(config),
};
