import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainEventHandlers } from '@zjp/database';
import { DepositsService, DepositStatusChanged } from '@zjp/payments';
import { DataSource, EntityManager } from 'typeorm';
import type { DepositGateway } from './deposit-gateway';
import { followDepositStatus } from './lots.repository';

export const REGISTRATION_REFERENCE = 'lot_registration';

/**
 * The market's deposits, held and settled by libs/payments. A registration's deposit status
 * follows the deposit's through DepositStatusChanged events (held when Stripe confirms the hold,
 * through the webhook in the worker).
 */
@Injectable()
export class PaymentsDepositGateway implements DepositGateway, OnModuleInit {
  constructor(
    private readonly deposits: DepositsService,
    private readonly db: DataSource,
    private readonly events: DomainEventHandlers,
  ) {}

  onModuleInit(): void {
    // idempotent and monotonic: a repeated or late event never moves a registration backwards
    this.events.on(DepositStatusChanged, 'market.registration-deposit-status', async (change) => {
      if (change.referenceType !== REGISTRATION_REFERENCE) return;
      const status = ({ held: 'held', failed: 'failed', released: 'released', captured: 'applied', forfeited: 'forfeited' } as Record<string, string>)[
        change.status
      ];
      if (!status) return;
      await followDepositStatus(this.db, change.referenceId, status);
    });
  }

  async hold(input: { organizationId: string; registrationId: string; amountFen: bigint; paymentMethod: string }) {
    const d = await this.deposits.hold({
      organizationId: input.organizationId,
      referenceType: REGISTRATION_REFERENCE,
      referenceId: input.registrationId,
      amountFen: input.amountFen,
      paymentMethod: input.paymentMethod,
    });
    return { depositId: d.id, status: d.status };
  }

  async recordBankTransfer(
    input: { organizationId: string; registrationId: string; amountFen: bigint; bankReference: string; actorUserId: string },
    within: { before?: (m: EntityManager) => Promise<void>; after?: (m: EntityManager, deposit: { depositId: string; status: string }) => Promise<void> } = {},
  ) {
    const d = await this.deposits.recordBankTransfer(
      {
        organizationId: input.organizationId,
        referenceType: REGISTRATION_REFERENCE,
        referenceId: input.registrationId,
        amountFen: input.amountFen,
        bankReference: input.bankReference,
      },
      null,
      { before: within.before, after: within.after && ((m, deposit) => within.after!(m, { depositId: deposit.id, status: deposit.status })) },
    );
    return { depositId: d.id, status: d.status };
  }

  async capture(depositId: string): Promise<void> {
    await this.deposits.capture(depositId);
  }

  async release(depositId: string): Promise<void> {
    await this.deposits.release(depositId);
  }

  async forfeit(depositId: string): Promise<void> {
    await this.deposits.forfeit(depositId);
  }
}
