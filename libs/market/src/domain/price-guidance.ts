/*
 * 初始化定价 (P-PRICE: "models may suggest an initial price"): a price range for a new listing
 * from comparable concluded deals. Pure: the deals, the subject and the date are arguments.
 *
 * Method (README "Price guidance"; measured by `npm run bench:pricing`, docs/BENCHMARKS.md):
 *  1. Candidates: concluded deals (not defaulted) of the same technical field and the same deal
 *     type (a transfer and a licence of the same patent are priced on different scales).
 *  2. Similarity in (0, 1] = IPC factor × IP-type factor × maturity factor; the IPC factor is
 *     the deepest prefix the two achievements share (main group 1, subclass 0.7, class 0.35,
 *     section 0.2, none 0.1). Comparables are the candidates with similarity ≥ 0.15, the most
 *     similar first (then the most recent), at most 15 (the back-test's choice: on 2,000 deals 15
 *     nearest gave a median error of 28 % against 33 % for 40, and the same on 500 deals).
 *  3. Each comparable's log price is moved to the subject's remaining patent term:
 *     ln p + β·(ln r_subject − ln r_comparable), β = 0.6, terms floored at half a year;
 *     without a term on either side (a technical secret, software), no adjustment.
 *  4. Range = the similarity-weighted 25th–75th percentiles of the adjusted log prices; point =
 *     the weighted median; shown rounded to the yuan.
 *  5. Fewer than 5 comparables: 可比成交不足 — no range, the comparables that exist are shown.
 */

export type PricingDealType = 'transfer' | 'license' | 'equity';
export const PRICING_DEAL_TYPES: readonly PricingDealType[] = ['transfer', 'license', 'equity'];
export type PricingMaturity = 'lab' | 'prototype' | 'pilot' | 'industrialised';
const MATURITY_ORDER: readonly PricingMaturity[] = ['lab', 'prototype', 'pilot', 'industrialised'];

/** What the price depends on, for the achievement to be listed and for each past deal's achievement. */
export interface PricingProfile {
  technicalField: string;
  ipcClasses: readonly string[];
  /** the achievement's main IP right (ip_rights.type), null without one */
  ipType: string | null;
  maturity: PricingMaturity;
  /** remaining protection in years at the pricing date (subject) or deal date (comparable); null when it has no term */
  remainingYears: number | null;
}

export interface PricingSubject extends PricingProfile {
  dealType: PricingDealType;
}

export interface PastDeal extends PricingProfile {
  dealId: string;
  achievementTitle: string;
  /** Asia/Shanghai calendar date, YYYY-MM-DD */
  concludedOn: string;
  dealType: PricingDealType;
  priceFen: bigint;
}

export interface PricingOptions {
  minComparables: number;
  minSimilarity: number;
  maxComparables: number;
  /** β: elasticity of price to remaining term */
  termElasticity: number;
  lowQuantile: number;
  highQuantile: number;
  /** weight of a deal of another deal type; 0 = only the same deal type (the default, see above) */
  otherDealTypeFactor: number;
}

export const DEFAULT_PRICING_OPTIONS: Readonly<PricingOptions> = {
  minComparables: 5,
  minSimilarity: 0.15,
  maxComparables: 15,
  termElasticity: 0.6,
  lowQuantile: 0.25,
  highQuantile: 0.75,
  otherDealTypeFactor: 0,
};

/** IPC factor by the depth of the deepest shared prefix: none, section, class, subclass, main group. */
export const IPC_FACTORS = [0.1, 0.2, 0.35, 0.7, 1] as const;
export const OTHER_IP_TYPE_FACTOR = 0.6;
/** Maturity factor by the number of steps between the two (lab → prototype → pilot → industrialised). */
export const MATURITY_FACTORS = [1, 0.7, 0.45, 0.3] as const;
/** A term below half a year counts as half a year (ln 0 is not a price). */
export const MIN_TERM_YEARS = 0.5;

export interface ScoredComparable {
  dealId: string;
  achievementTitle: string;
  concludedOn: string;
  priceFen: bigint;
  /** the price moved to the subject's remaining term (equal to priceFen without a term adjustment) */
  adjustedPriceFen: bigint;
  similarity: number;
  /** 0 none … 4 main group (subclass = 3) */
  ipcDepth: number;
  sameIpType: boolean;
  maturitySteps: number;
  remainingYears: number | null;
}

