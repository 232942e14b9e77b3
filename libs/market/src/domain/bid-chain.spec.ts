import { createHash } from 'node:crypto';
import { bidHash, GENESIS_HASH, verifyChain, type BidChainRow, type ChainedBid } from './bid-chain';

const LOT = '5b1d4f0e-9c1a-4f7e-8a43-2f0c4c1d9e01';
const t = (s: number) => new Date(Date.UTC(2025, 5, 1, 3, 0, s));

/** Builds a valid chain of rows from [bidderId, amountFen, proxy] triples. */
function chain(bids: [string, bigint, boolean][], lotId = LOT): BidChainRow[] {
  const rows: BidChainRow[] = [];
  let prevHash = GENESIS_HASH;
  bids.forEach(([bidderId, amountFen, proxy], i) => {
    const row = { seq: i + 1, bidderId, amountFen, at: t(i), proxy };
    const hash = bidHash(prevHash, { lotId, ...row });
    rows.push({ ...row, prevHash, hash });
    prevHash = hash;
  });
  return rows;
}

const BIDS: [string, bigint, boolean][] = [
  ['alice', 10_000n, false],
  ['bob', 11_000n, false],
  ['alice', 12_000n, true],
  ['carol', 20_000n, false],
  ['alice', 21_000n, true],
];

const BASE: ChainedBid = { lotId: LOT, seq: 1, bidderId: 'alice', amountFen: 10_000n, at: t(0), proxy: false };

