import type { EntityManager } from 'typeorm';

/**
 * What the market needs from payments (libs/payments implements it): deposits held for a bidder
 * registration, applied to the price for the winner, released for the others.
 */
export interface DepositGateway {
  hold(input: { organizationId: string; registrationId: string; amountFen: bigint; paymentMethod: string }): Promise<{ depositId: string; status: string }>;
  /** `within` runs in the deposit's transaction, before it is written: a refused transfer leaves nothing of it behind. */
  recordBankTransfer(
    input: { organizationId: string; registrationId: string; amountFen: bigint; bankReference: string; actorUserId: string },
    within?: { before?: (m: EntityManager) => Promise<void>; after?: (m: EntityManager, deposit: { depositId: string; status: string }) => Promise<void> },
  ): Promise<{ depositId: string; status: string }>;
  capture(depositId: string): Promise<void>;
  release(depositId: string): Promise<void>;
  forfeit(depositId: string): Promise<void>;
}

export const DEPOSIT_GATEWAY = Symbol.for('zjp.market.DepositGateway');
