import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, isUuid } from '@zjp/core';
import { APP_CONFIG, AppConfig } from '@zjp/platform';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { ContractPaymentsService } from '../contract-payments/contract-payments.service';
import { DepositsService } from '../deposits/deposits.service';
import { STRIPE } from '../stripe.client';
import { stripeEventsRepository } from './stripe-events.repository';

/** The events the worker acts on; others are stored and marked processed at once. */
export const HANDLED_STRIPE_EVENTS: readonly string[] = [
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.canceled',
  'payment_intent.payment_failed',
  'charge.refunded',
];

export interface ProcessResult {
  eventId: string;
  outcome: string;
}

/**
 * Stripe webhooks, exactly once: the API verifies the signature over the raw body and stores the
 * event id (a redelivery finds it); the worker processes it and sets processed_at once. A
 * PaymentIntent event is a notification, not the truth: the worker fetches the PaymentIntent's
 * current state and brings the deposit up to it, never backwards, so events may arrive in any
 * order, twice, or late, and the result is the same.
 */
@Injectable()
export class StripeEventsService {
  private readonly logger = new Logger(StripeEventsService.name);

  constructor(
    private readonly db: DataSource,
    private readonly deposits: DepositsService,
    private readonly payments: ContractPaymentsService,
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Verifies the `Stripe-Signature` header over the raw bytes; 400 INVALID_SIGNATURE otherwise. */
  verify(rawBody: Buffer | undefined, signature: string | undefined): Stripe.Event {
    if (!rawBody || !signature) throw new DomainError('INVALID_SIGNATURE', 'A signed Stripe event is required', { kind: 'validation' });
    try {
      return this.stripe.webhooks.constructEvent(rawBody, signature, this.config.STRIPE_WEBHOOK_SECRET);
    } catch {
      throw new DomainError('INVALID_SIGNATURE', 'The Stripe-Signature header does not match the body', { kind: 'validation' });
    }
  }

  /**
   * Stores a verified event. `needsProcessing` is true while it is unprocessed (the caller
   * enqueues it; enqueuing again is harmless: the job id is the event id).
   */
  async record(event: Stripe.Event): Promise<{ duplicate: boolean; needsProcessing: boolean }> {
    const handled = HANDLED_STRIPE_EVENTS.includes(event.type);
    const inserted = await stripeEventsRepository.insert(this.db, event, handled ? null : { at: new Date(), outcome: 'ignored: type not handled' });
    if (inserted) return { duplicate: false, needsProcessing: handled };
    return { duplicate: true, needsProcessing: (await stripeEventsRepository.processedAt(this.db, event.id)) === null };
  }

  /** The worker's step. Idempotent: a processed event is skipped; a repeated one changes nothing. */
  async process(eventId: string): Promise<ProcessResult> {
    const row = await stripeEventsRepository.find(this.db, eventId);
    if (!row) return { eventId, outcome: 'unknown event' };
    if (row.processed_at) return { eventId, outcome: 'already processed' };
    const outcome = await this.apply(row.payload);
    await stripeEventsRepository.markProcessed(this.db, eventId, outcome);
    return { eventId, outcome };
  }

  private async apply(event: Stripe.Event): Promise<string> {
    // Refunds are of contract payments (deposits are released, never refunded).
    if (event.type === 'charge.refunded') return this.payments.applyChargeRefunded(event.data.object as Stripe.Charge);
    if (!event.type.startsWith('payment_intent.')) return 'ignored: not a PaymentIntent';
    const snapshot = event.data.object as Stripe.PaymentIntent;
    if (snapshot.metadata?.paymentId) return this.payments.applyPaymentIntentEvent(snapshot);
    const depositId = snapshot.metadata?.depositId;
    const deposit = depositId && isUuid(depositId) ? await this.deposits.find(depositId) : null;
    if (!deposit) return 'ignored: not a deposit';

    const pi = await this.stripe.paymentIntents.retrieve(snapshot.id);
    const { deposit: after, steps } = await this.deposits.applyPaymentIntent(deposit.id, pi);

    // An authorisation for a deposit that was released meanwhile (its hold() never learnt of the
    // PaymentIntent): nobody will capture it, so give the money back now.
    if (pi.status === 'requires_capture' && after.status === 'released') {
      await this.stripe.paymentIntents.cancel(pi.id, {}, { idempotencyKey: `deposit:${after.id}:cancel-orphan:${pi.id}` });
      this.logger.warn(`cancelled PaymentIntent ${pi.id}: its deposit ${after.id} was already released`);
      return 'orphan hold cancelled';
    }
    return steps.length ? `deposit ${deposit.status} → ${steps.join(' → ')}` : `no change (deposit ${after.status})`;
  }
}
