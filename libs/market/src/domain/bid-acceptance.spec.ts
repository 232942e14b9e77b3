import { httpStatusOf } from '@zjp/core';
import {
  acceptBid,
  BidRejectedError,
  judgeBid,
  type BidderFacts,
  type BidSource,
  validateLotRules,
  type AcceptedBid,
  type BidInput,
  type BidOutcome,
  type LotRules,
  type LotState,
} from './bid-acceptance';
import { minimumNextBid, type IncrementRule } from './increment';

const at = (iso: string) => new Date(`2025-06-01T${iso}Z`);
const START = at('02:00:00.000');
const END = at('04:00:00.000');
const NOW = at('03:00:00.000');

// Starting price 100 yuan, +10 yuan, reserve 500 yuan, 5-minute extension capped at 15 minutes.
const RULES: LotRules = {
  startingPriceFen: 10_000n,
  reservePriceFen: 50_000n,
  increment: { kind: 'fixed', amountFen: 1_000n },
  extensionMinutes: 5,
  extensionCapMinutes: 15,
  proxyAllowed: true,
};
// 0–999.99 yuan: +10 yuan; from 1,000 yuan: +50 yuan.
const LADDER: IncrementRule = {
  kind: 'ladder',
  bands: [
    { fromFen: 0n, incrementFen: 1_000n },
    { fromFen: 100_000n, incrementFen: 5_000n },
  ],
};

function lot(overrides: Partial<LotState> = {}): LotState {
  return {
    status: 'open',
    startsAt: START,
    endsAt: END,
    originalEndsAt: END,
    currentFen: null,
    leaderId: null,
    leaderProxyMaxFen: null,
    leaderProxySetAt: null,
    seq: 0,
    bidCount: 0,
    ...overrides,
  };
}

/** A lot led by `alice` at 200 yuan after 4 bids, with an optional proxy maximum. */
function ledByAlice(leaderProxyMaxFen: bigint | null = null, overrides: Partial<LotState> = {}): LotState {
  return lot({
    currentFen: 20_000n,
    leaderId: 'alice',
    leaderProxyMaxFen,
    leaderProxySetAt: leaderProxyMaxFen === null ? null : at('02:30:00.000'),
    seq: 4,
    bidCount: 4,
    ...overrides,
  });
}

function bid(bidderId: string, amountFen: bigint, maxFen?: bigint, when: Date = NOW): BidInput {
  return maxFen === undefined ? { bidderId, amountFen, at: when } : { bidderId, amountFen, maxFen, at: when };
}

function accepted(outcome: BidOutcome): Extract<BidOutcome, { accepted: true }> {
  if (!outcome.accepted) throw new Error(`expected the bid to be accepted, got ${outcome.code}`);
  return outcome;
}

/** [bidderId, amountFen, proxy] of each accepted bid, for compact tables. */
type BidRow = [string, bigint, boolean];
const rows = (bids: AcceptedBid[]): BidRow[] => bids.map((b) => [b.bidderId, b.amountFen, b.proxy]);

