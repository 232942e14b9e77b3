import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainEventHandlers } from '@zjp/database';
import { DealConcluded } from '@zjp/market';
import { QUEUES } from '@zjp/platform';
import { CONTRACT_JOBS, type ContractFromDealJob } from '../jobs';
import type { Queue } from 'bullmq';

/**
 * DealConcluded → the deal's contract is drafted by the worker (job id = the deal, so a repeated
 * event is a no-op; `createFromDeal` is idempotent besides). An enqueue that fails leaves the
 * event undelivered for the outbox relay, and the contracts sweep still finds deals without a
 * contract.
 */
@Injectable()
export class DealContractTrigger implements OnModuleInit {
  constructor(
    private readonly events: DomainEventHandlers,
    @InjectQueue(QUEUES.contracts) private readonly queue: Queue<ContractFromDealJob>,
  ) {}

  onModuleInit(): void {
    this.events.on(DealConcluded, 'contracts.draft-from-deal', async ({ dealId }) => {
      await this.queue.add(
        CONTRACT_JOBS.fromDeal,
        { dealId },
        { jobId: `contract-from-deal-${dealId}`, attempts: 10, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 },
      );
    });
  }
}
