import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DatabaseModule } from '../../libs/database/src';
import { ContractPaymentsService, PaymentsModule } from '../../libs/payments/src';
import { AppConfig, PlatformConfigModule, RedisModule } from '../../libs/platform/src';
import { testConfig } from '../support/config';
import { insertEnterprise } from '../support/market-factory';
import { insertHolder } from '../support/registry-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

@Module({})
class PaymentsOnly {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: PaymentsOnly, imports: [PlatformConfigModule.forRoot(config), RedisModule, DatabaseModule.forRoot(config), PaymentsModule] };
  }
}

/** The read model other contexts use instead of the payments and refunds tables (medium test: real PostgreSQL). */
describe('ContractPaymentsService.settledTotals', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let payments: ContractPaymentsService;
  let payer: string;
  let payee: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await NestFactory.createApplicationContext(PaymentsOnly.forRoot(testConfig(db.url)), { logger: false, abortOnError: false });
    ds = app.get(DataSource);
    payments = app.get(ContractPaymentsService);
    payer = await insertEnterprise(ds);
    payee = await insertHolder(ds);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const ref = (referenceId: string) => ({ organizationId: payer, payeeOrganizationId: payee, referenceType: 'contract', referenceId });
  const bank = (referenceId: string, amountFen: bigint, receivedOn: string) =>
    payments.recordBankTransfer({ ...ref(referenceId), amountFen, bankReference: `B-${randomUUID()}`, receivedOn }, null);
  const pending = async (referenceId: string, amountFen: bigint, referenceType = 'contract') => {
    await ds.query(
      `INSERT INTO payments (organization_id, payee_organization_id, reference_type, reference_id, amount_fen, provider, payment_method, idempotency_key) VALUES ($1, $2, $3, $4, $5, 'stripe', 'pm_card_visa', $6)`,
      [payer, payee, referenceType, referenceId, amountFen.toString(), randomUUID()],
    );
  };

  it('sums succeeded payments and refunds, and payments in flight, per reference, each movement on its Shanghai day', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const p1 = await bank(a, 600_000n, '2026-03-02');
    await payments.recordDepositApplied({ ...ref(a), amountFen: 50_000n, depositId: randomUUID() });
    await pending(a, 7_000n);
    const r = await payments.refund(p1.id, { amountFen: 100_000n, reason: '部分退款', idempotencyKey: 'r1' }, null);
    await bank(b, 1_000n, '2026-01-31');

    const totals = await payments.settledTotals(ds, 'contract', [a, b]);
    expect(totals.size).toBe(2);
    const ta = totals.get(a)!;
    expect([ta.paidFen, ta.refundedFen, ta.pendingFen]).toEqual([650_000n, 100_000n, 7_000n]);
    expect(ta.payments).toHaveLength(2);
    expect(ta.payments.find((x) => x.id === p1.id)).toEqual({ id: p1.id, amountFen: 600_000n, on: '2026-03-02' });
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(ta.payments.find((x) => x.id !== p1.id)).toMatchObject({ amountFen: 50_000n, on: today });
    expect(ta.refunds).toEqual([{ id: r.id, amountFen: 100_000n, on: today }]);
    expect(totals.get(b)).toMatchObject({ paidFen: 1_000n, refundedFen: 0n, pendingFen: 0n, refunds: [] });
  });

  it('answers zeros for a reference with nothing paid, ignores other reference types and ids that are not uuids', async () => {
    const c = randomUUID();
    await pending(c, 5_000n, 'other');
    const totals = await payments.settledTotals(ds, 'contract', [c, 'not-a-uuid', c]);
    expect([...totals.keys()]).toEqual([c]);
    expect(totals.get(c)).toMatchObject({ paidFen: 0n, refundedFen: 0n, pendingFen: 0n, payments: [], refunds: [] });
    expect(await payments.settledTotals(ds, 'contract', [])).toEqual(new Map());
  });

  it('changes the fingerprint with any payment or refund of the reference, and only then', async () => {
    const d = randomUUID();
    const print = async () => (await payments.settledTotals(ds, 'contract', [d])).get(d)!.fingerprint;
    const empty = await print();
    await pending(d, 1_000n);
    const withPending = await print();
    expect(withPending).not.toBe(empty);
    await bank(randomUUID(), 9_000n, '2026-02-01'); // another reference
    expect(await print()).toBe(withPending);
    const p = await bank(d, 2_000n, '2026-02-01');
    const withPaid = await print();
    expect(withPaid).not.toBe(withPending);
    await payments.refund(p.id, { amountFen: 500n, reason: '退款', idempotencyKey: 'r' }, null);
    expect(await print()).not.toBe(withPaid);
  });

  it("reads inside the caller's transaction (what it wrote but has not committed)", async () => {
    const e = randomUUID();
    await ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO payments (organization_id, payee_organization_id, reference_type, reference_id, amount_fen, provider, payment_method, idempotency_key) VALUES ($1, $2, 'contract', $3, 300, 'stripe', 'pm_x', 'k')`,
        [payer, payee, e],
      );
      expect((await payments.settledTotals(m, 'contract', [e])).get(e)!.pendingFen).toBe(300n);
      expect((await payments.settledTotals(ds, 'contract', [e])).get(e)!.pendingFen).toBe(0n);
    });
  });
});
