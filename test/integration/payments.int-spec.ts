import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, INestApplication, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DatabaseModule, DomainEventHandlers } from '../../libs/database/src';
import { IdentityApiModule, UsersService } from '../../libs/identity/src';
import {
  Deposit,
  DepositsService,
  DepositStatusChanged,
  type DepositStatusChangedPayload,
  LedgerService,
  PaymentsApiModule,
  PaymentsModule,
  STRIPE,
  StripeEventsProcessor,
} from '../../libs/payments/src';
import {
  AllExceptionsFilter,
  AppConfig,
  createValidationPipe,
  PlatformConfigModule,
  QUEUES,
  QueueProducersModule,
  RedisConnectionFactory,
  RedisModule,
} from '../../libs/platform/src';
import { startStripeServer, StripeServer } from '../stripe-server/stripe-server';
import { settleStripeEvents } from '../support/stripe-events';
import { testConfig } from '../support/config';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** The API side, as apps/api composes it (with PaymentsApiModule), without the other contexts. */
@Module({})
class PaymentsTestApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PaymentsTestApiModule,
      imports: [PlatformConfigModule.forRoot(config), RedisModule, DatabaseModule.forRoot(config), QueueProducersModule, IdentityApiModule, PaymentsApiModule],
    };
  }
}

/** The worker side: a real BullMQ worker on the `payments` queue running StripeEventsProcessor. */
@Module({})
class PaymentsTestWorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PaymentsTestWorkerModule,
      imports: [
        PlatformConfigModule.forRoot(config),
        RedisModule,
        DatabaseModule.forRoot(config),
        BullModule.forRootAsync({
          inject: [RedisConnectionFactory],
          useFactory: (redis: RedisConnectionFactory) => ({ connection: redis.create('bullmq-worker'), prefix: `${redis.prefix}bull` }),
        }),
        BullModule.registerQueue({ name: QUEUES.payments }),
        PaymentsModule,
      ],
      providers: [StripeEventsProcessor],
    };
  }
}

const WEBHOOK_SECRET = 'whsec_payments_integration';

