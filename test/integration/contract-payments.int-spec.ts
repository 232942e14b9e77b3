import { DynamicModule, INestApplication, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { ContractBillingService, ContractsModule, ContractsService } from '../../libs/contracts/src';
import { DatabaseModule } from '../../libs/database/src';
import { DepositsService, PaymentsApiModule, PaymentsModule, StripeEventsProcessor } from '../../libs/payments/src';
import {
  AllExceptionsFilter,
  AppConfig,
  createValidationPipe,
  PlatformConfigModule,
  QueueProducersModule,
  RedisModule,
  WorkerQueuesModule,
} from '../../libs/platform/src';
import { RealtimeModule } from '../../libs/realtime/src';
import { startStripeServer, StripeServer } from '../stripe-server/stripe-server';
import { settleStripeEvents } from '../support/stripe-events';
import { testConfig } from '../support/config';
import { DealSpec, insertDeal, partiesOf } from '../support/contract-factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** The API side: the webhook endpoint (PaymentsApiModule) and the contracts services. */
@Module({})
class ApiSide {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiSide,
      imports: [
        PlatformConfigModule.forRoot(config),
        RedisModule,
        DatabaseModule.forRoot(config),
        QueueProducersModule,
        RealtimeModule,
        PaymentsApiModule,
        ContractsModule,
      ],
    };
  }
}

/** The worker side: a real BullMQ worker on the payments queue, with the contracts context listening to payments. */
@Module({})
class WorkerSide {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerSide,
      imports: [
        PlatformConfigModule.forRoot(config),
        RedisModule,
        DatabaseModule.forRoot(config),
        WorkerQueuesModule,
        RealtimeModule,
        PaymentsModule,
        ContractsModule,
      ],
      providers: [StripeEventsProcessor],
    };
  }
}

const WEBHOOK_SECRET = 'whsec_contract_payments';

