import { createHash } from 'node:crypto';

/*
 * The tamper-evident log of a lot's accepted bids (issue 4, "Bid log"): each row stores the
 * hash of the row before it and its own hash, so anyone holding the published history and its
 * head can recompute the chain and see whether a row was changed, removed, inserted or moved.
 *
 * The hash, exactly (a third party can reimplement it from this comment):
 *   hash = lowercase hex of SHA-256 over the UTF-8 bytes of
 *          prevHash + JSON.stringify([lotId, seq, bidderId, amountFen, at, proxy])
 *   where prevHash is the previous row's hash (64 lowercase hex; GENESIS_HASH, 64 zeros, for
 *   seq 1), lotId and bidderId are JSON strings, seq a JSON integer, amountFen the decimal
 *   string of the fen amount (e.g. "1500000"), at the ISO 8601 UTC instant with milliseconds
 *   (Date#toISOString, e.g. "2025-06-01T08:00:00.000Z"), proxy a JSON boolean.
 * prevHash has a fixed length and JSON quotes and escapes the strings, so no two different
 * rows serialise to the same bytes. Store `at` with at least millisecond precision (timestamptz
 * does) and hash the value as stored.
 */

export const GENESIS_HASH = '0'.repeat(64);

const HASH = /^[0-9a-f]{64}$/;

export interface ChainedBid {
  lotId: string;
  seq: number;
  bidderId: string;
  amountFen: bigint;
  at: Date;
  proxy: boolean;
}

export interface BidChainRow {
  seq: number;
  bidderId: string;
  amountFen: bigint;
  at: Date;
  proxy: boolean;
  prevHash: string;
  hash: string;
}

export type ChainVerification = { ok: true; head: string } | { ok: false; brokenAtSeq: number; reason: string };

export function bidHash(prevHash: string, bid: ChainedBid): string {
  if (!HASH.test(prevHash)) throw new RangeError('bidHash: prevHash must be 64 lowercase hex characters');
  if (!Number.isSafeInteger(bid.seq) || bid.seq < 1) throw new RangeError(`bidHash: seq must be a positive integer, got ${bid.seq}`);
  const body = JSON.stringify([bid.lotId, bid.seq, bid.bidderId, bid.amountFen.toString(), bid.at.toISOString(), bid.proxy]);
  return createHash('sha256')
    .update(prevHash + body, 'utf8')
    .digest('hex');
}

/**
 * Verifies rows in the order given (as published: by seq, from 1). Returns the head, the hash
 * of the last row (GENESIS_HASH when there is none): compare it with the head published
 * earlier, since dropping rows from the END leaves a shorter chain that is consistent in itself.
 */
export function verifyChain(lotId: string, rows: readonly BidChainRow[]): ChainVerification {
  let prevHash = GENESIS_HASH;
  let prevAmount: bigint | null = null;
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i];
    const expectedSeq = i + 1;
    if (row.seq !== expectedSeq) {
      return { ok: false, brokenAtSeq: expectedSeq, reason: `expected seq ${expectedSeq}, found ${String(row.seq)}` };
    }
    if (row.prevHash !== prevHash) {
      return { ok: false, brokenAtSeq: expectedSeq, reason: 'prevHash does not match the previous row' };
    }
    let hash: string;
    try {
      hash = bidHash(prevHash, { lotId, seq: row.seq, bidderId: row.bidderId, amountFen: row.amountFen, at: row.at, proxy: row.proxy });
    } catch (err) {
      return { ok: false, brokenAtSeq: expectedSeq, reason: `row cannot be hashed: ${(err as Error).message}` };
    }
    if (row.hash !== hash) return { ok: false, brokenAtSeq: expectedSeq, reason: 'hash does not match the row content' };
    if (prevAmount !== null && row.amountFen <= prevAmount) {
      return { ok: false, brokenAtSeq: expectedSeq, reason: `amount ${row.amountFen} is not above the previous ${prevAmount}` };
    }
    prevAmount = row.amountFen;
    prevHash = hash;
  }
  return { ok: true, head: prevHash };
}
