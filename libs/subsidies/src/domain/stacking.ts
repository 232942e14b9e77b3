import type { Stacking } from './policy-terms';

/*
 * Several policies may cover the same contract (a county's and a city's, say). A combinable
 * policy may be paid alongside other combinable ones; an exclusive one only on its own, so
 * where one applies the enterprise gets the single best option ("就高不重复").
 */

export interface StackingOption {
  policyId: string;
  stacking: Stacking;
  amountFen: bigint;
}

export interface StackingResult {
  /** The policies that pay, with the total. */
  applied: string[];
  totalFen: bigint;
  /** Policies that would pay but give way to a better option. */
  superseded: string[];
}

/**
 * The best option: all combinable policies together, or one exclusive policy alone, whichever
 * pays more. Ties go to the combinable group, then to the exclusive policy listed first.
 */
export function resolveStacking(options: readonly StackingOption[]): StackingResult {
  const paying = options.filter((o) => o.amountFen > 0n);
  const combinable = paying.filter((o) => o.stacking === 'combinable');
  let best: StackingResult = { applied: combinable.map((o) => o.policyId), totalFen: combinable.reduce((s, o) => s + o.amountFen, 0n), superseded: [] };
  for (const o of paying) {
    if (o.stacking === 'exclusive' && o.amountFen > best.totalFen) best = { applied: [o.policyId], totalFen: o.amountFen, superseded: [] };
  }
  best.superseded = paying.map((o) => o.policyId).filter((id) => !best.applied.includes(id));
  return best;
}

/**
 * Whether a subsidy under `candidate` may be granted for a contract that already has subsidies
 * under `granted` (approved or paid): the same policy never conflicts with itself (other years of
 * an instalment contract); otherwise both must be combinable. Returns the conflicting policy.
 */
export function stackingConflict(
  candidate: { policyId: string; stacking: Stacking },
  granted: readonly { policyId: string; stacking: Stacking }[],
): string | null {
  for (const g of granted) {
    if (g.policyId === candidate.policyId) continue;
    if (candidate.stacking === 'exclusive' || g.stacking === 'exclusive') return g.policyId;
  }
  return null;
}
