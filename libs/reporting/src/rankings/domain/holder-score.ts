/*
 * P-MKT: "建立基于科技成果挂牌数量、转化成效等因素的排序机制" — rank universities and institutes by
 * their listings and transformation results. A pure function of the indicators (computed in
 * PostgreSQL by rankings.repository.ts); the method, in words, is README "Holder rankings".
 *
 * 1. Six indicators per holder, each with a weight (they add up to 100 points):
 *      listings                 15  listings created in the year               higher is better
 *      contracts in force       15  contracts that took effect in the year     higher is better
 *      contract value (fen)     25  their total price                          higher is better
 *      transformed share        20  registered achievements with a transformation in effect
 *      use-first share          10  registered applied achievements on the P-2Y/P-3Y list   lower is better
 *      P-REG timeliness         15  achievements obtained in the year registered within 30 days
 * 2. Each indicator is normalised to [0, 1] by min-max across the holders of the same kind
 *    (university, institute, enterprise lab) in the report: (x − min) ÷ (max − min), or
 *    (max − x) ÷ (max − min) when lower is better. When every holder of the kind has the same value
 *    the indicator separates no one: it gives 1 when that value is the ideal side (a positive
 *    count or share where higher is better, a zero share where lower is better) and 0 otherwise.
 *    An indicator without data (a share with an empty denominator) gives 0 and is flagged.
 * 3. A contribution is weight × normalised value, in hundredths of a point (rounded half up); the
 *    score is the sum of the contributions, so the contributions shown add up to the score.
 * 4. Rank: standard competition ranking (1, 2, 2, 4) on the score in hundredths — holders with
 *    equal scores share the better rank and the next rank skips; within a tie, by name.
 */

export const HOLDER_KINDS = ['university', 'institute', 'enterprise_lab'] as const;
export type HolderKind = (typeof HOLDER_KINDS)[number];

export const INDICATOR_KEYS = ['listings', 'contractsInForce', 'contractValueFen', 'transformedShare', 'useFirstShare', 'registrationTimeliness'] as const;
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];

export interface IndicatorMethod {
  key: IndicatorKey;
  /** Points out of 100. */
  weight: number;
  better: 'higher' | 'lower';
}

export const RANKING_METHOD: readonly IndicatorMethod[] = [
  { key: 'listings', weight: 15, better: 'higher' },
  { key: 'contractsInForce', weight: 15, better: 'higher' },
  { key: 'contractValueFen', weight: 25, better: 'higher' },
  { key: 'transformedShare', weight: 20, better: 'higher' },
  { key: 'useFirstShare', weight: 10, better: 'lower' },
  { key: 'registrationTimeliness', weight: 15, better: 'higher' },
];

/** A share as numerator / denominator (exact; the ratio is taken only for normalising). */
export interface Share {
  numerator: number;
  denominator: number;
}

export interface HolderIndicators {
  holderId: string;
  holderName: string;
  kind: HolderKind;
  listings: number;
  contractsInForce: number;
  /** Integer fen as a decimal string (bigint end to end). */
  contractValueFen: string;
  transformedShare: Share;
  useFirstShare: Share;
  registrationTimeliness: Share;
}

export interface Contribution {
  key: IndicatorKey;
  weight: number;
  /** The raw value used: a count, fen as a string, or a ratio in [0, 1]; null without data. */
  value: number | string | null;
  /** Normalised to [0, 1] within the holder's kind (6 decimals). */
  normalized: number;
  /** Min and max of the indicator across the holders of the kind (null when none has data). */
  min: number | string | null;
  max: number | string | null;
  /** Points earned, in hundredths of a point. */
  pointsHundredths: number;
  noData: boolean;
}

export interface RankedHolder {
  holder: HolderIndicators;
  rank: number;
  /** Score in hundredths of a point, 0–10000. */
  scoreHundredths: number;
  tied: boolean;
  contributions: Contribution[];
}

type Raw = { kind: 'count'; v: bigint } | { kind: 'ratio'; v: number } | null;

