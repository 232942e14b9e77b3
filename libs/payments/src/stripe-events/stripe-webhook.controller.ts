import { Controller, Headers, HttpCode, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { Public, QUEUES, OrgScope } from '@zjp/platform';
import { PAYMENT_JOBS, type StripeEventJob } from '../jobs';
import type { Queue } from 'bullmq';
import type { Request } from 'express';
import { StripeEventsService } from './stripe-events.service';

/** Stripe's webhook endpoint: verify, store, enqueue. The worker does the rest. */
@Controller('payments/stripe')
export class StripeWebhookController {
  constructor(
    private readonly events: StripeEventsService,
    @InjectQueue(QUEUES.payments) private readonly queue: Queue<StripeEventJob>,
  ) {}

  @Public()
  @OrgScope.none()
  @Post('webhook')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async receive(@Req() req: RawBodyRequest<Request>, @Headers('stripe-signature') signature?: string): Promise<{ received: true; duplicate: boolean }> {
    const event = this.events.verify(req.rawBody, signature);
    const { duplicate, needsProcessing } = await this.events.record(event);
    if (needsProcessing) {
      await this.queue.add(
        PAYMENT_JOBS.stripeEvent,
        { eventId: event.id },
        { jobId: event.id, attempts: 10, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 },
      );
    }
    return { received: true, duplicate };
  }
}
