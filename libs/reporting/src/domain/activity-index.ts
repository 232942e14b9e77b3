import { roundHalfUp } from '@zjp/core';

/*
 * 技术交易活跃指数 (README "Market figures and reports"). For a day d and each component c (new
 * listings, bidder registrations, accepted bids, deals concluded, value concluded in fen), S_c(d)
 * is the sum over the 30 days ending on d. With B_c = S_c(base day):
 *   index(d) = Σ_c w_c · 100 · S_c(d) / B_c  ÷  Σ_c w_c,   over the components with B_c > 0,
 * weights 15 / 15 / 20 / 25 / 25. So the base day is 100, and a market twice as active in every
 * respect is 200. Exact rational arithmetic, rounded half-up to two decimals.
 */

export const INDEX_COMPONENTS = ['listings', 'bidders', 'bids', 'deals', 'valueFen'] as const;
export type IndexComponent = (typeof INDEX_COMPONENTS)[number];
export type ComponentSums = Record<IndexComponent, bigint>;

export const INDEX_WEIGHTS: Record<IndexComponent, number> = { listings: 15, bidders: 15, bids: 20, deals: 25, valueFen: 25 };
export const INDEX_WINDOW_DAYS = 30;
export const DEFAULT_BASE_DATE = '2026-01-31';

/** The index in hundredths (10000 = 100.00), or null when every base sum is 0. */
export function activityIndex(sums: ComponentSums, base: ComponentSums): bigint | null {
  const used = INDEX_COMPONENTS.filter((c) => base[c] > 0n);
  if (!used.length) return null;
  // Σ w_c S_c / B_c over a common denominator Π B_c
  const denominatorProduct = used.reduce((p, c) => p * base[c], 1n);
  const numerator = used.reduce((s, c) => s + BigInt(INDEX_WEIGHTS[c]) * sums[c] * (denominatorProduct / base[c]), 0n);
  const weightSum = used.reduce((s, c) => s + BigInt(INDEX_WEIGHTS[c]), 0n);
  return roundHalfUp(numerator * 10000n, denominatorProduct * weightSum);
}
