/*
 * 加价幅度 (GLOSSARY `increment`): the minimum raise over the current price. Either one fixed
 * amount, or a ladder of price bands where the band is chosen by the CURRENT price (the price
 * being raised from), not by the amount bid.
 *
 * Amounts are plain bigint fen rather than Money: these run once or twice per bid on the hot
 * path of the bidding engine, and a bigint compare/add allocates nothing we can avoid.
 */

export interface IncrementBand {
  /** The band applies from this current price (inclusive) up to the next band's fromFen. */
  fromFen: bigint;
  incrementFen: bigint;
}

export type IncrementRule = { kind: 'fixed'; amountFen: bigint } | { kind: 'ladder'; bands: IncrementBand[] };

export interface IncrementPricing {
  startingPriceFen: bigint;
  increment: IncrementRule;
}

/**
 * Problems with a rule, in words for an administrator; empty when the rule is usable. Run it
 * when a lot is created or changed: `incrementAt` trusts a validated rule (it re-checks only that
 * the increment it returns is positive, which keeps accepted amounts strictly increasing).
 */
export function validateIncrementRule(rule: IncrementRule): string[] {
  const problems: string[] = [];
  if (rule === null || typeof rule !== 'object') return ['increment rule is missing'];
  if (rule.kind === 'fixed') {
    if (typeof rule.amountFen !== 'bigint') problems.push('fixed increment amountFen must be a bigint');
    else if (rule.amountFen <= 0n) problems.push(`fixed increment must be positive, got ${rule.amountFen} fen`);
    return problems;
  }
  if (rule.kind !== 'ladder') return [`unknown increment kind: ${String((rule as { kind?: unknown }).kind)}`];
  const bands: unknown = rule.bands;
  if (!Array.isArray(bands) || bands.length === 0) return ['increment ladder has no bands'];
  let previous: bigint | null = null;
  for (let i = 0; i < bands.length; i += 1) {
    const band = bands[i] as Partial<IncrementBand> | null;
    const label = `band ${i + 1}`;
    if (typeof band?.fromFen !== 'bigint' || typeof band.incrementFen !== 'bigint') {
      problems.push(`${label}: fromFen and incrementFen must be bigints`);
      previous = null;
      continue;
    }
    if (i === 0 && band.fromFen !== 0n) problems.push(`${label}: the ladder must start at 0 fen, got ${band.fromFen}`);
    if (previous !== null && band.fromFen <= previous) {
      problems.push(
        band.fromFen === previous
          ? `${label}: duplicate fromFen ${band.fromFen}`
          : `${label}: fromFen ${band.fromFen} is below the previous band's ${previous} (bands must be sorted)`,
      );
    }
    if (band.incrementFen <= 0n) problems.push(`${label}: increment must be positive, got ${band.incrementFen} fen`);
    previous = band.fromFen;
  }
  return problems;
}

/**
 * The increment that applies when the current price is `currentFen`: a price exactly at a band's
 * fromFen is in that band. Ladders are a handful of bands, so the scan from the top is O(bands),
 * independent of the bid history.
 */
export function incrementAt(rule: IncrementRule, currentFen: bigint): bigint {
  let increment: bigint | undefined;
  if (rule.kind === 'fixed') {
    increment = rule.amountFen;
  } else {
    const bands = rule.bands;
    for (let i = bands.length - 1; i >= 0; i -= 1) {
      if (currentFen >= bands[i].fromFen) {
        increment = bands[i].incrementFen;
        break;
      }
    }
  }
  // A zero or negative increment would let an accepted bid repeat or lower the price
  // (ARCHITECTURE invariant 2); a rule that passed validateIncrementRule never gets here.
  if (increment === undefined || increment <= 0n) {
    throw new RangeError(`incrementAt: no positive increment for ${currentFen} fen; validate the rule first`);
  }
  return increment;
}

/** 起拍价 for the first bid; afterwards the current price plus the increment of its band. */
export function minimumNextBid(lot: IncrementPricing, currentFen: bigint | null): bigint {
  return currentFen === null ? lot.startingPriceFen : currentFen + incrementAt(lot.increment, currentFen);
}

/** The increment as stored (the `lots.increment` jsonb column) and sent: amounts as strings of fen. */
export type IncrementJson = { kind: 'fixed'; amountFen: string } | { kind: 'ladder'; bands: { fromFen: string; incrementFen: string }[] };

/** The one encoding of an increment rule (storage and API). */
export function encodeIncrement(rule: IncrementRule): IncrementJson {
  return rule.kind === 'fixed'
    ? { kind: 'fixed', amountFen: rule.amountFen.toString() }
    : { kind: 'ladder', bands: rule.bands.map((b) => ({ fromFen: b.fromFen.toString(), incrementFen: b.incrementFen.toString() })) };
}

/** The inverse of `encodeIncrement`. */
export function decodeIncrement(json: IncrementJson): IncrementRule {
  return json.kind === 'fixed'
    ? { kind: 'fixed', amountFen: BigInt(json.amountFen) }
    : { kind: 'ladder', bands: json.bands.map((b) => ({ fromFen: BigInt(b.fromFen), incrementFen: BigInt(b.incrementFen) })) };
}

/** The smallest increment the platform sets by itself: 1 元. */
export const MIN_DEFAULT_INCREMENT_FEN = 100n;

/**
 * The increment of an auction the platform opens by itself (a fixed-price listing with two or
 * more declarations of intent becomes an auction among them, P-PRICE): 1 % of the starting
 * price, at least 1 元.
 */
export function defaultIncrement(startingPriceFen: bigint): IncrementRule {
  const onePercent = startingPriceFen / 100n;
  return { kind: 'fixed', amountFen: onePercent > MIN_DEFAULT_INCREMENT_FEN ? onePercent : MIN_DEFAULT_INCREMENT_FEN };
}
