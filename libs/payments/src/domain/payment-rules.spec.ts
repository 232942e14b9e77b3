import { PAYMENT_STATUSES, paymentMayMove, paymentMovement, paymentTargetOf, refundable, refundMovement } from './payment-rules';

const BUYER = '0190a0b0-0000-7000-8000-000000000001';
const SELLER = '0190a0b0-0000-7000-8000-000000000002';

describe('paymentTargetOf', () => {
  it.each([
    [
      { status: 'succeeded', amount_received: 960_000 },
      { status: 'succeeded', receivedFen: 960_000n },
    ],
    [{ status: 'canceled', amount_received: 0 }, { status: 'canceled' }],
    [
      {
        status: 'requires_payment_method',
        amount_received: 0,
        last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'no' },
      },
      { status: 'failed', failureCode: 'insufficient_funds', failureMessage: 'no' },
    ],
    [{ status: 'requires_payment_method', amount_received: 0 }, null],
    [{ status: 'processing', amount_received: 0 }, null],
    [{ status: 'requires_capture', amount_received: 0 }, null],
  ])('%j → %j', (pi, expected) => expect(paymentTargetOf(pi)).toEqual(expected));
});

describe('paymentMayMove (never backwards)', () => {
  it('moves pending anywhere, failed only to a late success or cancellation, and never leaves succeeded or canceled', () => {
    const allowed: string[] = [];
    for (const from of PAYMENT_STATUSES) for (const to of PAYMENT_STATUSES) if (paymentMayMove(from, to)) allowed.push(`${from}→${to}`);
    expect(allowed).toEqual(['pending→succeeded', 'pending→failed', 'pending→canceled', 'failed→succeeded', 'failed→canceled']);
  });
});

describe('ledger lines', () => {
  it('a payment: the payer cash → the payee contract proceeds, balanced', () => {
    const lines = paymentMovement({ organizationId: BUYER, payeeOrganizationId: SELLER, provider: 'stripe', amountFen: 960_000n });
    expect(lines).toEqual([
      { account: `org:${BUYER}:cash`, amountFen: -960_000n },
      { account: `org:${SELLER}:contract_proceeds`, amountFen: 960_000n },
    ]);
  });

  it('an applied deposit comes from deposits_applied, where capturing the deposit put it', () => {
    expect(paymentMovement({ organizationId: BUYER, payeeOrganizationId: SELLER, provider: 'deposit', amountFen: 100_000n })[0]).toEqual({
      account: `org:${BUYER}:deposits_applied`,
      amountFen: -100_000n,
    });
  });

  it('a refund goes back', () => {
    expect(refundMovement({ organizationId: BUYER, payeeOrganizationId: SELLER }, 5n)).toEqual([
      { account: `org:${SELLER}:contract_proceeds`, amountFen: -5n },
      { account: `org:${BUYER}:cash`, amountFen: 5n },
    ]);
  });
});

describe('refundable', () => {
  it('is what was paid less refunded and in-flight refunds, and nothing for a payment that did not succeed', () => {
    expect(refundable({ status: 'succeeded', amountFen: 100n, refundedFen: 30n }, 20n)).toBe(50n);
    expect(refundable({ status: 'succeeded', amountFen: 100n, refundedFen: 100n }, 0n)).toBe(0n);
    expect(refundable({ status: 'pending', amountFen: 100n, refundedFen: 0n }, 0n)).toBe(0n);
  });
});
