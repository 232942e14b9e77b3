/*
 * The lifecycle of a technology contract (技术合同), as a function of plain data:
 *
 *   draft ⇄ awaiting_signatures → signed → registered → in_performance → completed
 *      \________________\______________\__________\_____________\──→ terminated
 *
 * Terms are versioned while the contract is a draft or awaits signatures (amending sends it back
 * to draft; signatures are tied to the version they signed). It is signed when both parties have
 * signed the same version, registered when an administrator records the 技术合同认定登记 number,
 * in performance from its first payment after registration (or at once when money was already
 * paid, e.g. an auction deposit applied at signing), completed when nothing is left to pay.
 */

export const CONTRACT_STATUSES = ['draft', 'awaiting_signatures', 'signed', 'registered', 'in_performance', 'completed', 'terminated'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

export const CONTRACT_ACTIONS = [
  'amend',
  'submit',
  'sign',
  'complete_signatures',
  'register',
  'start_performance',
  'complete',
  'terminate',
  'convert',
  'pay',
  'report_royalty',
] as const;
export type ContractAction = (typeof CONTRACT_ACTIONS)[number];

export type TransitionResult = { ok: true; to: ContractStatus } | { ok: false; code: string; message: string };

const TERMINAL: readonly ContractStatus[] = ['completed', 'terminated'];
/** Money moves, royalties are reported and a use-first licence converts only under a signed contract. */
const PERFORMING: readonly ContractStatus[] = ['signed', 'registered', 'in_performance'];

export function isTerminalStatus(status: ContractStatus): boolean {
  return TERMINAL.includes(status);
}

const refuse = (code: string, message: string): TransitionResult => ({ ok: false, code, message });

/**
 * Where `action` takes a contract in `status`, or the stable code that refuses it (HTTP 409).
 * Actions that do not change the status (a signature short of the second, a payment) answer
 * with the same status.
 */
export function transition(status: ContractStatus, action: ContractAction): TransitionResult {
  if (status === 'terminated') return refuse('CONTRACT_TERMINATED', 'The contract was terminated');
  if (status === 'completed' && action !== 'complete') return refuse('CONTRACT_COMPLETED', 'The contract is completed');
  switch (action) {
    case 'amend':
      if (status === 'draft' || status === 'awaiting_signatures') return { ok: true, to: 'draft' };
      return refuse('CONTRACT_ALREADY_SIGNED', 'Signed terms cannot be amended');
    case 'submit':
      if (status === 'draft') return { ok: true, to: 'awaiting_signatures' };
      if (status === 'awaiting_signatures') return refuse('CONTRACT_ALREADY_SUBMITTED', 'The contract already awaits signatures');
      return refuse('CONTRACT_ALREADY_SIGNED', 'The contract is signed');
    case 'sign':
      if (status === 'awaiting_signatures') return { ok: true, to: 'awaiting_signatures' };
      if (status === 'draft') return refuse('CONTRACT_NOT_SUBMITTED', 'Submit the terms for signature first');
      return refuse('CONTRACT_ALREADY_SIGNED', 'The contract is signed');
    case 'complete_signatures':
      if (status === 'awaiting_signatures') return { ok: true, to: 'signed' };
      return refuse('CONTRACT_NOT_AWAITING_SIGNATURES', `The contract is ${status}`);
    case 'register':
      if (status === 'signed') return { ok: true, to: 'registered' };
      if (status === 'registered' || status === 'in_performance' || status === 'completed')
        return refuse('CONTRACT_ALREADY_REGISTERED', 'The contract is registered');
      return refuse('CONTRACT_NOT_SIGNED', 'Only a contract signed by both parties is registered');
    case 'start_performance':
      if (status === 'registered') return { ok: true, to: 'in_performance' };
      if (status === 'in_performance') return { ok: true, to: 'in_performance' };
      return refuse('CONTRACT_NOT_REGISTERED', `The contract is ${status}`);
    case 'complete':
      if (status === 'in_performance') return { ok: true, to: 'completed' };
      if (status === 'completed') return refuse('CONTRACT_COMPLETED', 'The contract is completed');
      return refuse('CONTRACT_NOT_IN_PERFORMANCE', `The contract is ${status}`);
    case 'terminate':
      return { ok: true, to: 'terminated' };
    case 'convert':
    case 'pay':
    case 'report_royalty':
      if (PERFORMING.includes(status)) return { ok: true, to: status };
      return refuse('CONTRACT_NOT_SIGNED', 'The contract is not signed yet');
  }
}

export interface PerformanceFacts {
  /** The contract has money to pay (a free licence has none). */
  hasFees: boolean;
  /** Something was paid (net of refunds), a deposit applied at signing included. */
  paidAnything: boolean;
  /** Every obligation is known and paid: no instalment, milestone or royalty period is left. */
  settled: boolean;
  /** The licence term is over (contracts without a term: false). */
  termEnded: boolean;
}

/**
 * One automatic step of a registered contract, or null: it is in performance from its first
 * payment (a zero-fee contract from registration) and completed when nothing is left to pay (a
 * zero-fee licence when its term ends). The service applies steps until there is none.
 */
export function nextPerformanceStep(status: ContractStatus, facts: PerformanceFacts): ContractStatus | null {
  if (status === 'registered' && (facts.paidAnything || !facts.hasFees)) return 'in_performance';
  if (status === 'in_performance' && (facts.hasFees ? facts.settled : facts.termEnded)) return 'completed';
  return null;
}
