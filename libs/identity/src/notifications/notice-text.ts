/** Helpers for the Chinese text of notices, shared by the contexts that send them. */

/** 1060000 fen → "10,600.00" (yuan, with thousands separators). */
export function yuanText(fen: bigint | string | number): string {
  const value = BigInt(fen);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** A moment in Beijing time, e.g. "2026-12-06 10:30". */
export function beijingTime(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3600_000);
  return local.toISOString().slice(0, 16).replace('T', ' ');
}