describe('payments: deposits through the Stripe SDK, signed webhooks, a BullMQ worker and the ledger', () => {
  let db: TestDatabase;
  let stripeServer: StripeServer;
  let config: AppConfig;
  let api: INestApplication;
  let worker: INestApplicationContext;
  let apiUrl: string;
  let ds: DataSource;
  let deposits: DepositsService;
  let ledger: LedgerService;
  let stripe: Stripe;
  // DepositStatusChanged events as each process delivered them (the maker delivers after its commit)
  const apiChanges: DepositStatusChangedPayload[] = [];
  const workerChanges: DepositStatusChangedPayload[] = [];
  let orgCounter = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    stripeServer = await startStripeServer({ webhookSecret: WEBHOOK_SECRET, secretKey: 'sk_test_payments_integration', webhookRetryDelayMs: 50 });
    config = testConfig(db.url, {
      STRIPE_API_BASE: stripeServer.url,
      STRIPE_SECRET_KEY: 'sk_test_payments_integration',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });

    // As apps/api/src/bootstrap.ts builds it: no global body parser, then JSON with the raw body kept.
    const app = await NestFactory.create<NestExpressApplication>(PaymentsTestApiModule.forRoot(config), {
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
    apiUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    stripeServer.setWebhookUrl(`${apiUrl}/payments/stripe/webhook`);

    worker = await NestFactory.createApplicationContext(PaymentsTestWorkerModule.forRoot(config), { logger: false, abortOnError: false });

    ds = api.get(DataSource);
    deposits = api.get(DepositsService);
    ledger = api.get(LedgerService);
    stripe = api.get<Stripe>(STRIPE);
    api.get(DomainEventHandlers).on(DepositStatusChanged, 'test.api-changes', async (c) => void apiChanges.push(c));
    worker.get(DomainEventHandlers).on(DepositStatusChanged, 'test.worker-changes', async (c) => void workerChanges.push(c));
  });

  afterAll(async () => {
    await stripeServer?.close();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  const enterprise = async (): Promise<string> => {
    const [row] = (await ds.query(`INSERT INTO organizations (type, name, region_code, sme) VALUES ('enterprise', $1, '330603', true) RETURNING id`, [
      `企业-${++orgCounter}-${randomUUID().slice(0, 8)}`,
    ])) as { id: string }[];
    return row.id;
  };

  const holdInput = (organizationId: string, amountFen = 500_000n, paymentMethod = 'pm_card_visa') => ({
    organizationId,
    referenceType: 'lot_registration',
    referenceId: randomUUID(),
    amountFen,
    paymentMethod,
  });

  /** Every delivered webhook stored and processed by the worker. */
  const settle = () => settleStripeEvents(stripeServer, ds);

  const entries = async (depositId: string) =>
    (await ds.query(`SELECT idempotency_key AS key, account, amount_fen::text AS amount FROM ledger_entries WHERE subject_id = $1 ORDER BY id`, [
      depositId,
    ])) as {
      key: string;
      account: string;
      amount: string;
    }[];

  const eventsOf = async (paymentIntentId: string) =>
    (await ds.query(
      `SELECT type, processed_at IS NOT NULL AS processed, outcome FROM stripe_events WHERE payload->'data'->'object'->>'id' = $1 ORDER BY received_at`,
      [paymentIntentId],
    )) as {
      type: string;
      processed: boolean;
      outcome: string;
    }[];

  const status = async (depositId: string) => ((await ds.query(`SELECT status FROM deposits WHERE id = $1`, [depositId])) as { status: string }[])[0].status;

  it('holds a deposit on a card: a manual-capture PaymentIntent with the deposit in its metadata, held at once; the webhook then finds nothing to do', async () => {
    const org = await enterprise();
    const input = holdInput(org);
    const seenInListener: string[] = [];
    const unsubscribe = api.get(DomainEventHandlers).on(DepositStatusChanged, 'test.seen-after-commit', async (c) => {
      // handlers run after commit: another connection already sees the new status
      if (c.referenceId === input.referenceId) seenInListener.push(await status(c.depositId));
    });
    stripeServer.pauseDeliveries(); // Stripe's answer first, the webhook after (the other order is tested below)
    let deposit: Deposit;
    try {
      deposit = await deposits.hold(input);
    } finally {
      unsubscribe();
      stripeServer.resumeDeliveries();
    }

    expect(deposit).toMatchObject({
      status: 'held',
      provider: 'stripe',
      amountFen: 500_000n,
      capturedFen: 0n,
      organizationId: org,
      referenceType: 'lot_registration',
      referenceId: input.referenceId,
    });
    const pi = stripeServer.paymentIntent(deposit.providerPaymentId!)!;
    expect(pi).toMatchObject({
      status: 'requires_capture',
      capture_method: 'manual',
      amount: 500_000,
      currency: 'cny',
      amount_capturable: 500_000,
      metadata: { depositId: deposit.id, referenceType: 'lot_registration', referenceId: input.referenceId, organizationId: org },
    });
    expect(seenInListener).toEqual(['held']);
    expect(apiChanges.filter((c) => c.depositId === deposit.id).map((c) => `${c.previousStatus}→${c.status}`)).toEqual(['pending→held']);
    expect(await entries(deposit.id)).toEqual([
      { key: `deposit:${deposit.id}:held`, account: `org:${org}:cash`, amount: '-500000' },
      { key: `deposit:${deposit.id}:held`, account: 'platform:deposits_held', amount: '500000' },
    ]);

    await settle();
    expect(await eventsOf(pi.id)).toEqual(
      expect.arrayContaining([{ type: 'payment_intent.amount_capturable_updated', processed: true, outcome: 'no change (deposit held)' }]),
    );
    expect(workerChanges.filter((c) => c.depositId === deposit.id)).toEqual([]);

    // the same hold again: the same deposit, no second PaymentIntent
    const again = await deposits.hold(input);
    expect(again.id).toBe(deposit.id);
    expect(stripeServer.paymentIntents().filter((p) => p.metadata.depositId === deposit.id)).toHaveLength(1);
    expect(await deposits.findByReference('lot_registration', input.referenceId)).toMatchObject({ id: deposit.id, status: 'held' });
  });

  it('a retried hold after a lost answer reuses the PaymentIntent (Idempotency-Key): never a second one', async () => {
    const org = await enterprise();
    const input = holdInput(org);
    stripeServer.pauseDeliveries(); // so only the retry, not a webhook, can tell us what happened
    try {
      stripeServer.dropResponses(3, { method: 'POST', path: '/v1/payment_intents' }); // the first try and both SDK retries
      await expect(deposits.hold(input)).rejects.toMatchObject({ response: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' } });
      const pending = (await deposits.findByReference('lot_registration', input.referenceId))!;
      expect(pending).toMatchObject({ status: 'pending', providerPaymentId: null });
      expect(await entries(pending.id)).toEqual([]);
      const created = stripeServer.paymentIntents().filter((p) => p.metadata.depositId === pending.id);
      expect(created).toHaveLength(1); // Stripe did create it: only the answers were lost

      const held = await deposits.hold(input);
      expect(held).toMatchObject({ id: pending.id, status: 'held', providerPaymentId: created[0].id });
      expect(stripeServer.paymentIntents().filter((p) => p.metadata.depositId === pending.id)).toHaveLength(1);
      const tries = stripeServer.requests.filter((r) => r.idempotencyKey === `deposit:${pending.id}:hold:1:create`);
      expect(tries.map((r) => [r.dropped, r.replayed])).toEqual([
        [true, false],
        [true, true],
        [true, true],
        [false, true],
      ]);
    } finally {
      stripeServer.resumeDeliveries();
    }
    await settle();
  });

  it('reaches held through the webhook alone when every answer to hold() was lost', async () => {
    const org = await enterprise();
    const input = holdInput(org);
    stripeServer.dropResponses(3, { method: 'POST', path: '/v1/payment_intents' });
    await expect(deposits.hold(input)).rejects.toMatchObject({ response: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' } });
    await settle();
    const deposit = (await deposits.findByReference('lot_registration', input.referenceId))!;
    const pi = stripeServer.paymentIntents().find((p) => p.metadata.depositId === deposit.id)!;
    expect(deposit).toMatchObject({ status: 'held', providerPaymentId: pi.id });
    expect(workerChanges.filter((c) => c.depositId === deposit.id).map((c) => c.status)).toEqual(['held']);
    expect((await entries(deposit.id)).map((e) => e.key)).toEqual([`deposit:${deposit.id}:held`, `deposit:${deposit.id}:held`]);
  });

  it('captures a held deposit once, even when capture is called twice at the same time', async () => {
    const org = await enterprise();
    const held = await deposits.hold(holdInput(org, 800_000n));
    const [a, b] = await Promise.all([deposits.capture(held.id), deposits.capture(held.id)]);
    expect(a).toMatchObject({ status: 'captured', capturedFen: 800_000n });
    expect(b).toMatchObject({ status: 'captured', capturedFen: 800_000n });
    expect(await deposits.capture(held.id)).toMatchObject({ status: 'captured' }); // and a third time, later

    const pi = stripeServer.paymentIntent(held.providerPaymentId!)!;
    expect(pi).toMatchObject({ status: 'succeeded', amount_received: 800_000 });
    const captures = stripeServer.requests.filter((r) => r.path === `/v1/payment_intents/${pi.id}/capture`);
    expect(captures.filter((r) => !r.replayed)).toHaveLength(1); // Stripe moved the money once
    expect(captures.every((r) => r.idempotencyKey === `deposit:${held.id}:capture`)).toBe(true);

    expect(await entries(held.id)).toEqual([
      { key: `deposit:${held.id}:held`, account: `org:${org}:cash`, amount: '-800000' },
      { key: `deposit:${held.id}:held`, account: 'platform:deposits_held', amount: '800000' },
      { key: `deposit:${held.id}:captured`, account: 'platform:deposits_held', amount: '-800000' },
      { key: `deposit:${held.id}:captured`, account: `org:${org}:deposits_applied`, amount: '800000' },
    ]);
    await settle();
    // Stripe's answer or its webhook (processed by the worker) may be first to report the capture: once, either way
    expect([...apiChanges, ...workerChanges].filter((c) => c.depositId === held.id).map((c) => c.status)).toEqual(['held', 'captured']);
    expect(await status(held.id)).toBe('captured');
    await expect(deposits.capture(held.id, 100n)).rejects.toMatchObject({ code: 'DEPOSIT_ALREADY_CAPTURED' });
    await expect(deposits.release(held.id)).rejects.toMatchObject({ code: 'DEPOSIT_ALREADY_SETTLED' });
  });

  it('captures part of a deposit: the part is applied to the price, the rest returns to the organisation', async () => {
    const org = await enterprise();
    const held = await deposits.hold(holdInput(org, 500_000n));
    await expect(deposits.capture(held.id, 500_001n)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const captured = await deposits.capture(held.id, 200_000n);
    expect(captured).toMatchObject({ status: 'captured', capturedFen: 200_000n });
    expect(stripeServer.paymentIntent(held.providerPaymentId!)).toMatchObject({ status: 'succeeded', amount_received: 200_000 });
    expect(await ledger.balances(`org:${org}:`)).toEqual({ [`org:${org}:cash`]: -200_000n, [`org:${org}:deposits_applied`]: 200_000n });
    await settle();
  });

  it('releases a held deposit: the hold is cancelled and the money returns', async () => {
    const org = await enterprise();
    const held = await deposits.hold(holdInput(org, 300_000n));
    const released = await deposits.release(held.id);
    expect(released).toMatchObject({ status: 'released', capturedFen: 0n });
    expect(released.settledAt).toBeInstanceOf(Date);
    expect(await deposits.release(held.id)).toMatchObject({ status: 'released' });
    expect(stripeServer.paymentIntent(held.providerPaymentId!)).toMatchObject({ status: 'canceled', amount_capturable: 0 });
    expect((await entries(held.id)).map((e) => [e.key.split(':').at(-1), e.account, e.amount])).toEqual([
      ['held', `org:${org}:cash`, '-300000'],
      ['held', 'platform:deposits_held', '300000'],
      ['released', 'platform:deposits_held', '-300000'],
      ['released', `org:${org}:cash`, '300000'],
    ]);
    expect(await ledger.balance(`org:${org}:cash`)).toBe(0n);
    await expect(deposits.capture(held.id)).rejects.toMatchObject({ code: 'DEPOSIT_NOT_HELD' });
    await expect(deposits.forfeit(held.id)).rejects.toMatchObject({ code: 'DEPOSIT_NOT_HELD' });
    await settle();
    expect(await status(held.id)).toBe('released');
  });

  it('forfeits a held deposit to the platform; a forfeit racing a capture moves the money once', async () => {
    const org = await enterprise();
    const held = await deposits.hold(holdInput(org, 400_000n));
    const forfeited = await deposits.forfeit(held.id);
    expect(forfeited).toMatchObject({ status: 'forfeited', capturedFen: 400_000n });
    expect(await deposits.forfeit(held.id)).toMatchObject({ status: 'forfeited' });
    expect(stripeServer.paymentIntent(held.providerPaymentId!)).toMatchObject({
      status: 'succeeded',
      amount_received: 400_000,
      metadata: { depositAction: 'forfeit' },
    });
    expect((await entries(held.id)).slice(2)).toEqual([
      { key: `deposit:${held.id}:forfeited`, account: 'platform:deposits_held', amount: '-400000' },
      { key: `deposit:${held.id}:forfeited`, account: 'platform:forfeits', amount: '400000' },
    ]);

    const other = await deposits.hold(holdInput(org, 100_000n));
    const results = await Promise.allSettled([deposits.forfeit(other.id), deposits.capture(other.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(['PAYMENT_OPERATION_CONFLICT', 'DEPOSIT_SETTLED_OTHERWISE', 'DEPOSIT_NOT_HELD']).toContain((loser.reason as { code: string }).code);
    const pi = stripeServer.paymentIntent(other.providerPaymentId!)!;
    expect(stripeServer.requests.filter((r) => r.path === `/v1/payment_intents/${pi.id}/capture` && r.status === 200 && !r.replayed)).toHaveLength(1);
    const settled = (await entries(other.id)).filter((e) => !e.key.endsWith(':held'));
    expect(new Set(settled.map((e) => e.key)).size).toBe(1);
    await settle();
  });

  it('a declined card leaves the deposit failed and moves no money; a new card then holds it on the same PaymentIntent', async () => {
    const org = await enterprise();
    const input = holdInput(org, 200_000n, 'pm_card_chargeDeclined');
    stripeServer.pauseDeliveries(); // Stripe's answer first, then the webhook
    try {
      await expect(deposits.hold(input)).rejects.toMatchObject({ code: 'PAYMENT_DECLINED', details: { declineCode: 'generic_decline', status: 'failed' } });
    } finally {
      stripeServer.resumeDeliveries();
    }
    const failed = (await deposits.findByReference('lot_registration', input.referenceId))!;
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'generic_decline', attempts: 1 });
    expect(await entries(failed.id)).toEqual([]);
    await settle();
    expect((await eventsOf(failed.providerPaymentId!)).find((e) => e.type === 'payment_intent.payment_failed')).toMatchObject({
      processed: true,
      outcome: 'no change (deposit failed)',
    });

    const held = await deposits.hold({ ...input, paymentMethod: 'pm_card_visa' });
    expect(held).toMatchObject({ id: failed.id, status: 'held', attempts: 2, providerPaymentId: failed.providerPaymentId, failureCode: null });
    expect(stripeServer.paymentIntents().filter((p) => p.metadata.depositId === failed.id)).toHaveLength(1);
    expect((await entries(failed.id)).map((e) => e.amount)).toEqual(['-200000', '200000']);
    await settle();
  });

  it('duplicate and out-of-order webhook deliveries change nothing', async () => {
    const org = await enterprise();
    stripeServer.pauseDeliveries();
    stripeServer.setDuplicateDeliveries(true);
    let deposit: Deposit;
    try {
      deposit = await deposits.hold(holdInput(org, 150_000n));
      deposit = await deposits.release(deposit.id);
    } finally {
      stripeServer.setDuplicateDeliveries(false);
      stripeServer.resumeDeliveries({ order: 'reverse' }); // canceled (twice) first, then authorised (twice), then created
    }
    await settle();
    const pi = deposit.providerPaymentId!;
    const delivered = stripeServer.deliveries.filter((d) => stripeServer.events.find((e) => e.id === d.eventId)?.data.object.id === pi && d.status === 200);
    expect(delivered.map((d) => d.type)).toEqual([
      'payment_intent.canceled',
      'payment_intent.canceled',
      'payment_intent.amount_capturable_updated',
      'payment_intent.amount_capturable_updated',
      'payment_intent.created',
      'payment_intent.created',
    ]);
    expect(await eventsOf(pi)).toHaveLength(3); // each event stored once
    expect(await status(deposit.id)).toBe('released');
    expect((await entries(deposit.id)).map((e) => e.key.split(':').at(-1))).toEqual(['held', 'held', 'released', 'released']);
    expect(workerChanges.filter((c) => c.depositId === deposit.id)).toEqual([]);

    // a redelivery, much later: 200, a duplicate, and nothing happens
    const canceled = stripeServer.events.find((e) => e.type === 'payment_intent.canceled' && e.data.object.id === pi)!;
    const res = await request(apiUrl)
      .post('/payments/stripe/webhook')
      .set('content-type', 'application/json')
      .set('stripe-signature', stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(canceled), secret: WEBHOOK_SECRET }))
      .send(JSON.stringify(canceled));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, duplicate: true });
    expect(await stripeServer.redeliver(canceled.id)).toBe(200);
    await settle();
    expect(await status(deposit.id)).toBe('released');
    expect(await entries(deposit.id)).toHaveLength(4);
  });

  it('out of order before the deposit knew its PaymentIntent: a late authorisation of a released deposit is cancelled, never held', async () => {
    const org = await enterprise();
    const input = holdInput(org, 120_000n);
    stripeServer.pauseDeliveries();
    try {
      stripeServer.dropResponses(3, { method: 'POST', path: '/v1/payment_intents' });
      await expect(deposits.hold(input)).rejects.toMatchObject({ response: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' } });
      const pending = (await deposits.findByReference('lot_registration', input.referenceId))!;
      // the registration is abandoned before anyone learns the hold went through
      expect(await deposits.release(pending.id)).toMatchObject({ status: 'released', providerPaymentId: null });
    } finally {
      stripeServer.resumeDeliveries({ order: 'reverse' });
    }
    await settle();
    const deposit = (await deposits.findByReference('lot_registration', input.referenceId))!;
    const pi = stripeServer.paymentIntents().find((p) => p.metadata.depositId === deposit.id)!;
    expect(pi.status).toBe('canceled'); // the orphan authorisation was given back
    expect(deposit).toMatchObject({ status: 'released', providerPaymentId: pi.id });
    expect(await entries(deposit.id)).toEqual([]); // never held here, so nothing moved
    expect((await eventsOf(pi.id)).map((e) => e.outcome)).toEqual(expect.arrayContaining(['orphan hold cancelled']));
  });

  it('refuses a webhook with a bad signature, a missing one, or an altered body, and stores nothing', async () => {
    const event = {
      id: `evt_forged${Date.now()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_x', object: 'payment_intent' } },
    };
    const payload = JSON.stringify(event);
    const wrongSecret = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_not_ours' });
    const rightSecret = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const post = (body: string, signature?: string) => {
      const r = request(apiUrl).post('/payments/stripe/webhook').set('content-type', 'application/json');
      return (signature ? r.set('stripe-signature', signature) : r).send(body);
    };

    for (const res of [
      await post(payload, wrongSecret),
      await post(payload),
      await post(payload.replace('pi_x', 'pi_y'), rightSecret),
      await post(JSON.stringify(event, null, 1), rightSecret),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_SIGNATURE' });
    }
    expect(await ds.query(`SELECT id FROM stripe_events WHERE id = $1`, [event.id])).toEqual([]);
    // the genuine bytes pass (the event is unknown to Stripe's side, so the worker ignores it)
    expect((await post(payload, rightSecret)).status).toBe(200);
    await settle();
    expect(await ds.query(`SELECT outcome FROM stripe_events WHERE id = $1`, [event.id])).toEqual([{ outcome: 'ignored: not a deposit' }]);
  });

  it('bank transfer (对公转账): an administrator confirms it over HTTP and the deposit is held at once', async () => {
    const [authority] = (await ds.query(
      `INSERT INTO organizations (type, name, region_code, authority_level) VALUES ('authority', $1, '330000', 'province') RETURNING id`,
      [`运营中心-${randomUUID().slice(0, 8)}`],
    )) as { id: string }[];
    const email = `admin-${randomUUID().slice(0, 8)}@test.example`;
    await api.get(UsersService).create(null, authority.id, { email, displayName: '管理员', password: 'Password-1234', roles: ['platform_admin'] });
    const login = await request(apiUrl).post('/auth/login').send({ email, password: 'Password-1234' });
    const token = (login.body as { accessToken: string }).accessToken;
    const org = await enterprise();
    const body = {
      organizationId: org,
      referenceType: 'lot_registration',
      referenceId: randomUUID(),
      amountFen: '300000000',
      bankReference: `ICBC-${randomUUID().slice(0, 12)}`,
    };
    const post = (b: object, t = token) => request(apiUrl).post('/payments/bank-transfer-deposits').set('authorization', `Bearer ${t}`).send(b);

    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'held',
      provider: 'bank_transfer',
      amountFen: '300000000',
      providerPaymentId: body.bankReference,
      organizationId: org,
    });
    expect((await post(body)).body).toMatchObject({ id: (res.body as { id: string }).id, status: 'held' }); // recorded twice: one deposit
    expect((await post({ ...body, referenceId: randomUUID() })).body).toMatchObject({ code: 'BANK_REFERENCE_USED' });
    expect((await post({ ...body, amountFen: '1.5' })).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await post({ ...body, organizationId: randomUUID(), referenceId: randomUUID(), bankReference: 'X-1' })).body).toMatchObject({
      code: 'ORGANIZATION_NOT_FOUND',
    });
    expect((await request(apiUrl).post('/payments/bank-transfer-deposits').send(body)).status).toBe(401);

    const id = (res.body as { id: string }).id;
    expect(await ledger.balance(`org:${org}:cash`)).toBe(-300_000_000n);
    expect(await deposits.capture(id)).toMatchObject({ status: 'captured', capturedFen: 300_000_000n }); // no Stripe call for a transfer
    expect(await ledger.balances(`org:${org}:`)).toEqual({ [`org:${org}:cash`]: -300_000_000n, [`org:${org}:deposits_applied`]: 300_000_000n });
    const audit = (await ds.query(
      `SELECT action, actor_user_id IS NOT NULL AS by_user FROM audit_log WHERE subject_type = 'deposit' AND subject_id = $1 ORDER BY id`,
      [id],
    )) as {
      action: string;
      by_user: boolean;
    }[];
    expect(audit).toEqual([
      { action: 'deposit.bank_transfer_recorded', by_user: true },
      { action: 'deposit.held', by_user: true },
      { action: 'deposit.captured', by_user: false },
    ]);
  });

  it('a deposit whose card was declined may be paid by bank transfer instead', async () => {
    const org = await enterprise();
    const input = holdInput(org, 90_000n, 'pm_card_chargeDeclinedInsufficientFunds');
    await expect(deposits.hold(input)).rejects.toMatchObject({ code: 'PAYMENT_DECLINED' });
    const byBank = await deposits.recordBankTransfer({ ...input, bankReference: `BOC-${randomUUID().slice(0, 8)}` }, null);
    expect(byBank).toMatchObject({ status: 'held', provider: 'bank_transfer', failureCode: null });
    await expect(deposits.recordBankTransfer({ ...input, bankReference: `BOC-${randomUUID().slice(0, 8)}` }, null)).rejects.toMatchObject({
      code: 'DEPOSIT_EXISTS',
    });
    await settle();
  });

  it('refuses what a card cannot hold and what does not match, with clear codes', async () => {
    const org = await enterprise();
    await expect(deposits.hold(holdInput(org, 100_000_000n))).rejects.toMatchObject({ code: 'DEPOSIT_TOO_LARGE_FOR_CARD' });
    await expect(deposits.hold(holdInput(org, 0n))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(deposits.hold({ ...holdInput(org), paymentMethod: 'pm_card_alipay' })).rejects.toMatchObject({ code: 'PAYMENT_METHOD_REJECTED' });
    const input = holdInput(org, 50_000n);
    await deposits.hold(input);
    await expect(deposits.hold({ ...input, amountFen: 60_000n })).rejects.toMatchObject({ code: 'DEPOSIT_MISMATCH' });
    await expect(deposits.get(randomUUID())).rejects.toMatchObject({ code: 'DEPOSIT_NOT_FOUND' });
    await settle();
  });

  it('the ledger: every transaction sums to zero, agrees with the deposits, and the database enforces both', async () => {
    await settle();
    expect(await ds.query(`SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING sum(amount_fen) <> 0 OR count(*) < 2`)).toEqual([]);
    expect(await ds.query(`SELECT idempotency_key FROM ledger_entries GROUP BY idempotency_key HAVING count(DISTINCT transaction_id) > 1`)).toEqual([]);
    const [sums] = (await ds.query(
      `SELECT coalesce(sum(amount_fen) FILTER (WHERE status = 'held'), 0)::text AS held,
              coalesce(sum(captured_fen) FILTER (WHERE status = 'forfeited'), 0)::text AS forfeited,
              coalesce(sum(captured_fen) FILTER (WHERE status = 'captured'), 0)::text AS applied
       FROM deposits`,
    )) as { held: string; forfeited: string; applied: string }[];
    const balances = await ledger.balances();
    expect(balances['platform:deposits_held']).toBe(BigInt(sums.held));
    expect(balances['platform:forfeits']).toBe(BigInt(sums.forfeited));
    const applied = Object.entries(balances)
      .filter(([a]) => a.endsWith(':deposits_applied'))
      .reduce((s, [, v]) => s + v, 0n);
    expect(applied).toBe(BigInt(sums.applied));
    expect(Object.values(balances).reduce((s, v) => s + v, 0n)).toBe(0n);

    // one organisation's full story: held and captured, held and released, held and forfeited
    const org = await enterprise();
    const a = await deposits.hold(holdInput(org, 100_000n));
    const b = await deposits.hold(holdInput(org, 200_000n));
    const c = await deposits.hold(holdInput(org, 400_000n));
    await deposits.capture(a.id);
    await deposits.release(b.id);
    await deposits.forfeit(c.id);
    expect(await ledger.balances(`org:${org}:`)).toEqual({ [`org:${org}:cash`]: -500_000n, [`org:${org}:deposits_applied`]: 100_000n });
    await settle();

    const unbalanced = ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO ledger_entries (transaction_id, account, amount_fen, idempotency_key) VALUES ($1, 'platform:revenue', 100, 'test:unbalanced')`,
        [randomUUID()],
      );
    });
    await expect(unbalanced).rejects.toThrow(/does not balance/);
    const [row] = (await ds.query(`SELECT id FROM ledger_entries LIMIT 1`)) as { id: string }[];
    await expect(ds.query(`UPDATE ledger_entries SET amount_fen = 1 WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM ledger_entries WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    const tx = randomUUID();
    const twice = ds.query(
      `INSERT INTO ledger_entries (transaction_id, account, amount_fen, idempotency_key) VALUES ($1, 'platform:deposits_held', -5, $2), ($1, $3, 5, $2)`,
      [tx, `deposit:${a.id}:captured`, `org:${org}:deposits_applied`],
    );
    await expect(twice).rejects.toThrow(/ledger_entries_idempotency_key|duplicate key/);
  });
});
