/** The subsidies context's BullMQ jobs: names and payloads (queue names in @zjp/platform QUEUES). */

export const SUBSIDY_JOBS = {
  /** Candidates of one subject (a registered, paid contract or a confirmed research funding). */
  computeCandidates: 'compute-candidates',
  /** Every subject whose facts changed since its candidates were computed, and every subject after a policy change. */
  sweepCandidates: 'sweep-candidates',
} as const;

export interface ComputeCandidatesJob {
  subjectType: 'contract' | 'research_funding';
  subjectId: string;
}