describe('acceptBid: rejections change nothing and say why', () => {
  it.each`
    behaviour                                                            | rules                                | state                                               | input                                                 | now                   | expected
    ${'rejects a first bid one fen below the starting price'}            | ${RULES}                             | ${lot()}                                            | ${bid('bob', 9_999n)}                                 | ${NOW}                | ${{ code: 'BID_TOO_LOW', minimumFen: 10_000n }}
    ${'rejects a bid one fen below current price plus increment'}        | ${RULES}                             | ${ledByAlice()}                                     | ${bid('bob', 20_999n)}                                | ${NOW}                | ${{ code: 'BID_TOO_LOW', minimumFen: 21_000n }}
    ${'rejects a bid equal to the current price'}                        | ${RULES}                             | ${ledByAlice()}                                     | ${bid('bob', 20_000n)}                                | ${NOW}                | ${{ code: 'BID_TOO_LOW', minimumFen: 21_000n }}
    ${'rejects below the ladder minimum at a band boundary'}             | ${{ ...RULES, increment: LADDER }}   | ${ledByAlice(null, { currentFen: 100_000n })}       | ${bid('bob', 104_999n)}                               | ${NOW}                | ${{ code: 'BID_TOO_LOW', minimumFen: 105_000n }}
    ${'rejects a zero amount'}                                           | ${RULES}                             | ${lot()}                                            | ${bid('bob', 0n)}                                     | ${NOW}                | ${{ code: 'INVALID_AMOUNT' }}
    ${'rejects a negative amount'}                                       | ${RULES}                             | ${ledByAlice()}                                     | ${bid('bob', -21_000n)}                               | ${NOW}                | ${{ code: 'INVALID_AMOUNT' }}
    ${'rejects a proxy maximum where proxy bidding is not allowed'}      | ${{ ...RULES, proxyAllowed: false }} | ${ledByAlice()}                                     | ${bid('bob', 21_000n, 30_000n)}                       | ${NOW}                | ${{ code: 'PROXY_NOT_ALLOWED' }}
    ${'rejects a maximum below the amount'}                              | ${RULES}                             | ${ledByAlice()}                                     | ${bid('bob', 25_000n, 24_999n)}                       | ${NOW}                | ${{ code: 'MAX_BELOW_AMOUNT' }}
    ${'rejects the leader bidding again'}                                | ${RULES}                             | ${ledByAlice()}                                     | ${bid('alice', 21_000n)}                              | ${NOW}                | ${{ code: 'ALREADY_LEADING' }}
    ${'rejects the leader bidding again even far above the minimum'}     | ${RULES}                             | ${ledByAlice(30_000n)}                              | ${bid('alice', 90_000n)}                              | ${NOW}                | ${{ code: 'ALREADY_LEADING' }}
    ${'rejects a leader maximum equal to the current maximum'}           | ${RULES}                             | ${ledByAlice(30_000n)}                              | ${bid('alice', 21_000n, 30_000n)}                     | ${NOW}                | ${{ code: 'ALREADY_LEADING' }}
    ${'rejects a leader maximum below the current maximum'}              | ${RULES}                             | ${ledByAlice(30_000n)}                              | ${bid('alice', 21_000n, 25_000n)}                     | ${NOW}                | ${{ code: 'ALREADY_LEADING' }}
    ${'rejects a leader without proxy sending the current price as max'} | ${RULES}                             | ${ledByAlice()}                                     | ${bid('alice', 20_000n, 20_000n)}                     | ${NOW}                | ${{ code: 'ALREADY_LEADING' }}
    ${'rejects a bid at the exact end instant'}                          | ${RULES}                             | ${ledByAlice()}                                     | ${bid('bob', 21_000n)}                                | ${END}                | ${{ code: 'LOT_ENDED' }}
    ${'rejects a bid after the end whatever the bid says its time is'}   | ${RULES}                             | ${ledByAlice()}                                     | ${bid('bob', 21_000n, undefined, at('03:59:00.000'))} | ${at('04:00:00.001')} | ${{ code: 'LOT_ENDED' }}
    ${'rejects a bid at the stored, extended end'}                       | ${RULES}                             | ${ledByAlice(null, { endsAt: at('04:07:00.000') })} | ${bid('bob', 21_000n)}                                | ${at('04:07:00.000')} | ${{ code: 'LOT_ENDED' }}
    ${'rejects a bid on a closed lot after its end as ended'}            | ${RULES}                             | ${ledByAlice(null, { status: 'closed' })}           | ${bid('bob', 21_000n)}                                | ${at('04:30:00.000')} | ${{ code: 'LOT_ENDED' }}
    ${'rejects a bid before the start'}                                  | ${RULES}                             | ${lot()}                                            | ${bid('bob', 10_000n)}                                | ${at('01:59:59.999')} | ${{ code: 'LOT_NOT_OPEN' }}
    ${'rejects a bid on a scheduled lot'}                                | ${RULES}                             | ${lot({ status: 'scheduled' })}                     | ${bid('bob', 10_000n)}                                | ${NOW}                | ${{ code: 'LOT_NOT_OPEN' }}
    ${'rejects a bid on a closing lot'}                                  | ${RULES}                             | ${ledByAlice(null, { status: 'closing' })}          | ${bid('bob', 21_000n)}                                | ${NOW}                | ${{ code: 'LOT_NOT_OPEN' }}
    ${'rejects a bid on a lot hammered before its end'}                  | ${RULES}                             | ${ledByAlice(null, { status: 'closed' })}           | ${bid('bob', 21_000n)}                                | ${NOW}                | ${{ code: 'LOT_NOT_OPEN' }}
  `('$behaviour', ({ rules, state, input, now, expected }: { rules: LotRules; state: LotState; input: BidInput; now: Date; expected: object }) => {
    const before = structuredClone(state);
    expect(acceptBid(rules, state, input, now)).toEqual({ accepted: false, ...expected });
    expect(state).toEqual(before);
  });

  it('does not reveal the leader maximum through the minimum it asks for', () => {
    expect(acceptBid(RULES, ledByAlice(90_000n), bid('bob', 20_500n), NOW)).toEqual({
      accepted: false,
      code: 'BID_TOO_LOW',
      minimumFen: 21_000n,
    });
  });
});