describe('contract payments: Stripe (card, Alipay, WeChat Pay), bank transfers, refunds, webhooks and the ledger', () => {
  let db: TestDatabase;
  let stripe: StripeServer;
  let api: INestApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let contracts: ContractsService;
  let billing: ContractBillingService;

  beforeAll(async () => {
    db = await createTestDatabase();
    stripe = await startStripeServer({ webhookSecret: WEBHOOK_SECRET, secretKey: 'sk_test_contract_payments', webhookRetryDelayMs: 50 });
    const config = testConfig(db.url, { STRIPE_API_BASE: stripe.url, STRIPE_SECRET_KEY: 'sk_test_contract_payments', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
    const app = await NestFactory.create<NestExpressApplication>(ApiSide.forRoot(config), {
      logger: false,
      abortOnError: false,
      bodyParser: false,
      rawBody: true,
    });
    app.useBodyParser('json', { limit: '1mb' });
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.listen(0, '127.0.0.1');
    api = app;
    stripe.setWebhookUrl(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/payments/stripe/webhook`);
    worker = await NestFactory.createApplicationContext(WorkerSide.forRoot(config), { logger: false, abortOnError: false });
    ds = api.get(DataSource);
    contracts = api.get(ContractsService);
    billing = api.get(ContractBillingService);
  });
  afterAll(async () => {
    await stripe?.close();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  afterEach(() => stripe.resumeDeliveries()); // a failed test must not leave the next one without webhooks

  /** Every delivered webhook stored and processed by the worker. */
  const settle = () => settleStripeEvents(stripe, ds);

  /** A registered contract (a fixed-price licence at 1,060,000 fen unless said otherwise). */
  const registered = async (spec: DealSpec = {}, number = `REG-${Math.random().toString(36).slice(2, 10)}`) => {
    const f = await insertDeal(ds, { source: 'fixed_price', ...spec });
    const p = await partiesOf(ds, f);
    const { contractId: id } = (await contracts.createFromDeal(f.dealId))!;
    await contracts.submit(p.seller, id, { version: 1 });
    await contracts.sign(p.seller, id, { version: 1 });
    await contracts.sign(p.buyer, id, { version: 1 });
    await contracts.register(p.admin, id, {
      number,
      registeredOn: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10),
      registry: '杭州市技术合同登记处',
    });
    return { f, p, id };
  };
  const ledgerOf = async (contractId: string) =>
    (await ds.query(
      `SELECT idempotency_key AS key, account, amount_fen::text AS amount FROM ledger_entries WHERE subject_type = 'contract' AND subject_id = $1 ORDER BY id`,
      [contractId],
    )) as { key: string; account: string; amount: string }[];

  it('the enterprise pays by card then Alipay: actual value, obligations, ledger and status follow; the same key is the same payment', async () => {
    const { f, p, id } = await registered();
    stripe.pauseDeliveries(); // Stripe's answers first, the webhooks after (the other order: the lost-answer test below)
    const first = await billing.payOnline(p.buyer, id, { paymentMethod: 'pm_card_visa', amountFen: 960_000n, idempotencyKey: 'pay-0001-visa' });
    expect(first).toMatchObject({ status: 'succeeded', amountFen: '960000', provider: 'stripe', providerPaymentId: expect.stringMatching(/^pi_/) });
    const pi = stripe.paymentIntent(first.providerPaymentId!)!;
    expect(pi).toMatchObject({
      status: 'succeeded',
      capture_method: 'automatic',
      currency: 'cny',
      amount: 960_000,
      payment_method_types: ['card', 'alipay', 'wechat_pay'],
      metadata: { paymentId: first.id, referenceType: 'contract', referenceId: id },
    });
    expect(await contracts.get(p.buyer, id)).toMatchObject({
      status: 'in_performance',
      money: { actualValueFen: '960000', outstandingFen: '100000', settled: false },
    });

    const again = await billing.payOnline(p.buyer, id, { paymentMethod: 'pm_card_visa', amountFen: 960_000n, idempotencyKey: 'pay-0001-visa' });
    expect(again.id).toBe(first.id);
    expect(stripe.paymentIntents().filter((x) => x.metadata.referenceId === id)).toHaveLength(1);
    await expect(billing.payOnline(p.buyer, id, { paymentMethod: 'pm_card_visa', amountFen: 100_001n, idempotencyKey: 'pay-0002-over' })).rejects.toMatchObject(
      { code: 'PAYMENT_EXCEEDS_OUTSTANDING', kind: 'conflict' },
    );
    await expect(billing.payOnline(p.seller, id, { paymentMethod: 'pm_card_visa', idempotencyKey: 'pay-by-seller' })).rejects.toMatchObject({
      code: 'NOT_THE_PAYER',
    });
    await expect(billing.payOnline(p.stranger, id, { paymentMethod: 'pm_card_visa', idempotencyKey: 'pay-by-stranger' })).rejects.toMatchObject({
      code: 'CONTRACT_NOT_FOUND',
    });

    const rest = await billing.payOnline(p.buyer, id, { paymentMethod: 'pm_card_alipay', idempotencyKey: 'pay-0003-alipay' }); // default: everything owed
    expect(rest).toMatchObject({ status: 'succeeded', amountFen: '100000', paymentMethod: 'pm_card_alipay' });
    const done = await contracts.get(p.buyer, id);
    expect(done).toMatchObject({
      status: 'completed',
      money: { actualValueFen: '1060000', outstandingFen: '0', settled: true, obligations: [{ key: 'lump_sum', status: 'paid' }] },
    });
    await expect(billing.payOnline(p.buyer, id, { paymentMethod: 'pm_card_visa', idempotencyKey: 'pay-0004-more' })).rejects.toMatchObject({
      code: 'CONTRACT_COMPLETED',
    });

    stripe.resumeDeliveries();
    await settle();
    expect(await ledgerOf(id)).toEqual([
      { key: `payment:${first.id}:succeeded`, account: `org:${f.buyerId}:cash`, amount: '-960000' },
      { key: `payment:${first.id}:succeeded`, account: `org:${f.holderId}:contract_proceeds`, amount: '960000' },
      { key: `payment:${rest.id}:succeeded`, account: `org:${f.buyerId}:cash`, amount: '-100000' },
      { key: `payment:${rest.id}:succeeded`, account: `org:${f.holderId}:contract_proceeds`, amount: '100000' },
    ]);
    const outcomes = (await ds.query(
      `SELECT outcome FROM stripe_events WHERE payload->'data'->'object'->'metadata'->>'referenceId' = $1 AND type = 'payment_intent.succeeded'`,
      [id],
    )) as { outcome: string }[];
    expect(outcomes.map((o) => o.outcome)).toEqual(['no change (payment succeeded)', 'no change (payment succeeded)']);
    const audit = await ds.query(`SELECT action FROM audit_log WHERE subject_type = 'contract' AND subject_id = $1 ORDER BY id`, [id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['contract.registered', 'contract.in_performance', 'contract.completed']),
    );
  });

  it('a declined card fails the payment; the same key with WeChat Pay pays on the same PaymentIntent; an unknown method is refused', async () => {
    const { p, id } = await registered();
    await expect(
      billing.payOnline(p.buyer, id, { paymentMethod: 'pm_card_chargeDeclined', amountFen: 500_000n, idempotencyKey: 'pay-declined-1' }),
    ).rejects.toMatchObject({ code: 'PAYMENT_DECLINED' });
    const { items: payments } = await billing.list(p.buyer, id, { limit: 100, offset: 0 });
    expect(payments).toEqual([expect.objectContaining({ status: 'failed', failureCode: 'generic_decline' })]);
    expect((await contracts.get(p.buyer, id)).money.actualValueFen).toBe('0');
    const retried = await billing.payOnline(p.buyer, id, { paymentMethod: 'pm_card_wechat', amountFen: 500_000n, idempotencyKey: 'pay-declined-1' });
    expect(retried).toMatchObject({ id: payments[0].id, status: 'succeeded', paymentMethod: 'pm_card_wechat' });
    expect(stripe.paymentIntents().filter((x) => x.metadata.referenceId === id)).toHaveLength(1);
    await expect(billing.payOnline(p.buyer, id, { paymentMethod: 'pm_no_such_method', amountFen: 1n, idempotencyKey: 'pay-unknown-1' })).rejects.toMatchObject({
      code: 'PAYMENT_METHOD_REJECTED',
      kind: 'validation',
    });
    await settle();
  });

  it('webhooks replayed, duplicated and out of order converge on one payment, posted once; a lost answer is finished by the webhook', async () => {
    const { f, p, id } = await registered();
    stripe.pauseDeliveries();
    stripe.setDuplicateDeliveries(true);
    let paymentId: string;
    try {
      stripe.dropResponses(3, { method: 'POST', path: '/v1/payment_intents' }); // the answer and both SDK retries are lost
      await expect(
        billing.payOnline(p.buyer, id, { paymentMethod: 'pm_card_unionpay', amountFen: 1_060_000n, idempotencyKey: 'pay-lost-answer' }),
      ).rejects.toMatchObject({ response: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' } });
      const { items: payments } = await billing.list(p.buyer, id, { limit: 100, offset: 0 });
      expect(payments).toEqual([expect.objectContaining({ status: 'pending', providerPaymentId: null })]);
      paymentId = payments[0].id;
      // another payment cannot slip past the one in flight
      await expect(billing.payOnline(p.buyer, id, { paymentMethod: 'pm_card_visa', amountFen: 1n, idempotencyKey: 'pay-while-pending' })).rejects.toMatchObject(
        { code: 'PAYMENT_EXCEEDS_OUTSTANDING' },
      );
    } finally {
      stripe.resumeDeliveries({ order: 'reverse' }); // succeeded first, created last, each twice
    }
    await settle();
    stripe.setDuplicateDeliveries(false);
    const payment = (await billing.list(p.buyer, id, { limit: 100, offset: 0 })).items[0];
    expect(payment).toMatchObject({ id: paymentId, status: 'succeeded', providerPaymentId: expect.stringMatching(/^pi_/) });
    expect(await contracts.get(p.buyer, id)).toMatchObject({ status: 'completed', money: { actualValueFen: '1060000' } });
    expect((await ledgerOf(id)).map((e) => e.amount)).toEqual(['-1060000', '1060000']);
    const events = (await ds.query(
      `SELECT id, type, processed_at, outcome FROM stripe_events WHERE payload->'data'->'object'->>'id' = $1 ORDER BY received_at`,
      [payment.providerPaymentId],
    )) as { id: string; type: string; processed_at: Date; outcome: string }[];
    expect(events.map((e) => e.type).sort()).toEqual(['payment_intent.created', 'payment_intent.succeeded']);
    expect(events.find((e) => e.type === 'payment_intent.succeeded')!.outcome).toBe(`payment pending → succeeded`);
    const deliveries = stripe.deliveries.filter((d) => events.some((e) => e.id === d.eventId) && d.status === 200);
    expect(deliveries.length).toBe(4); // each event delivered twice, processed once
    // a replay, much later: recorded as a duplicate, nothing moves
    const succeeded = events.find((e) => e.type === 'payment_intent.succeeded')!;
    expect(await stripe.redeliver(succeeded.id)).toBe(200);
    await settle();
    const [after] = (await ds.query(`SELECT processed_at FROM stripe_events WHERE id = $1`, [succeeded.id])) as { processed_at: Date }[];
    expect(after.processed_at).toEqual(succeeded.processed_at);
    expect((await ledgerOf(id)).length).toBe(2);
    expect(f.buyerId).toBeDefined();
  });

  it('the operator records bank transfers (对公转账): once per bank reference, never above what is owed', async () => {
    const a = await registered();
    const b = await registered();
    const paid = await billing.recordBankTransfer(a.p.admin, a.id, { amountFen: 1_000_000n, bankReference: 'ICBC-20260301-000456', receivedOn: '2026-03-01' });
    expect(paid).toMatchObject({ status: 'succeeded', provider: 'bank_transfer', providerPaymentId: 'ICBC-20260301-000456', receivedOn: '2026-03-01' });
    expect(
      (await billing.recordBankTransfer(a.p.admin, a.id, { amountFen: 1_000_000n, bankReference: 'ICBC-20260301-000456', receivedOn: '2026-03-01' })).id,
    ).toBe(paid.id);
    await expect(
      billing.recordBankTransfer(b.p.admin, b.id, { amountFen: 1_000_000n, bankReference: 'ICBC-20260301-000456', receivedOn: '2026-03-01' }),
    ).rejects.toMatchObject({ code: 'BANK_REFERENCE_USED' });
    await expect(
      billing.recordBankTransfer(a.p.admin, a.id, { amountFen: 60_001n, bankReference: 'ICBC-20260301-000457', receivedOn: '2026-03-01' }),
    ).rejects.toMatchObject({ code: 'PAYMENT_EXCEEDS_OUTSTANDING' });
    expect((await contracts.get(a.p.seller, a.id)).money).toMatchObject({ actualValueFen: '1000000', outstandingFen: '60000' });
  });

  it('refunds through Stripe (once per key, never above the payment), offline for a bank transfer; a lost refund answer is finished by charge.refunded', async () => {
    const { f, p, id } = await registered();
    const payment = await billing.payOnline(p.buyer, id, { paymentMethod: 'pm_card_visa', amountFen: 1_060_000n, idempotencyKey: 'pay-refunds-1' });
    const refund = await billing.refund(p.admin, payment.id, { amountFen: 60_000n, reason: '双方协商退还部分价款', idempotencyKey: 'refund-0001' });
    expect(refund).toMatchObject({ status: 'succeeded', amountFen: '60000', providerRefundId: expect.stringMatching(/^re_/) });
    expect((await billing.refund(p.admin, payment.id, { amountFen: 60_000n, reason: 'again', idempotencyKey: 'refund-0001' })).id).toBe(refund.id);
    await expect(billing.refund(p.admin, payment.id, { amountFen: 1_000_001n, reason: 'too much', idempotencyKey: 'refund-0002' })).rejects.toMatchObject({
      code: 'REFUND_EXCEEDS_PAYMENT',
    });
    expect((await contracts.get(p.buyer, id)).money).toMatchObject({ actualValueFen: '1000000', outstandingFen: '60000' });

    await settle(); // the first refund's charge.refunded is processed before the answers are lost
    stripe.pauseDeliveries(); // so that only the webhook, after the call gave up, finishes the refund
    try {
      stripe.dropResponses(3, { method: 'POST', path: '/v1/refunds' });
      await expect(billing.refund(p.admin, payment.id, { amountFen: 10_000n, reason: '再退一部分', idempotencyKey: 'refund-0003' })).rejects.toMatchObject({
        response: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' },
      });
      expect((await billing.list(p.admin, id, { limit: 100, offset: 0 })).items.flatMap((x) => x.refunds).map((r) => r.status)).toEqual([
        'succeeded',
        'pending',
      ]);
    } finally {
      stripe.resumeDeliveries();
    }
    await settle(); // charge.refunded: the worker asks again with the refund's key and records what Stripe did
    const { items: payments } = await billing.list(p.admin, id, { limit: 100, offset: 0 });
    const refunds = payments.flatMap((x) => x.refunds);
    expect(refunds.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(payments[0].refundedFen).toBe('70000');
    // two refunds at Stripe: every request for the second one, retries and the worker's included, carried its one key
    const refundRequests = stripe.requests.filter((r) => r.path === '/v1/refunds');
    expect(new Set(refundRequests.map((r) => r.idempotencyKey))).toEqual(new Set([`refund:${refunds[0].id}`, `refund:${refunds[1].id}`]));
    expect(refundRequests.filter((r) => !r.replayed).length).toBe(2);
    expect((await ledgerOf(id)).filter((e) => e.key.startsWith('refund:')).map((e) => [e.account, e.amount])).toEqual([
      [`org:${f.holderId}:contract_proceeds`, '-60000'],
      [`org:${f.buyerId}:cash`, '60000'],
      [`org:${f.holderId}:contract_proceeds`, '-10000'],
      [`org:${f.buyerId}:cash`, '10000'],
    ]);

    const other = await registered();
    const transfer = await billing.recordBankTransfer(other.p.admin, other.id, {
      amountFen: 500_000n,
      bankReference: `BOC-${other.id.slice(0, 8)}`,
      receivedOn: '2026-03-01',
    });
    expect(await billing.refund(other.p.admin, transfer.id, { amountFen: 500_000n, reason: '退回', idempotencyKey: 'refund-bank-1' })).toMatchObject({
      status: 'succeeded',
      providerRefundId: null,
    });
  });

  it('ledger balances after a full auction scenario: deposit held, applied at signing, the rest paid by Stripe, part refunded', async () => {
    const deposits = api.get(DepositsService);
    const f = await insertDeal(ds, { source: 'auction', dealType: 'transfer', priceFen: 1_060_000n, depositFen: 100_000n });
    const p = await partiesOf(ds, f);
    const [reg] = (await ds.query(`SELECT r.id FROM lot_registrations r WHERE r.lot_id = $1`, [f.lotId])) as { id: string }[];
    const deposit = await deposits.hold({
      organizationId: f.buyerId,
      referenceType: 'lot_registration',
      referenceId: reg.id,
      amountFen: 100_000n,
      paymentMethod: 'pm_card_visa',
    });
    await ds.query(`UPDATE lot_registrations SET deposit_id = $2, deposit_status = 'held' WHERE id = $1`, [reg.id, deposit.id]);

    const { contractId: id } = (await contracts.createFromDeal(f.dealId))!;
    await contracts.submit(p.buyer, id, { version: 1 });
    await contracts.sign(p.buyer, id, { version: 1 });
    const signedView = await contracts.sign(p.seller, id, { version: 1 });
    expect(signedView.money).toMatchObject({ actualValueFen: '100000', outstandingFen: '960000' }); // the deposit carried over
    expect((await deposits.get(deposit.id)).status).toBe('captured');
    expect((await ds.query(`SELECT deposit_status FROM lot_registrations WHERE id = $1`, [reg.id]))[0].deposit_status).toBe('applied');
    await contracts.register(p.admin, id, { number: `AUC-${id.slice(0, 8)}`, registeredOn: signedView.tookEffectOn!, registry: '省技术市场' });
    expect((await contracts.get(p.buyer, id)).status).toBe('in_performance');
    const rest = await billing.payOnline(p.buyer, id, { paymentMethod: 'pm_card_visa', amountFen: 900_000n, idempotencyKey: 'pay-auction-rest' });
    await billing.refund(p.admin, rest.id, { amountFen: 10_000n, reason: '价款调整', idempotencyKey: 'refund-auction-1' });
    await settle();

    const view = await contracts.get(p.buyer, id);
    expect(view.money).toMatchObject({ actualValueFen: '990000', outstandingFen: '70000' });
    expect(view.status).toBe('in_performance');
    const { items: payments } = await billing.list(p.seller, id, { limit: 100, offset: 0 });
    const ledger = await billing.ledgerOf(p.seller, id);
    expect(payments.map((x) => [x.provider, x.amountFen, x.refundedFen])).toEqual([
      ['deposit', '100000', '0'],
      ['stripe', '900000', '10000'],
    ]);
    expect(ledger).toEqual({
      [`org:${f.buyerId}:cash`]: '-890000',
      [`org:${f.buyerId}:deposits_applied`]: '-100000',
      [`org:${f.holderId}:contract_proceeds`]: '990000',
    });
    expect((await billing.organizationBalances(p.buyerMember, f.buyerId)).balances).toEqual({ cash: '-990000', deposits_applied: '0' });
    expect((await billing.organizationBalances(p.seller, f.holderId)).balances).toEqual({ contract_proceeds: '990000' });
    await expect(billing.organizationBalances(p.stranger, f.buyerId)).rejects.toMatchObject({ code: 'ORGANIZATION_BOUNDARY' });
    const [total] = (await ds.query(`SELECT sum(amount_fen)::text AS s FROM ledger_entries`)) as { s: string }[];
    expect(total.s).toBe('0');
  });
});
