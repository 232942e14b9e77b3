/** The payments context's BullMQ jobs: names and payloads (queue names in @zjp/platform QUEUES). */

export const PAYMENT_JOBS = {
  stripeEvent: 'stripe-event',
} as const;

/** Job data of a received Stripe event: its id (the event itself is stored in stripe_events). */
export interface StripeEventJob {
  eventId: string;
}
