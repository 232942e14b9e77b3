import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { ContractsService } from '@zjp/contracts';
import { QUEUES } from '@zjp/platform';
import { CONTRACT_JOBS, type ContractFromDealJob } from '@zjp/contracts';
import type { Job } from 'bullmq';

/**
 * Contracts from deals: the market enqueues a job after a deal commits (job id = the deal), and a
 * sweep every few minutes creates any contract a lost job missed and finishes what follows a
 * signature. Thin and idempotent: UNIQUE(deal_id) makes a repeated job find the contract.
 */
@Processor(QUEUES.contracts, { concurrency: 4 })
export class ContractsProcessor extends WorkerHost {
  private readonly logger = new Logger(ContractsProcessor.name);

  constructor(private readonly contracts: ContractsService) {
    super();
  }

  async process(job: Job<ContractFromDealJob | Record<string, never>>): Promise<unknown> {
    if (job.name === CONTRACT_JOBS.sweep) return this.contracts.sweep();
    if (job.name !== CONTRACT_JOBS.fromDeal) throw new Error(`unknown contracts job ${job.name}`);
    const result = await this.contracts.createFromDeal((job.data as ContractFromDealJob).dealId);
    if (result?.created) this.logger.log(`contract ${result.contractId} drafted from deal ${(job.data as ContractFromDealJob).dealId}`);
    return result ?? { skipped: 'deal not awaiting a contract' };
  }
}