export type PriceGuidance =
  | {
      status: 'ok';
      lowFen: bigint;
      pointFen: bigint;
      highFen: bigint;
      comparables: ScoredComparable[];
      /** Kish's effective number of comparables, (Σw)² / Σw² */
      effectiveCount: number;
      minComparables: number;
    }
  | { status: 'insufficient'; comparables: ScoredComparable[]; minComparables: number };

/** 'C01B 32/184' → 'C01B32/184' (spaces dropped, upper case). */
export function normalizeIpc(ipc: string): string {
  return ipc.replace(/\s+/g, '').toUpperCase();
}

/** The prefixes of one IPC class by depth: [section, class, subclass, main group]; missing parts are absent. */
export function ipcPrefixes(ipc: string): string[] {
  const n = normalizeIpc(ipc);
  const out: string[] = [];
  if (n.length >= 1) out.push(n.slice(0, 1));
  if (n.length >= 3) out.push(n.slice(0, 3));
  if (n.length >= 4) out.push(n.slice(0, 4));
  const slash = n.indexOf('/');
  if (slash > 4) out.push(n.slice(0, slash + 1));
  return out;
}

/** The depth of the deepest prefix any class of `a` shares with any class of `b` (0 none … 4 main group). */
export function sharedIpcDepth(a: readonly string[], b: readonly string[]): number {
  let best = 0;
  for (const x of a) {
    const px = ipcPrefixes(x);
    for (const y of b) {
      const py = ipcPrefixes(y);
      let d = 0;
      while (d < px.length && d < py.length && px[d] === py[d]) d++;
      if (d > best) best = d;
    }
  }
  return best;
}

export function maturitySteps(a: PricingMaturity, b: PricingMaturity): number {
  return Math.abs(MATURITY_ORDER.indexOf(a) - MATURITY_ORDER.indexOf(b));
}

/** Similarity of a past deal to the subject, with its parts; 0 for another field (or another deal type by default). */
export function similarity(
  subject: PricingSubject,
  deal: PastDeal,
  options: Pick<PricingOptions, 'otherDealTypeFactor'> = DEFAULT_PRICING_OPTIONS,
): { similarity: number; ipcDepth: number; sameIpType: boolean; maturitySteps: number } {
  const ipcDepth = sharedIpcDepth(subject.ipcClasses, deal.ipcClasses);
  const sameIpType = subject.ipType === deal.ipType;
  const steps = maturitySteps(subject.maturity, deal.maturity);
  if (subject.technicalField !== deal.technicalField) return { similarity: 0, ipcDepth, sameIpType, maturitySteps: steps };
  const dealFactor = subject.dealType === deal.dealType ? 1 : options.otherDealTypeFactor;
  const s = IPC_FACTORS[ipcDepth] * (sameIpType ? 1 : OTHER_IP_TYPE_FACTOR) * MATURITY_FACTORS[steps] * dealFactor;
  return { similarity: s, ipcDepth, sameIpType, maturitySteps: steps };
}

/** ln of a deal's price moved from its remaining term to the subject's: ln p + β·(ln r_s − ln r_c). */
export function termAdjustedLogPrice(priceFen: bigint, dealYears: number | null, subjectYears: number | null, beta: number): number {
  const lnP = Math.log(Number(priceFen));
  if (dealYears === null || subjectYears === null) return lnP;
  return lnP + beta * (Math.log(Math.max(subjectYears, MIN_TERM_YEARS)) - Math.log(Math.max(dealYears, MIN_TERM_YEARS)));
}

/**
 * The weighted q-quantile (0 ≤ q ≤ 1) of values: each value sits at the middle of its weight on
 * the cumulative scale, (S_{i−1} + w_i/2) / W, and the quantile interpolates linearly between those
 * points (clamped to the smallest / largest value outside them). With equal weights the median of
 * an even count is the mean of the two middle values, as usual.
 */
export function weightedQuantile(values: readonly number[], weights: readonly number[], q: number): number {
  if (values.length === 0 || values.length !== weights.length)
    throw new RangeError('weightedQuantile: values and weights must be non-empty and of equal length');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`weightedQuantile: q must be in [0, 1], got ${q}`);
  if (weights.some((w) => !(w > 0) || !Number.isFinite(w))) throw new RangeError('weightedQuantile: weights must be positive');
  const order = values.map((v, i) => ({ v, w: weights[i] })).sort((a, b) => a.v - b.v);
  const total = order.reduce((s, o) => s + o.w, 0);
  const positions: number[] = [];
  let cumulative = 0;
  for (const o of order) {
    positions.push((cumulative + o.w / 2) / total);
    cumulative += o.w;
  }
  if (q <= positions[0]) return order[0].v;
  if (q >= positions[positions.length - 1]) return order[order.length - 1].v;
  let i = 1;
  while (positions[i] < q) i++;
  const [p0, p1] = [positions[i - 1], positions[i]];
  const t = p1 === p0 ? 0 : (q - p0) / (p1 - p0);
  return order[i - 1].v + t * (order[i].v - order[i - 1].v);
}