describe('acceptBid: plain bids', () => {
  it.each`
    behaviour                                                               | rules                              | state                                               | input                                                 | leader   | currentFen
    ${'accepts a first bid equal to the starting price'}                    | ${RULES}                           | ${lot()}                                            | ${bid('bob', 10_000n)}                                | ${'bob'} | ${10_000n}
    ${'accepts a first bid above the starting price'}                       | ${RULES}                           | ${lot()}                                            | ${bid('bob', 12_345n)}                                | ${'bob'} | ${12_345n}
    ${'accepts a bid exactly at current price plus increment'}              | ${RULES}                           | ${ledByAlice()}                                     | ${bid('bob', 21_000n)}                                | ${'bob'} | ${21_000n}
    ${'accepts a jump bid above the minimum'}                               | ${RULES}                           | ${ledByAlice()}                                     | ${bid('bob', 80_000n)}                                | ${'bob'} | ${80_000n}
    ${'takes the lower band increment one fen below a band boundary'}       | ${{ ...RULES, increment: LADDER }} | ${ledByAlice(null, { currentFen: 99_999n })}        | ${bid('bob', 100_999n)}                               | ${'bob'} | ${100_999n}
    ${'takes the upper band increment exactly at a band boundary'}          | ${{ ...RULES, increment: LADDER }} | ${ledByAlice(null, { currentFen: 100_000n })}       | ${bid('bob', 105_000n)}                               | ${'bob'} | ${105_000n}
    ${'accepts a bid after the original end while the stored end is later'} | ${RULES}                           | ${ledByAlice(null, { endsAt: at('04:07:00.000') })} | ${bid('bob', 21_000n, undefined, at('04:06:59.999'))} | ${'bob'} | ${21_000n}
  `('$behaviour', ({ rules, state, input, leader, currentFen }: { rules: LotRules; state: LotState; input: BidInput; leader: string; currentFen: bigint }) => {
    const now = input.at;
    const outcome = accepted(acceptBid(rules, state, input, now));
    expect(outcome.bids).toEqual([{ seq: state.seq + 1, bidderId: input.bidderId, amountFen: currentFen, proxy: false, at: now }]);
    expect(outcome.state).toMatchObject({ leaderId: leader, currentFen, seq: state.seq + 1, bidCount: state.bidCount + 1, leaderProxyMaxFen: null });
  });

  it('accepts a bid 1 ms before the end', () => {
    const outcome = accepted(acceptBid(RULES, ledByAlice(), bid('bob', 21_000n), at('03:59:59.999')));
    expect(outcome.bids).toHaveLength(1);
  });

  it('accepts a bid at the exact start instant', () => {
    expect(accepted(acceptBid(RULES, lot(), bid('bob', 10_000n), START)).state.leaderId).toBe('bob');
  });

  it('does not modify the state it is given', () => {
    const state = ledByAlice(30_000n);
    const before = structuredClone(state);
    const outcome = accepted(acceptBid(RULES, state, bid('bob', 21_000n, 40_000n, at('03:58:00.000')), at('03:58:00.000')));
    expect(outcome.state).not.toBe(state);
    expect(state).toEqual(before);
  });
});

