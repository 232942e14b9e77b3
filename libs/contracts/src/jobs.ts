/** The contracts context's BullMQ jobs: names and payloads (queue names in @zjp/platform QUEUES). */

export const CONTRACT_JOBS = {
  /** A deal committed: draft its contract (idempotent; UNIQUE(deal_id)). */
  fromDeal: 'contract-from-deal',
  /** Every few minutes: deals and approved free licences without a contract, unfinished work after signing, ended use-first trials. */
  sweep: 'contracts-sweep',
} as const;

export interface ContractFromDealJob {
  dealId: string;
}
