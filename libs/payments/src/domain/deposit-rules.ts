/*
 * Deposit rules, as functions of plain data: which status a provider's view of the payment asks
 * for, how to get there without ever moving backwards, and which ledger lines each step posts.
 */

export const DEPOSIT_STATUSES = ['pending', 'held', 'captured', 'released', 'forfeited', 'failed'] as const;
export type DepositStatus = (typeof DEPOSIT_STATUSES)[number];

const TERMINAL: readonly DepositStatus[] = ['captured', 'released', 'forfeited'];

export function isTerminal(status: DepositStatus): boolean {
  return TERMINAL.includes(status);
}

/** The part of a Stripe PaymentIntent that decides a deposit's status. */
export interface PaymentIntentView {
  status: string;
  amount_received: number;
  metadata?: Record<string, string> | null;
  last_payment_error?: { code?: string | null; decline_code?: string | null; message?: string | null } | null;
}

export type DepositTarget =
  | { status: 'held' }
  | { status: 'captured' | 'forfeited'; capturedFen: bigint }
  | { status: 'released' }
  | { status: 'failed'; failureCode: string; failureMessage: string | null };

/** A capture made to forfeit a deposit says so in the PaymentIntent's metadata. */
export const DEPOSIT_ACTION_METADATA = 'depositAction';

/** What the PaymentIntent's current state means for its deposit; null when it means nothing yet. */
export function targetOf(pi: PaymentIntentView): DepositTarget | null {
  switch (pi.status) {
    case 'requires_capture':
      return { status: 'held' };
    case 'succeeded':
      return { status: pi.metadata?.[DEPOSIT_ACTION_METADATA] === 'forfeit' ? 'forfeited' : 'captured', capturedFen: BigInt(pi.amount_received) };
    case 'canceled':
      return { status: 'released' };
    case 'requires_payment_method':
      if (!pi.last_payment_error) return null;
      return {
        status: 'failed',
        failureCode: pi.last_payment_error.decline_code ?? pi.last_payment_error.code ?? 'payment_failed',
        failureMessage: pi.last_payment_error.message ?? null,
      };
    default:
      return null;
  }
}

/**
 * The steps from `current` to `target`, never backwards: a deposit that was captured, released or
 * forfeited stays so, and a held one never fails or returns to pending. A step may be implied:
 * a pending deposit whose payment was captured is first held (the ledger shows both movements).
 * Returns [] when there is nothing to do.
 */
export function transitionPath(current: DepositStatus, target: DepositStatus): DepositStatus[] {
  if (current === target || isTerminal(current)) return [];
  switch (current) {
    case 'pending':
    case 'failed':
      if (target === 'held' || target === 'released') return [target];
      if (target === 'failed') return current === 'pending' ? ['failed'] : [];
      if (target === 'captured' || target === 'forfeited') return ['held', target];
      return [];
    case 'held':
      return target === 'captured' || target === 'released' || target === 'forfeited' ? [target] : [];
    default:
      return [];
  }
}

export const ACCOUNTS = {
  /** What the organisation has paid in (negative while the platform holds its money). */
  orgCash: (organizationId: string) => `org:${organizationId}:cash`,
  /** Deposits applied to a price the organisation owes (the contract payment draws on it). */
  orgDepositsApplied: (organizationId: string) => `org:${organizationId}:deposits_applied`,
  /** Paid under a contract to the organisation (the seller), held by the platform until paid out. */
  orgContractProceeds: (organizationId: string) => `org:${organizationId}:contract_proceeds`,
  /** Proceeds the platform has paid out to the organisation (the seller) by bank transfer. */
  orgPaidOut: (organizationId: string) => `org:${organizationId}:paid_out`,
  /** Subsidies an authority paid out (P-SUB, P-DON settlement batches). */
  orgSubsidiesPaid: (authorityId: string) => `org:${authorityId}:subsidies_paid`,
  /** Subsidies the organisation (an enterprise) received. */
  orgSubsidiesReceived: (organizationId: string) => `org:${organizationId}:subsidies_received`,
  depositsHeld: 'platform:deposits_held',
  forfeits: 'platform:forfeits',
  revenue: 'platform:revenue',
} as const;

export interface LedgerLine {
  account: string;
  amountFen: bigint;
}

/**
 * The ledger lines of one step. Held: the organisation's cash → platform:deposits_held.
 * Released: back. Captured (C of X): X leaves deposits_held, C is applied to the price the
 * organisation owes, X − C returns to its cash. Forfeited: to platform:forfeits. Steps that move
 * no money (to failed, or released before anything was held) post nothing.
 */
export function depositMovement(
  deposit: { organizationId: string; amountFen: bigint },
  from: DepositStatus,
  to: DepositStatus,
  capturedFen = 0n,
): LedgerLine[] {
  const x = deposit.amountFen;
  const cash = ACCOUNTS.orgCash(deposit.organizationId);
  if (to === 'held') {
    return [
      { account: cash, amountFen: -x },
      { account: ACCOUNTS.depositsHeld, amountFen: x },
    ];
  }
  if (from !== 'held') return [];
  if (to === 'released') {
    return [
      { account: ACCOUNTS.depositsHeld, amountFen: -x },
      { account: cash, amountFen: x },
    ];
  }
  if (to === 'captured' || to === 'forfeited') {
    if (capturedFen <= 0n || capturedFen > x) throw new RangeError(`captured amount ${capturedFen} outside 1..${x}`);
    const lines: LedgerLine[] = [
      { account: ACCOUNTS.depositsHeld, amountFen: -x },
      { account: to === 'captured' ? ACCOUNTS.orgDepositsApplied(deposit.organizationId) : ACCOUNTS.forfeits, amountFen: capturedFen },
    ];
    if (capturedFen < x) lines.push({ account: cash, amountFen: x - capturedFen });
    return lines;
  }
  return [];
}