function rawOf(h: HolderIndicators, key: IndicatorKey): Raw {
  switch (key) {
    case 'listings':
    case 'contractsInForce':
      return { kind: 'count', v: BigInt(h[key]) };
    case 'contractValueFen':
      return { kind: 'count', v: BigInt(h.contractValueFen) };
    default: {
      const s = h[key];
      return s.denominator > 0 ? { kind: 'ratio', v: s.numerator / s.denominator } : null;
    }
  }
}

/** (a − b) ÷ (c − d) for counts (bigint, exact differences) or ratios. */
function fraction(a: Raw, b: Raw, c: Raw, d: Raw): number {
  if (a!.kind === 'count') {
    return Number((a!.v as bigint) - (b!.v as bigint)) / Number((c!.v as bigint) - (d!.v as bigint));
  }
  return ((a!.v as number) - (b!.v as number)) / ((c!.v as number) - (d!.v as number));
}

function cmp(a: Raw, b: Raw): number {
  const x = a!.v;
  const y = b!.v;
  return x < y ? -1 : x > y ? 1 : 0;
}

function isPositive(r: Raw): boolean {
  return r!.kind === 'count' ? (r!.v as bigint) > 0n : (r!.v as number) > 0;
}

function shown(r: Raw, key: IndicatorKey): number | string | null {
  if (r === null) return null;
  if (r.kind === 'ratio') return Math.round(r.v * 1e6) / 1e6;
  return key === 'contractValueFen' ? r.v.toString() : Number(r.v);
}

/** Min-max normalisation of one indicator within a group, per the rule above. */
export function normalize(value: Raw, min: Raw, max: Raw, better: 'higher' | 'lower'): number {
  if (value === null || min === null || max === null) return 0;
  if (cmp(min, max) === 0) {
    const ideal = better === 'higher' ? isPositive(max) : !isPositive(max);
    return ideal ? 1 : 0;
  }
  return better === 'higher' ? fraction(value, min, max, min) : fraction(max, value, max, min);
}

/** Standard competition ranking of scores (descending): 100, 90, 90, 80 → 1, 2, 2, 4. */
export function competitionRanks(scores: readonly number[]): number[] {
  return scores.map((s) => 1 + scores.filter((o) => o > s).length);
}

/** Scores and ranks the holders (all of them: normalisation needs the whole group). */
export function rankHolders(holders: readonly HolderIndicators[], method: readonly IndicatorMethod[] = RANKING_METHOD): RankedHolder[] {
  const bounds = new Map<string, { min: Raw; max: Raw }>();
  for (const kind of new Set(holders.map((h) => h.kind))) {
    const group = holders.filter((h) => h.kind === kind);
    for (const m of method) {
      const values = group.map((h) => rawOf(h, m.key)).filter((r): r is Exclude<Raw, null> => r !== null);
      const min = values.reduce<Raw>((a, r) => (a === null || cmp(r, a) < 0 ? r : a), null);
      const max = values.reduce<Raw>((a, r) => (a === null || cmp(r, a) > 0 ? r : a), null);
      bounds.set(`${kind}/${m.key}`, { min, max });
    }
  }
  const scored = holders.map((holder) => {
    const contributions = method.map((m): Contribution => {
      const raw = rawOf(holder, m.key);
      const { min, max } = bounds.get(`${holder.kind}/${m.key}`)!;
      const normalized = normalize(raw, min, max, m.better);
      return {
        key: m.key,
        weight: m.weight,
        value: shown(raw, m.key),
        normalized: Math.round(normalized * 1e6) / 1e6,
        min: shown(min, m.key),
        max: shown(max, m.key),
        // weight points × normalised, in hundredths; the epsilon keeps 0.125 × 100 from rounding down
        pointsHundredths: Math.round(m.weight * normalized * 100 + 1e-9),
        noData: raw === null,
      };
    });
    return { holder, contributions, scoreHundredths: contributions.reduce((s, c) => s + c.pointsHundredths, 0) };
  });
  const ranks = competitionRanks(scored.map((s) => s.scoreHundredths));
  return scored
    .map((s, i) => ({ ...s, rank: ranks[i], tied: ranks.filter((r) => r === ranks[i]).length > 1 }))
    .sort((a, b) => a.rank - b.rank || a.holder.holderName.localeCompare(b.holder.holderName, 'zh-CN') || a.holder.holderId.localeCompare(b.holder.holderId));
}
