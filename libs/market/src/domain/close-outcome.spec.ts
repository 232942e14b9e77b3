import { closeOutcome, type CloseOutcome } from './close-outcome';

describe('closeOutcome', () => {
  it.each`
    behaviour                                                          | reservePriceFen | currentFen | leaderId   | expected
    ${'sells to the leader when the hammer price meets the reserve'}   | ${50_000n}      | ${50_000n} | ${'alice'} | ${{ result: 'sold', winnerId: 'alice', hammerPriceFen: 50_000n }}
    ${'sells to the leader when the hammer price exceeds the reserve'} | ${50_000n}      | ${72_000n} | ${'bob'}   | ${{ result: 'sold', winnerId: 'bob', hammerPriceFen: 72_000n }}
    ${'does not sell one fen below the reserve'}                       | ${50_000n}      | ${49_999n} | ${'alice'} | ${{ result: 'unsold', reason: 'reserve_not_met' }}
    ${'sells at any price when there is no reserve'}                   | ${null}         | ${10_000n} | ${'alice'} | ${{ result: 'sold', winnerId: 'alice', hammerPriceFen: 10_000n }}
    ${'is unsold without bids'}                                        | ${50_000n}      | ${null}    | ${null}    | ${{ result: 'unsold', reason: 'no_bids' }}
    ${'is unsold without bids even with no reserve'}                   | ${null}         | ${null}    | ${null}    | ${{ result: 'unsold', reason: 'no_bids' }}
  `(
    '$behaviour',
    ({
      reservePriceFen,
      currentFen,
      leaderId,
      expected,
    }: {
      reservePriceFen: bigint | null;
      currentFen: bigint | null;
      leaderId: string | null;
      expected: CloseOutcome;
    }) => {
      expect(closeOutcome({ reservePriceFen }, { currentFen, leaderId })).toEqual(expected);
    },
  );

  it('takes the last accepted price, not the leader hidden maximum, as the hammer price', () => {
    const state = { currentFen: 30_000n, leaderId: 'alice', leaderProxyMaxFen: 90_000n };
    expect(closeOutcome({ reservePriceFen: 50_000n }, state)).toEqual({ result: 'unsold', reason: 'reserve_not_met' });
    expect(closeOutcome({ reservePriceFen: null }, state)).toEqual({ result: 'sold', winnerId: 'alice', hammerPriceFen: 30_000n });
  });
});
