import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DomainEventHandlers } from '@zjp/database';
import { PaymentStatusChanged, type PaymentStatusChangedPayload } from '@zjp/payments';
import { QUEUES } from '@zjp/platform';
import { SUBSIDY_JOBS, type ComputeCandidatesJob } from '../jobs';
import type { Queue } from 'bullmq';
import { CONTRACT_REFERENCE_TYPE } from './contract-facts.adapter';

/**
 * When money moves under a contract (a PaymentStatusChanged event: a payment succeeds, a refund
 * goes through), its candidates are recomputed by the worker. The sweep catches what this misses (a registration without a
 * new payment, a job lost with a crashed process), so nothing depends on this hook alone.
 */
@Injectable()
export class CandidateTriggers implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;

  constructor(
    private readonly events: DomainEventHandlers,
    @InjectQueue(QUEUES.subsidies) private readonly queue: Queue<ComputeCandidatesJob>,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.on(PaymentStatusChanged, 'subsidies.recompute-candidates', (change) => this.onPayment(change));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private async onPayment(change: PaymentStatusChangedPayload): Promise<void> {
    if (change.referenceType !== CONTRACT_REFERENCE_TYPE || (change.status !== 'succeeded' && change.status !== 'refunded')) return;
    await this.queue.add(
      SUBSIDY_JOBS.computeCandidates,
      { subjectType: 'contract', subjectId: change.referenceId },
      { removeOnComplete: 100, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
    );
  }
}
