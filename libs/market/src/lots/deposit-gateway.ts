/**
 * What the market needs from payments (libs/payments implements it): deposits held for a bidder
 * registration, applied to the price for the winner, released for the others.
 */
export interface DepositGateway {
  hold(input: { organizationId: string; registrationId: string; amountFen: bigint; paymentMethod: string }): Promise<{ depositId: string; status: string }>;
  recordBankTransfer(input: { organizationId: string; registrationId: string; amountFen: bigint; bankReference: string; actorUserId: string }): Promise<{ depositId: string; status: string }>;
  capture(depositId: string): Promise<void>;
  release(depositId: string): Promise<void>;
  forfeit(depositId: string): Promise<void>;
}

export const DEPOSIT_GATEWAY = Symbol.for('zjp.market.DepositGateway');
