import type { Increment } from '../api/types';

/** The raise that applies at a price: the fixed amount, or the ladder band the price is in (the API's rule, libs/market domain). */
export function incrementAt(increment: Increment, priceFen: bigint): bigint {
  if (increment.kind === 'fixed') return BigInt(increment.amountFen ?? '0');
  let raise = 0n;
  for (const band of increment.bands ?? []) if (priceFen >= BigInt(band.fromFen)) raise = BigInt(band.incrementFen);
  return raise;
}

/** The lowest bid the server will accept: the starting price before any bid, else the current price plus its increment. */
export function nextMinimumFen(startingPriceFen: string, currentFen: string | null, increment: Increment): bigint {
  if (currentFen === null) return BigInt(startingPriceFen);
  const current = BigInt(currentFen);
  return current + incrementAt(increment, current);
}