function fenOf(logFen: number): bigint {
  // to the whole yuan
  return BigInt(Math.round(Math.exp(logFen) / 100)) * 100n;
}

/** The price guidance for `subject` from `deals` (its own deals should not be among them). */
export function priceGuidance(subject: PricingSubject, deals: readonly PastDeal[], overrides: Partial<PricingOptions> = {}): PriceGuidance {
  const o: PricingOptions = { ...DEFAULT_PRICING_OPTIONS, ...overrides };
  const scored = deals
    .map((deal) => ({ deal, ...similarity(subject, deal, o) }))
    .filter((s) => s.similarity >= o.minSimilarity && s.deal.priceFen > 0n)
    .sort((a, b) => b.similarity - a.similarity || b.deal.concludedOn.localeCompare(a.deal.concludedOn) || a.deal.dealId.localeCompare(b.deal.dealId))
    .slice(0, o.maxComparables);
  const logs = scored.map((s) => termAdjustedLogPrice(s.deal.priceFen, s.deal.remainingYears, subject.remainingYears, o.termElasticity));
  const comparables: ScoredComparable[] = scored.map((s, i) => ({
    dealId: s.deal.dealId,
    achievementTitle: s.deal.achievementTitle,
    concludedOn: s.deal.concludedOn,
    priceFen: s.deal.priceFen,
    adjustedPriceFen: s.deal.remainingYears === null || subject.remainingYears === null ? s.deal.priceFen : fenOf(logs[i]),
    similarity: Math.round(s.similarity * 1000) / 1000,
    ipcDepth: s.ipcDepth,
    sameIpType: s.sameIpType,
    maturitySteps: s.maturitySteps,
    remainingYears: s.deal.remainingYears,
  }));
  if (scored.length < o.minComparables) return { status: 'insufficient', comparables, minComparables: o.minComparables };
  const weights = scored.map((s) => s.similarity);
  const sum = weights.reduce((a, w) => a + w, 0);
  const sumSq = weights.reduce((a, w) => a + w * w, 0);
  return {
    status: 'ok',
    lowFen: fenOf(weightedQuantile(logs, weights, o.lowQuantile)),
    pointFen: fenOf(weightedQuantile(logs, weights, 0.5)),
    highFen: fenOf(weightedQuantile(logs, weights, o.highQuantile)),
    comparables,
    effectiveCount: Math.round(((sum * sum) / sumSq) * 10) / 10,
    minComparables: o.minComparables,
  };
}

const TERM_YEARS: Record<string, number> = { invention_patent: 20, utility_model: 10 };

/**
 * Remaining protection in years on `asOf` (YYYY-MM-DD) of a Chinese patent from its application
 * number (ZL + 12 digits: the first four are the filing year; ZL + 8 digits before 2003: the first
 * two). The number carries the year only, so filing is taken as 1 July of that year. Terms run
 * from filing: invention 20 years, utility model 10, design 15 (filed from 1 June 2021, so from
 * 2021 here) or 10 before. Other rights (software copyright, technical secrets …) → null.
 */
export function remainingTermYears(ipType: string | null, number: string | null, asOf: string): number | null {
  if (!ipType || !number) return null;
  const m = /^(?:ZL)?(\d{12}|\d{8})\.[0-9X]$/.exec(number.replace(/\s+/g, '').toUpperCase());
  if (!m) return null;
  const digits = m[1];
  const year = digits.length === 12 ? Number(digits.slice(0, 4)) : (Number(digits.slice(0, 2)) >= 85 ? 1900 : 2000) + Number(digits.slice(0, 2));
  const term = ipType === 'design_patent' ? (year >= 2021 ? 15 : 10) : TERM_YEARS[ipType];
  if (!term) return null;
  const expiry = Date.UTC(year + term, 6, 1);
  const on = Date.parse(`${asOf}T00:00:00Z`);
  if (Number.isNaN(on)) throw new RangeError(`remainingTermYears: bad date ${asOf}`);
  return Math.max(0, Math.round(((expiry - on) / (365.25 * 86_400_000)) * 100) / 100);
}
