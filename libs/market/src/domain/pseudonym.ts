/*
 * The public name of a bidder in the live view (issue 4: leader shown pseudonymously, e.g.
 * "竞买人 07"): the paddle number, two digits at least. A user-facing label, hence Chinese.
 */
export function bidderPseudonym(paddleNumber: number): string {
  if (!Number.isSafeInteger(paddleNumber) || paddleNumber < 1) {
    throw new RangeError(`bidderPseudonym: paddle numbers are positive integers, got ${paddleNumber}`);
  }
  return `竞买人 ${String(paddleNumber).padStart(2, '0')}`;
}
