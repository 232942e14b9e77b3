import type { MessagesOf } from './area';
import type { outlookZh } from './outlook.zh';

/** The subsidy budget outlook: English. */
export const outlookEn: MessagesOf<typeof outlookZh> = {
  tab: 'Budget outlook',
  title: 'Subsidy budget outlook',
  intro:
    "Each policy's budget, month by month from this month to the year's end: committed, under review and expected subsidies, cumulated against the budget.",
  policy: 'Policy',
  open: 'Budget outlook',
  none: 'Your authority has no active subsidy policy.',
  asOf: 'As of {{today}} (Beijing time), year {{year}}',
  sentence: {
    within_year: 'At the current pace the budget runs out in {{month}}/{{year}}.',
    not_within_year: 'At the current pace the budget lasts the year {{year}}; about {{left}} is left at its end.',
    already_exhausted: 'The budget is used up: committed subsidies have reached it.',
  },
  figures: {
    budget: 'Budget',
    committed: 'Committed',
    pending: 'Under review',
    expected: 'Expected',
    projected: 'Total by year end',
    remaining: 'Left now',
    projectedRemaining: 'Left at year end',
    cumulative: 'Cumulative',
    month: 'Month',
    budgetLine: 'Budget',
  },
  rules: {
    budget: "The budget is the total the policy's current version provides.",
    committed: 'Committed = applications approved, in a settlement batch or paid ({{count}}, of which {{paid}} paid), all in this month.',
    pending: 'Under review = applications submitted or reviewed and not yet decided (the recommended amount where there is one; {{count}}), all in this month.',
    expected:
      "Expected = what each payment falling due under the payment schedules of contracts in force in your region adds to the contract's subsidy by this policy's own rate, tiers and caps, in the month it falls due (overdue ones in this month); {{earned}} of it was earned on payments already made and not yet applied for.",
    projected: 'Total by year end = committed + under review + expected in the months of the year.',
    remaining: 'Left now = budget − committed.',
    projectedRemaining: 'Left at year end = budget − total by year end; negative means a shortfall.',
    cumulative:
      'Cumulative = committed, under review and expected from this month through that month; the first month that reaches the budget is when it runs out.',
    contracts: "{{count}} contracts in force had their payment schedules read (the contracts' published schedule view).",
  },
  preview: {
    title: 'Budget outlook (with this draft)',
    hint: "The year's expected subsidies recomputed with the draft's rate, tiers, caps and budget; committed and under-review amounts come from the policy's existing applications.",
  },
};