describe('bidHash', () => {
  it('is SHA-256 of prevHash followed by the JSON array of the fields, as documented', () => {
    const expected = createHash('sha256').update(`${GENESIS_HASH}["${LOT}",1,"alice","10000","2025-06-01T03:00:00.000Z",false]`).digest('hex');
    expect(bidHash(GENESIS_HASH, BASE)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('has a genesis hash of 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it.each`
    change                                  | behaviour
    ${{ lotId: 'another-lot' }}             | ${'changes with the lot'}
    ${{ seq: 2 }}                           | ${'changes with the seq'}
    ${{ bidderId: 'bob' }}                  | ${'changes with the bidder'}
    ${{ amountFen: 10_001n }}               | ${'changes with the amount by one fen'}
    ${{ at: new Date(t(0).getTime() + 1) }} | ${'changes with the time by one millisecond'}
    ${{ proxy: true }}                      | ${'changes with the proxy flag'}
  `('$behaviour', ({ change }: { change: Partial<ChainedBid> }) => {
    expect(bidHash(GENESIS_HASH, { ...BASE, ...change })).not.toBe(bidHash(GENESIS_HASH, BASE));
  });

  it('changes with the previous hash', () => {
    expect(bidHash('f'.repeat(64), BASE)).not.toBe(bidHash(GENESIS_HASH, BASE));
  });

  it.each`
    prevHash          | behaviour
    ${'abc'}          | ${'refuses a short previous hash'}
    ${'F'.repeat(64)} | ${'refuses an upper-case previous hash (one spelling per hash)'}
  `('$behaviour', ({ prevHash }: { prevHash: string }) => {
    expect(() => bidHash(prevHash, BASE)).toThrow(RangeError);
  });
});

describe('verifyChain', () => {
  const good = chain(BIDS);

  it('accepts an untouched chain and returns the last hash as head', () => {
    expect(verifyChain(LOT, good)).toEqual({ ok: true, head: good[4].hash });
  });

  it('accepts an empty chain with the genesis hash as head', () => {
    expect(verifyChain(LOT, [])).toEqual({ ok: true, head: GENESIS_HASH });
  });

  type Tamper = (rows: BidChainRow[]) => BidChainRow[];
  const edit =
    (i: number, change: Partial<BidChainRow>): Tamper =>
    (rows) =>
      rows.map((r, j) => (j === i ? { ...r, ...change } : r));

  it.each`
    behaviour                                                   | tamper                                                                                                                                                             | brokenAtSeq | reason
    ${'detects a changed amount'}                               | ${edit(2, { amountFen: 11_500n })}                                                                                                                                 | ${3}        | ${/hash does not match/}
    ${'detects a changed bidder'}                               | ${edit(3, { bidderId: 'mallory' })}                                                                                                                                | ${4}        | ${/hash does not match/}
    ${'detects a changed time'}                                 | ${edit(1, { at: t(30) })}                                                                                                                                          | ${2}        | ${/hash does not match/}
    ${'detects a flipped proxy flag'}                           | ${edit(4, { proxy: false })}                                                                                                                                       | ${5}        | ${/hash does not match/}
    ${'detects a removed row'}                                  | ${(rows: BidChainRow[]) => rows.filter((r) => r.seq !== 3)}                                                                                                        | ${3}        | ${/expected seq 3, found 4/}
    ${'detects a removed row with the later seqs renumbered'}   | ${(rows: BidChainRow[]) => rows.filter((r) => r.seq !== 3).map((r, i) => ({ ...r, seq: i + 1 }))}                                                                  | ${3}        | ${/prevHash/}
    ${'detects a reordered row'}                                | ${(rows: BidChainRow[]) => [rows[0], rows[2], rows[1], rows[3], rows[4]]}                                                                                          | ${2}        | ${/expected seq 2, found 3/}
    ${'detects reordered rows with their seqs swapped back'}    | ${(rows: BidChainRow[]) => [rows[0], { ...rows[2], seq: 2 }, { ...rows[1], seq: 3 }, rows[3], rows[4]]}                                                            | ${2}        | ${/prevHash/}
    ${'detects a changed amount whose row hash was recomputed'} | ${(rows: BidChainRow[]) => rows.map((r) => (r.seq === 2 ? { ...r, amountFen: 11_001n, hash: bidHash(r.prevHash, { lotId: LOT, ...r, amountFen: 11_001n }) } : r))} | ${3}        | ${/prevHash does not match/}
    ${'detects a first row that does not start from genesis'}   | ${edit(0, { prevHash: 'a'.repeat(64) })}                                                                                                                           | ${1}        | ${/prevHash/}
    ${'detects a chain that does not start at seq 1'}           | ${(rows: BidChainRow[]) => rows.slice(1)}                                                                                                                          | ${1}        | ${/expected seq 1, found 2/}
    ${'detects a duplicated row'}                               | ${(rows: BidChainRow[]) => [rows[0], rows[1], rows[1], rows[2]]}                                                                                                   | ${3}        | ${/expected seq 3, found 2/}
  `('$behaviour', ({ tamper, brokenAtSeq, reason }: { tamper: Tamper; brokenAtSeq: number; reason: RegExp }) => {
    const result = verifyChain(LOT, tamper(good));
    expect(result).toEqual({ ok: false, brokenAtSeq, reason: expect.stringMatching(reason) });
  });

  it('detects a chain verified against another lot', () => {
    expect(verifyChain('another-lot', good)).toEqual({ ok: false, brokenAtSeq: 1, reason: expect.stringMatching(/hash does not match/) });
  });

  it('detects amounts that do not rise even when every hash is consistent', () => {
    const rows = chain([
      ['alice', 10_000n, false],
      ['bob', 10_000n, false],
    ]);
    expect(verifyChain(LOT, rows)).toEqual({ ok: false, brokenAtSeq: 2, reason: expect.stringMatching(/not above the previous/) });
  });

  it('reports a row whose time cannot be serialised instead of throwing', () => {
    const rows = edit(1, { at: new Date(Number.NaN) })(good);
    expect(verifyChain(LOT, rows)).toEqual({ ok: false, brokenAtSeq: 2, reason: expect.stringMatching(/cannot be hashed/) });
  });

  it('cannot see rows dropped from the end: the head differs from the one published', () => {
    const truncated = verifyChain(LOT, good.slice(0, 3));
    expect(truncated).toEqual({ ok: true, head: good[2].hash });
    expect(truncated).not.toEqual(verifyChain(LOT, good));
  });
});
