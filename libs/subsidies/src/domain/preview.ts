import { LocalDate } from '@zjp/core';
import type { PartyFacts, SubsidySubject } from './facts';
import { inForceDuring, type PolicyTerms } from './policy-terms';
import { calculateSubsidy, type SubsidyCalculation } from './subsidy-calculation';

/*
 * The policy editor's live preview: the engine run on a made-up subject that meets every
 * eligibility condition of the policy, with the value entered, so that an administrator sees what
 * the tiers, caps and budget make of it. Nothing here reads a database: the same function the
 * applications use (calculateSubsidy) does the computing.
 */

export interface PreviewInput {
  policy: PolicyTerms;
  budgetFen: bigint;
  /** The contract value (or the research funding) to compute on. */
  valueFen: bigint;
  /** The claim year; by default the first year of the effective period that includes `today`, else its first year. */
  year?: number;
  today: LocalDate;
  /** What the enterprise already got under the policy this year (for the per-enterprise cap). */
  enterpriseYearToDateFen?: bigint;
}

/** The year the preview claims in: the one asked for, this year when the policy is in force in it, else the policy's first year. */
export function previewYear(policy: PolicyTerms, today: LocalDate, year?: number): number {
  if (year !== undefined) return year;
  return inForceDuring(policy, today.year) ? today.year : policy.effectiveFrom.year;
}

/** The date of the made-up payment: in the claim year and in the effective period where they overlap. */
function dateIn(policy: PolicyTerms, year: number): LocalDate {
  const first = LocalDate.of(year, 1, 1);
  const start = policy.effectiveFrom.isAfter(first) ? policy.effectiveFrom : first;
  return start;
}

function party(policy: PolicyTerms, type: PartyFacts['organizationType'], overrides: Partial<PartyFacts> = {}): PartyFacts {
  const region = policy.authority.regionCode.padEnd(6, '0');
  return {
    organizationId: `preview-${type}`,
    organizationType: type,
    regionCode: region,
    holderCategory: null,
    highLevelPlatform: false,
    sme: policy.eligibility.buyerMustBeSme,
    highTech: policy.eligibility.buyerMustBeHighTech,
    ...overrides,
  };
}

function seller(policy: PolicyTerms): PartyFacts {
  const base = party(policy, 'holder', { holderCategory: 'university', sme: false, highTech: false });
  switch (policy.eligibility.sellerCategory) {
    case 'high_level_platform':
      return { ...base, highLevelPlatform: true };
    case 'out_of_province':
      return { ...base, regionCode: policy.authority.regionCode.startsWith('11') ? '310101' : '110108' };
    default:
      return base;
  }
}

/** The made-up subject: eligible on every condition, its whole value paid (or funded) on one date in the claim year. */
export function previewSubject(policy: PolicyTerms, valueFen: bigint, year: number): SubsidySubject {
  const on = dateIn(policy, year);
  const buyer = party(policy, 'enterprise');
  if (policy.kind === 'research_funding') {
    return {
      kind: 'research_funding',
      facts: {
        fundingId: 'preview',
        enterprise: buyer,
        platform: party(policy, 'holder', { holderCategory: 'institute', highLevelPlatform: true, sme: false, highTech: false }),
        mode: policy.eligibility.fundingModes[0] ?? 'donation',
        amountFen: valueFen,
        receivedOn: on,
        confirmed: true,
        documentCount: 1,
      },
    };
  }
  const deadline = policy.eligibility.registration.onOrBefore;
  const registeredOn = deadline && deadline.isBefore(on) ? deadline : on;
  return {
    kind: 'contract',
    facts: {
      contractId: 'preview',
      type: policy.eligibility.contractTypes[0] ?? 'transfer',
      buyer,
      seller: seller(policy),
      signedOn: registeredOn.isBefore(on) ? registeredOn : on,
      registration: { number: 'PREVIEW', registeredOn },
      terminated: false,
      throughPlatform: policy.eligibility.throughPlatform !== 'excluded',
      contractValueFen: valueFen,
      registeredValueFen: valueFen,
      equityValuationFen: valueFen,
      payments: [{ amountFen: valueFen, paidOn: on }],
    },
  };
}

/** The engine on the made-up subject. */
export function previewSubsidy(input: PreviewInput): SubsidyCalculation {
  const year = previewYear(input.policy, input.today, input.year);
  return calculateSubsidy({
    policy: input.policy,
    subject: previewSubject(input.policy, input.valueFen, year),
    year,
    enterpriseYearToDateFen: input.enterpriseYearToDateFen ?? 0n,
    remainingBudgetFen: input.budgetFen,
  });
}
