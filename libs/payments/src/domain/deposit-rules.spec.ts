import { DEPOSIT_STATUSES, DepositStatus, depositMovement, targetOf, transitionPath } from './deposit-rules';

const ORG = '0190a0b0-0000-7000-8000-000000000001';
const deposit = { organizationId: ORG, amountFen: 5_000_00n };
const sum = (lines: { amountFen: bigint }[]) => lines.reduce((s, l) => s + l.amountFen, 0n);

describe('targetOf (what a PaymentIntent means for its deposit)', () => {
  it.each([
    [{ status: 'requires_capture', amount_received: 0 }, { status: 'held' }],
    [
      { status: 'succeeded', amount_received: 300 },
      { status: 'captured', capturedFen: 300n },
    ],
    [
      { status: 'succeeded', amount_received: 500, metadata: { depositAction: 'forfeit' } },
      { status: 'forfeited', capturedFen: 500n },
    ],
    [{ status: 'canceled', amount_received: 0 }, { status: 'released' }],
    [
      {
        status: 'requires_payment_method',
        amount_received: 0,
        last_payment_error: { code: 'card_declined', decline_code: 'generic_decline', message: 'declined' },
      },
      { status: 'failed', failureCode: 'generic_decline', failureMessage: 'declined' },
    ],
    [{ status: 'requires_payment_method', amount_received: 0, last_payment_error: null }, null],
    [{ status: 'requires_confirmation', amount_received: 0 }, null],
    [{ status: 'processing', amount_received: 0 }, null],
  ])('%j → %j', (pi, expected) => {
    expect(targetOf(pi)).toEqual(expected);
  });
});

describe('transitionPath (never backwards)', () => {
  it.each<[DepositStatus, DepositStatus, DepositStatus[]]>([
    ['pending', 'held', ['held']],
    ['pending', 'captured', ['held', 'captured']],
    ['pending', 'forfeited', ['held', 'forfeited']],
    ['pending', 'released', ['released']],
    ['pending', 'failed', ['failed']],
    ['failed', 'held', ['held']],
    ['failed', 'released', ['released']],
    ['held', 'captured', ['captured']],
    ['held', 'released', ['released']],
    ['held', 'forfeited', ['forfeited']],
    ['held', 'failed', []],
    ['held', 'pending', []],
    ['held', 'held', []],
    ['released', 'held', []],
    ['released', 'captured', []],
    ['captured', 'released', []],
    ['forfeited', 'captured', []],
    ['captured', 'held', []],
  ])('%s → %s: %j', (from, to, path) => {
    expect(transitionPath(from, to)).toEqual(path);
  });

  it('never leaves a terminal status, whatever the target', () => {
    for (const from of ['captured', 'released', 'forfeited'] as const) {
      for (const to of DEPOSIT_STATUSES) expect(transitionPath(from, to)).toEqual([]);
    }
  });
});

describe('depositMovement (ledger lines of a step)', () => {
  it('holds: organisation cash → platform:deposits_held, balanced', () => {
    const lines = depositMovement(deposit, 'pending', 'held');
    expect(lines).toEqual([
      { account: `org:${ORG}:cash`, amountFen: -500_000n },
      { account: 'platform:deposits_held', amountFen: 500_000n },
    ]);
    expect(sum(lines)).toBe(0n);
  });

  it('releases back to the organisation', () => {
    const lines = depositMovement(deposit, 'held', 'released');
    expect(lines).toEqual([
      { account: 'platform:deposits_held', amountFen: -500_000n },
      { account: `org:${ORG}:cash`, amountFen: 500_000n },
    ]);
  });

  it('applies a full capture to the price and returns the rest of a partial one', () => {
    expect(depositMovement(deposit, 'held', 'captured', 500_000n)).toEqual([
      { account: 'platform:deposits_held', amountFen: -500_000n },
      { account: `org:${ORG}:deposits_applied`, amountFen: 500_000n },
    ]);
    const partial = depositMovement(deposit, 'held', 'captured', 200_000n);
    expect(partial).toEqual([
      { account: 'platform:deposits_held', amountFen: -500_000n },
      { account: `org:${ORG}:deposits_applied`, amountFen: 200_000n },
      { account: `org:${ORG}:cash`, amountFen: 300_000n },
    ]);
    expect(sum(partial)).toBe(0n);
  });

  it('forfeits to the platform', () => {
    expect(depositMovement(deposit, 'held', 'forfeited', 500_000n)).toEqual([
      { account: 'platform:deposits_held', amountFen: -500_000n },
      { account: 'platform:forfeits', amountFen: 500_000n },
    ]);
  });

  it('moves nothing for a failure, or a release of a deposit never held', () => {
    expect(depositMovement(deposit, 'pending', 'failed')).toEqual([]);
    expect(depositMovement(deposit, 'pending', 'released')).toEqual([]);
    expect(depositMovement(deposit, 'failed', 'released')).toEqual([]);
  });

  it('refuses a captured amount outside the deposit', () => {
    expect(() => depositMovement(deposit, 'held', 'captured', 0n)).toThrow(RangeError);
    expect(() => depositMovement(deposit, 'held', 'captured', 500_001n)).toThrow(RangeError);
  });
});
