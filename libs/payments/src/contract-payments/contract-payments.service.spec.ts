import type { NotificationsService } from '@zjp/identity';
import type { Clock } from '@zjp/core';
import type { Outbox, TransactionRunner } from '@zjp/database';
import type Stripe from 'stripe';
import type { DataSource, EntityManager } from 'typeorm';
import { ContractPaymentsService } from './contract-payments.service';
import { insertRefund, type Payment, type Refund, selectPayment, selectPendingRefundsFen, selectRefundByIdempotencyKey } from './payments.repository';

jest.mock('./payments.repository');

const payment = (over: Partial<Payment> = {}): Payment =>
  ({ id: '0190f0f0-0000-7000-8000-000000000001', status: 'succeeded', provider: 'stripe', amountFen: 10_000n, refundedFen: 2_000n, ...over }) as Payment;

describe('ContractPaymentsService.refund (repositories replaced)', () => {
  const m = { query: jest.fn() } as unknown as EntityManager;
  const tx = { run: (work: (m: EntityManager) => Promise<unknown>) => work(m) } as unknown as TransactionRunner;
  const clock = { now: () => new Date('2026-01-01T00:00:00Z') } as unknown as Clock;
  const service = new ContractPaymentsService(tx, {} as DataSource, {} as Stripe, clock, {} as Outbox, {} as NotificationsService);
  const input = { amountFen: 5_000n, reason: 'r', idempotencyKey: 'k' };

  beforeEach(() => jest.resetAllMocks());

  it('refuses more than is left after refunds made and in flight, creating no refund', async () => {
    jest.mocked(selectPayment).mockResolvedValue(payment());
    jest.mocked(selectPendingRefundsFen).mockResolvedValue(4_000n);
    await expect(service.refund('p', input, null)).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_PAYMENT', details: { refundableFen: '4000' } });
    expect(insertRefund).not.toHaveBeenCalled();
  });

  it('returns the refund made with the same key, and refuses the key for another amount', async () => {
    jest.mocked(selectPayment).mockResolvedValue(payment());
    const earlier = { id: 'r1', amountFen: 5_000n, status: 'succeeded' } as Refund;
    jest.mocked(selectRefundByIdempotencyKey).mockResolvedValue(earlier);
    await expect(service.refund('p', input, null)).resolves.toBe(earlier);
    await expect(service.refund('p', { ...input, amountFen: 1n }, null)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(insertRefund).not.toHaveBeenCalled();
  });

  it('refuses a payment that has not succeeded', async () => {
    jest.mocked(selectPayment).mockResolvedValue(payment({ status: 'pending' }));
    jest.mocked(selectPendingRefundsFen).mockResolvedValue(0n);
    await expect(service.refund('p', input, null)).rejects.toMatchObject({ code: 'PAYMENT_NOT_SUCCEEDED' });
  });
});