describe('acceptBid: proxy bidding', () => {
  it.each`
    behaviour                                                                        | rules                              | state                                            | input                            | bids                                                    | leader     | currentFen  | leaderMax
    ${'counter-bids for the leader by one increment over a plain challenger'}        | ${RULES}                           | ${ledByAlice(50_000n)}                           | ${bid('bob', 21_000n)}           | ${[['bob', 21_000n, false], ['alice', 22_000n, true]]}  | ${'alice'} | ${22_000n}  | ${50_000n}
    ${'caps the counter-bid at the leader maximum'}                                  | ${RULES}                           | ${ledByAlice(21_500n)}                           | ${bid('bob', 21_000n)}           | ${[['bob', 21_000n, false], ['alice', 21_500n, true]]}  | ${'alice'} | ${21_500n}  | ${21_500n}
    ${'counter-bids above a challenger maximum that stays below the leader maximum'} | ${RULES}                           | ${ledByAlice(50_000n)}                           | ${bid('bob', 21_000n, 35_000n)}  | ${[['bob', 21_000n, false], ['alice', 36_000n, true]]}  | ${'alice'} | ${36_000n}  | ${50_000n}
    ${'gives a tie between maxima to the earlier maximum (the leader)'}              | ${RULES}                           | ${ledByAlice(30_000n)}                           | ${bid('bob', 21_000n, 30_000n)}  | ${[['bob', 21_000n, false], ['alice', 30_000n, true]]}  | ${'alice'} | ${30_000n}  | ${30_000n}
    ${'records only the leader at a tie where the amount equals both maxima'}        | ${RULES}                           | ${ledByAlice(30_000n)}                           | ${bid('bob', 30_000n)}           | ${[['alice', 30_000n, true]]}                           | ${'alice'} | ${30_000n}  | ${30_000n}
    ${'lets a challenger proxy win by one increment over the leader maximum'}        | ${RULES}                           | ${ledByAlice(30_000n)}                           | ${bid('bob', 21_000n, 40_000n)}  | ${[['bob', 31_000n, false]]}                            | ${'bob'}   | ${31_000n}  | ${40_000n}
    ${'stops a winning challenger proxy at its own maximum'}                         | ${RULES}                           | ${ledByAlice(30_000n)}                           | ${bid('bob', 21_000n, 30_001n)}  | ${[['bob', 30_001n, false]]}                            | ${'bob'}   | ${30_001n}  | ${30_001n}
    ${'lets a plain challenger above the leader maximum lead at its amount'}         | ${RULES}                           | ${ledByAlice(30_000n)}                           | ${bid('bob', 30_500n)}           | ${[['bob', 30_500n, false]]}                            | ${'bob'}   | ${30_500n}  | ${null}
    ${'keeps a jump bid far above the leader maximum at its amount'}                 | ${RULES}                           | ${ledByAlice(30_000n)}                           | ${bid('bob', 45_000n, 60_000n)}  | ${[['bob', 45_000n, false]]}                            | ${'bob'}   | ${45_000n}  | ${60_000n}
    ${'does not raise a challenger proxy over a leader without a maximum'}           | ${RULES}                           | ${ledByAlice()}                                  | ${bid('bob', 21_000n, 40_000n)}  | ${[['bob', 21_000n, false]]}                            | ${'bob'}   | ${21_000n}  | ${40_000n}
    ${'treats a leader maximum already reached as no proxy'}                         | ${RULES}                           | ${ledByAlice(20_000n)}                           | ${bid('bob', 21_000n)}           | ${[['bob', 21_000n, false]]}                            | ${'bob'}   | ${21_000n}  | ${null}
    ${'places a first bid with a maximum at the starting price'}                     | ${RULES}                           | ${lot()}                                         | ${bid('bob', 10_000n, 90_000n)}  | ${[['bob', 10_000n, false]]}                            | ${'bob'}   | ${10_000n}  | ${90_000n}
    ${'counter-bids with the increment of the band of the challenger maximum'}       | ${{ ...RULES, increment: LADDER }} | ${ledByAlice(200_000n, { currentFen: 90_000n })} | ${bid('bob', 91_000n, 100_000n)} | ${[['bob', 91_000n, false], ['alice', 105_000n, true]]} | ${'alice'} | ${105_000n} | ${200_000n}
    ${'beats a leader maximum with the increment of its band'}                       | ${{ ...RULES, increment: LADDER }} | ${ledByAlice(100_000n, { currentFen: 90_000n })} | ${bid('bob', 91_000n, 200_000n)} | ${[['bob', 105_000n, false]]}                           | ${'bob'}   | ${105_000n} | ${200_000n}
  `(
    '$behaviour',
    ({
      rules,
      state,
      input,
      bids,
      leader,
      currentFen,
      leaderMax,
    }: {
      rules: LotRules;
      state: LotState;
      input: BidInput;
      bids: BidRow[];
      leader: string;
      currentFen: bigint;
      leaderMax: bigint | null;
    }) => {
      const outcome = accepted(acceptBid(rules, state, input, NOW));
      expect(rows(outcome.bids)).toEqual(bids);
      expect(outcome.bids.map((b) => b.seq)).toEqual(bids.map((_, i) => state.seq + 1 + i));
      expect(outcome.bids.every((b) => b.at === NOW)).toBe(true);
      expect(outcome.state).toMatchObject({
        leaderId: leader,
        currentFen,
        leaderProxyMaxFen: leaderMax,
        seq: state.seq + bids.length,
        bidCount: state.bidCount + bids.length,
      });
      // The maximum's time changes only when the challenger's maximum takes over.
      const expectedSetAt = leader === state.leaderId ? state.leaderProxySetAt : leaderMax === null ? null : NOW;
      expect(outcome.state.leaderProxySetAt).toEqual(expectedSetAt);
    },
  );

  it.each`
    behaviour                                          | state                  | input                             | leaderMax
    ${'lets the leader raise its proxy maximum'}       | ${ledByAlice(30_000n)} | ${bid('alice', 21_000n, 40_000n)} | ${40_000n}
    ${'lets a leader without a proxy set a maximum'}   | ${ledByAlice()}        | ${bid('alice', 21_000n, 25_000n)} | ${25_000n}
    ${'ignores the amount sent with a maximum update'} | ${ledByAlice(30_000n)} | ${bid('alice', 39_000n, 40_000n)} | ${40_000n}
  `('$behaviour: no new bid, only the state changes', ({ state, input, leaderMax }: { state: LotState; input: BidInput; leaderMax: bigint }) => {
    const now = at('03:58:00.000'); // inside the extension window: a maximum update does not extend
    const outcome = accepted(acceptBid(RULES, state, input, now));
    expect(outcome).toEqual({
      accepted: true,
      bids: [],
      extended: false,
      state: { ...state, leaderProxyMaxFen: leaderMax, leaderProxySetAt: now },
    });
  });

  it('defends a raised maximum against the next challenger', () => {
    const raised = accepted(acceptBid(RULES, ledByAlice(30_000n), bid('alice', 21_000n, 40_000n), NOW)).state;
    const outcome = accepted(acceptBid(RULES, raised, bid('bob', 21_000n, 35_000n), NOW));
    expect(rows(outcome.bids)).toEqual([
      ['bob', 21_000n, false],
      ['alice', 36_000n, true],
    ]);
  });

  it('lets a proxy war climb by single increments to the second maximum', () => {
    let state = accepted(acceptBid(RULES, lot(), bid('alice', 10_000n, 30_000n), NOW)).state;
    const history: AcceptedBid[] = [];
    for (const amount of [11_000n, 20_000n, 29_000n]) {
      const outcome = accepted(acceptBid(RULES, state, bid('bob', amount), NOW));
      history.push(...outcome.bids);
      state = outcome.state;
    }
    expect(rows(history)).toEqual([
      ['bob', 11_000n, false],
      ['alice', 12_000n, true],
      ['bob', 20_000n, false],
      ['alice', 21_000n, true],
      ['bob', 29_000n, false],
      ['alice', 30_000n, true],
    ]);
    expect(history.map((b) => b.seq)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(acceptBid(RULES, state, bid('bob', 30_500n), NOW)).toMatchObject({ accepted: false, code: 'BID_TOO_LOW', minimumFen: 31_000n });
    expect(accepted(acceptBid(RULES, state, bid('bob', 31_000n), NOW)).state.leaderId).toBe('bob');
  });
});

describe('acceptBid: anti-sniping extension', () => {
  // Original end 04:00; 5-minute extension; cap 15 minutes, i.e. never beyond 04:15.
  it.each`
    behaviour                                                          | rules                                      | endsAt                | now                   | expectedEnd           | extended
    ${'extends the end to now + 5 min for a bid 1 ms before the end'}  | ${RULES}                                   | ${END}                | ${at('03:59:59.999')} | ${at('04:04:59.999')} | ${true}
    ${'extends the end for a bid inside the window'}                   | ${RULES}                                   | ${END}                | ${at('03:58:00.000')} | ${at('04:03:00.000')} | ${true}
    ${'leaves the end where it is at the first instant of the window'} | ${RULES}                                   | ${END}                | ${at('03:55:00.000')} | ${END}                | ${false}
    ${'does not extend for a bid before the window'}                   | ${RULES}                                   | ${END}                | ${at('03:54:59.999')} | ${END}                | ${false}
    ${'extends an already extended end again'}                         | ${RULES}                                   | ${at('04:04:00.000')} | ${at('04:02:00.000')} | ${at('04:07:00.000')} | ${true}
    ${'stops the end at the cap'}                                      | ${RULES}                                   | ${at('04:14:00.000')} | ${at('04:13:00.000')} | ${at('04:15:00.000')} | ${true}
    ${'keeps the end once the cap is reached'}                         | ${RULES}                                   | ${at('04:15:00.000')} | ${at('04:14:59.999')} | ${at('04:15:00.000')} | ${false}
    ${'never shrinks an end already beyond the cap'}                   | ${RULES}                                   | ${at('04:20:00.000')} | ${at('04:19:00.000')} | ${at('04:20:00.000')} | ${false}
    ${'extends without limit when there is no cap'}                    | ${{ ...RULES, extensionCapMinutes: null }} | ${at('04:14:00.000')} | ${at('04:13:00.000')} | ${at('04:18:00.000')} | ${true}
    ${'never extends with a cap of 0'}                                 | ${{ ...RULES, extensionCapMinutes: 0 }}    | ${END}                | ${at('03:59:00.000')} | ${END}                | ${false}
    ${'never extends when the extension is 0'}                         | ${{ ...RULES, extensionMinutes: 0 }}       | ${END}                | ${at('03:59:59.999')} | ${END}                | ${false}
  `('$behaviour', ({ rules, endsAt, now, expectedEnd, extended }: { rules: LotRules; endsAt: Date; now: Date; expectedEnd: Date; extended: boolean }) => {
    const state = ledByAlice(null, { endsAt });
    const outcome = accepted(acceptBid(rules, state, bid('bob', 21_000n, undefined, now), now));
    expect(outcome.extended).toBe(extended);
    expect(outcome.state.endsAt).toEqual(expectedEnd);
    expect(outcome.state.originalEndsAt).toBe(END);
    if (!extended) expect(outcome.state.endsAt).toBe(endsAt);
  });

  it('extends once for a bid and its proxy counter-bid', () => {
    const now = at('03:59:00.000');
    const outcome = accepted(acceptBid(RULES, ledByAlice(50_000n), bid('bob', 21_000n, undefined, now), now));
    expect(outcome.bids).toHaveLength(2);
    expect(outcome).toMatchObject({ extended: true, state: { endsAt: at('04:04:00.000') } });
  });
});

describe('acceptBid: a long random auction keeps the invariants', () => {
  it('keeps seq consecutive, amounts strictly increasing, proxies within their maxima and the end within its cap', () => {
    // Deterministic xorshift32 so a failure reproduces.
    let seed = 4_0412_2025;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const rules: LotRules = { ...RULES, increment: LADDER, extensionCapMinutes: 30 };
    // Ends 02:20 unless extended, never beyond 02:50; a bid every 0.7 s on average.
    let state = lot({ endsAt: at('02:20:00.000'), originalEndsAt: at('02:20:00.000') });
    const bidders = ['a', 'b', 'c', 'd', 'e'];
    let clock = START.getTime();
    let lastSeq = 0;
    let lastAmount = 0n;
    let acceptedCount = 0;
    let proxyCount = 0;
    let maxUpdates = 0;
    let extensions = 0;
    let ended = false;
    for (let i = 0; i < 6_000 && !ended; i += 1) {
      clock += random(1_400);
      const now = new Date(clock);
      const bidderId = bidders[random(bidders.length)];
      const floor = minimumNextBid(rules, state.currentFen);
      const amount = floor - 2_000n + BigInt(random(12_000));
      const maxFen = random(3) === 0 ? amount + BigInt(random(60_000)) - 1_000n : undefined;
      const before = state;
      const outcome = acceptBid(rules, state, { bidderId, amountFen: amount, maxFen, at: now }, now);
      if (!outcome.accepted) {
        if (outcome.code === 'BID_TOO_LOW') expect(outcome.minimumFen).toBe(floor);
        ended = outcome.code === 'LOT_ENDED';
        if (ended) expect(clock).toBeGreaterThanOrEqual(state.endsAt.getTime());
        continue;
      }
      state = outcome.state;
      if (outcome.bids.length === 0) maxUpdates += 1;
      if (outcome.extended) extensions += 1;
      for (const b of outcome.bids) {
        acceptedCount += 1;
        if (b.proxy) proxyCount += 1;
        // Only the leader's counter-bids are proxy; the incoming bid never is.
        expect(b.proxy).toBe(b.bidderId !== bidderId);
        expect(b.seq).toBe(lastSeq + 1);
        expect(b.amountFen).toBeGreaterThan(lastAmount);
        if (b.bidderId === bidderId) expect(b.amountFen).toBeLessThanOrEqual(maxFen ?? amount);
        else expect(b.amountFen).toBeLessThanOrEqual(before.leaderProxyMaxFen!);
        lastSeq = b.seq;
        lastAmount = b.amountFen;
      }
      if (outcome.bids.length > 0) {
        const last = outcome.bids[outcome.bids.length - 1];
        expect(state).toMatchObject({ seq: last.seq, bidCount: last.seq, currentFen: last.amountFen, leaderId: last.bidderId });
      }
      if (state.leaderProxyMaxFen !== null) expect(state.leaderProxyMaxFen).toBeGreaterThanOrEqual(state.currentFen!);
      expect(state.endsAt.getTime()).toBeGreaterThanOrEqual(before.endsAt.getTime());
      expect(state.endsAt.getTime()).toBeLessThanOrEqual(at('02:50:00.000').getTime());
    }
    // The run must have exercised what it checks.
    expect({ ended, enough: acceptedCount > 500 && proxyCount > 50 && maxUpdates > 5 && extensions > 5 }).toEqual({ ended: true, enough: true });
    expect(state.endsAt).toEqual(at('02:50:00.000'));
  });
});

describe('validateLotRules', () => {
  it('accepts usable rules', () => {
    expect(validateLotRules(RULES)).toEqual([]);
    expect(validateLotRules({ ...RULES, reservePriceFen: null, extensionCapMinutes: null, extensionMinutes: 0 })).toEqual([]);
  });

  it.each`
    change                                          | problem                     | behaviour
    ${{ startingPriceFen: 0n }}                     | ${/startingPriceFen/}       | ${'reports a zero starting price'}
    ${{ reservePriceFen: -1n }}                     | ${/reservePriceFen/}        | ${'reports a negative reserve'}
    ${{ extensionMinutes: 2.5 }}                    | ${/extensionMinutes/}       | ${'reports a fractional extension'}
    ${{ extensionMinutes: -5 }}                     | ${/extensionMinutes/}       | ${'reports a negative extension'}
    ${{ extensionCapMinutes: -1 }}                  | ${/extensionCapMinutes/}    | ${'reports a negative cap'}
    ${{ increment: { kind: 'ladder', bands: [] } }} | ${/^increment: .*no bands/} | ${'reports the increment rule problems'}
  `('$behaviour', ({ change, problem }: { change: Partial<LotRules>; problem: RegExp }) => {
    expect(validateLotRules({ ...RULES, ...change })).toEqual([expect.stringMatching(problem)]);
  });
});

describe('judgeBid: every rejection, in order (the engine only loads the facts and persists)', () => {
  const held: BidderFacts = { registrationId: 'bob', depositHeld: true, offline: false };
  const judge = (state: LotState, bidder: BidderFacts | null, amountFen: bigint, options: { source?: BidSource; maxFen?: bigint; now?: Date } = {}) =>
    judgeBid(RULES, state, { bidder, source: options.source ?? 'online', amountFen, maxFen: options.maxFen, at: options.now ?? NOW }, options.now ?? NOW);

  it.each`
    behaviour                                                                       | state                                     | bidder                             | source      | amount     | code
    ${'refuses every bid at or after the stored end, registered or not: LOT_ENDED'} | ${ledByAlice(null, { endsAt: NOW })}      | ${null}                            | ${'online'} | ${1n}      | ${'LOT_ENDED'}
    ${'refuses a bid on a lot closed early (hammer) as ended'}                      | ${ledByAlice(null, { status: 'closed' })} | ${held}                            | ${'online'} | ${90_000n} | ${'LOT_ENDED'}
    ${'refuses a bid on a lot not open yet before looking at the bidder'}           | ${lot({ status: 'scheduled' })}           | ${null}                            | ${'online'} | ${90_000n} | ${'LOT_NOT_OPEN'}
    ${'refuses a bidder without a registration'}                                    | ${ledByAlice()}                           | ${null}                            | ${'online'} | ${90_000n} | ${'NOT_REGISTERED'}
    ${'refuses a floor bid for a paddle registered online'}                         | ${ledByAlice()}                           | ${held}                            | ${'floor'}  | ${90_000n} | ${'FLOOR_BIDDER_NOT_OFFLINE'}
    ${'refuses a registered bidder whose deposit is not held, before the amount'}   | ${ledByAlice()}                           | ${{ ...held, depositHeld: false }} | ${'online'} | ${1n}      | ${'DEPOSIT_NOT_HELD'}
    ${'then the rule of the amount: BID_TOO_LOW'}                                   | ${ledByAlice()}                           | ${held}                            | ${'online'} | ${20_500n} | ${'BID_TOO_LOW'}
    ${'accepts a floor bid for an offline paddle'}                                  | ${ledByAlice()}                           | ${{ ...held, offline: true }}      | ${'floor'}  | ${21_000n} | ${undefined}
  `(
    '$behaviour',
    ({ state, bidder, source, amount, code }: { state: LotState; bidder: BidderFacts | null; source: BidSource; amount: bigint; code: string | undefined }) => {
      const judgement = judge(state, bidder, amount, { source });
      if (code === undefined) expect(judgement).toMatchObject({ accepted: true, ownSeq: 5 });
      else expect(judgement).toMatchObject({ accepted: false, code });
    },
  );

  it("refuses a bid tied by the leader's earlier maximum, while the leader's counter-bid enters the sequence", () => {
    const judgement = judge(ledByAlice(30_000n), held, 30_000n);
    expect(judgement).toMatchObject({
      accepted: false,
      code: 'TIED_EARLIER_MAXIMUM',
      counter: { accepted: true, bids: [{ bidderId: 'alice', amountFen: 30_000n, proxy: true, seq: 5 }] },
    });
  });

  it("names the bidder's own sequence number when the leader's proxy counters it, and none for a leader raising its maximum", () => {
    expect(judge(ledByAlice(30_000n), held, 21_000n)).toMatchObject({
      accepted: true,
      ownSeq: 5,
      bids: [
        { bidderId: 'bob', seq: 5 },
        { bidderId: 'alice', seq: 6, proxy: true },
      ],
    });
    const raise = judge(ledByAlice(30_000n), { ...held, registrationId: 'alice' }, 21_000n, { maxFen: 40_000n });
    expect(raise).toMatchObject({ accepted: true, bids: [], ownSeq: undefined, state: { leaderProxyMaxFen: 40_000n } });
  });
});

describe('BidRejectedError', () => {
  it.each`
    code                   | status | behaviour
    ${'INVALID_AMOUNT'}    | ${400} | ${'maps an invalid amount to 400'}
    ${'MAX_BELOW_AMOUNT'}  | ${400} | ${'maps a maximum below the amount to 400'}
    ${'PROXY_NOT_ALLOWED'} | ${422} | ${'maps a refused proxy to 422'}
    ${'LOT_NOT_OPEN'}      | ${409} | ${'maps a lot not open to 409'}
    ${'LOT_ENDED'}         | ${409} | ${'maps an ended lot to 409'}
    ${'ALREADY_LEADING'}   | ${409} | ${'maps the leader bidding again to 409'}
  `('$behaviour', ({ code, status }: { code: 'LOT_ENDED'; status: number }) => {
    const err = new BidRejectedError({ accepted: false, code });
    expect(err).toMatchObject({ code });
    expect(err.details).toBeUndefined();
    expect(httpStatusOf(err)).toBe(status);
  });

  it('carries the minimum next bid as a string of fen', () => {
    const outcome = acceptBid(RULES, ledByAlice(), bid('bob', 20_500n), NOW);
    if (outcome.accepted) throw new Error('expected a rejection');
    const err = new BidRejectedError(outcome);
    expect(err).toMatchObject({ code: 'BID_TOO_LOW', details: { minimumFen: '21000' } });
    expect(httpStatusOf(err)).toBe(409);
  });
});
