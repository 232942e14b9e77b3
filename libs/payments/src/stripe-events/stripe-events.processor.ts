import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { QUEUES } from '@zjp/platform';
import { PAYMENT_JOBS, type StripeEventJob } from '../jobs';
import type { Job } from 'bullmq';
import { ProcessResult, StripeEventsService } from './stripe-events.service';

/**
 * For the worker: processes the Stripe events the API stored and enqueued (job id = event id).
 * Thin and idempotent: a repeated job finds the event processed.
 */
@Processor(QUEUES.payments)
export class StripeEventsProcessor extends WorkerHost {
  private readonly logger = new Logger(StripeEventsProcessor.name);

  constructor(private readonly events: StripeEventsService) {
    super();
  }

  async process(job: Job<StripeEventJob>): Promise<ProcessResult> {
    if (job.name !== PAYMENT_JOBS.stripeEvent) throw new Error(`unknown payments job ${job.name}`);
    const result = await this.events.process(job.data.eventId);
    this.logger.log(`stripe event ${result.eventId}: ${result.outcome}`);
    return result;
  }
}
