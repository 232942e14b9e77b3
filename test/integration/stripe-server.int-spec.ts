import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { FormParseError, parseForm } from '../stripe-server/form';
import { startStripeServer, StripeServer } from '../stripe-server/stripe-server';

// The test double of Stripe must itself be right: the SDK's own encoding, errors and signatures.
// (Its form parser is pure; its tests live here because the unit project covers apps/ and libs/ only.)

describe('stripe-server form parsing (bracket keys, as the SDK encodes them)', () => {
  it.each([
    ['amount=5000&currency=cny', { amount: '5000', currency: 'cny' }],
    ['metadata[lotId]=abc&metadata[depositId]=d-1', { metadata: { lotId: 'abc', depositId: 'd-1' } }],
    ['allowed_payment_method_types[0]=card&allowed_payment_method_types[1]=alipay', { allowed_payment_method_types: ['card', 'alipay'] }],
    ['expand[]=latest_charge&expand[]=payment_method', { expand: ['latest_charge', 'payment_method'] }],
    ['items[0][price]=p1&items[0][quantity]=2&items[1][price]=p2', { items: [{ price: 'p1', quantity: '2' }, { price: 'p2' }] }],
    ['description=%E4%BF%9D%E8%AF%81%E9%87%91+%E6%B5%99%E6%B1%9F%E6%8B%8D&x=a%26b%3Dc', { description: '保证金 浙江拍', x: 'a&b=c' }],
    ['metadata=', { metadata: '' }],
    ['', {}],
    ['a&b=', { a: '', b: '' }],
  ])('%s', (body, expected) => {
    expect(parseForm(body)).toEqual(expected);
  });

  it.each([
    ['bad percent encoding', 'a=%E4%BF'],
    ['unbalanced brackets', 'metadata[lotId=1'],
    ['an array and an object under one key', 'a[0]=x&a[k]=y'],
    ['a value and a hash under one key', 'metadata=x&metadata[k]=y'],
    ['prototype pollution', '__proto__[polluted]=1'],
    ['constructor keys', 'metadata[constructor][prototype]=1'],
  ])('refuses %s', (_what, body) => {
    expect(() => parseForm(body)).toThrow(FormParseError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('stripe-server speaks Stripe to the real SDK', () => {
  const secret = 'whsec_stripe_server_test';
  let server: StripeServer;
  let stripe: Stripe;
  let receiver: Server;
  const received: { body: string; signature: string }[] = [];
  let answer = 200;

  beforeAll(async () => {
    receiver = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['stripe-signature']) });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    server = await startStripeServer({
      webhookSecret: secret,
      webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      webhookRetryDelayMs: 20,
    });
    stripe = new Stripe('sk_test_server_test', { host: '127.0.0.1', port: server.port, protocol: 'http', maxNetworkRetries: 2 });
  });
  afterAll(async () => {
    await server.close();
    await new Promise((r) => receiver.close(r));
  });

  it('authorises, captures part and refunds, with signed webhooks for each change', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 50_000,
      currency: 'cny',
      capture_method: 'manual',
      confirm: true,
      payment_method: 'pm_card_visa',
      metadata: { lotId: 'lot-1' },
    });
    expect(pi).toMatchObject({
      object: 'payment_intent',
      status: 'requires_capture',
      amount_capturable: 50_000,
      amount_received: 0,
      livemode: false,
      metadata: { lotId: 'lot-1' },
    });
    expect(pi.id).toMatch(/^pi_/);
    expect(pi.latest_charge).toMatch(/^ch_/);

    await expect(stripe.paymentIntents.capture(pi.id, { amount_to_capture: 60_000 })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'amount_too_large',
      statusCode: 400,
    });
    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 30_000 });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 30_000, amount_capturable: 0 });

    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 30_001 })).rejects.toMatchObject({ code: 'amount_too_large' });
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 10_000 });
    expect(refund).toMatchObject({ object: 'refund', amount: 10_000, payment_intent: pi.id, status: 'succeeded' });
    expect(refund.id).toMatch(/^re_/);

    await server.idle();
    const types = received
      .map((r) => JSON.parse(r.body) as Stripe.Event)
      .filter(
        (e) =>
          (e.data.object as { id?: string; payment_intent?: string }).id === pi.id || (e.data.object as { payment_intent?: string }).payment_intent === pi.id,
      );
    expect(types.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'payment_intent.amount_capturable_updated',
      'payment_intent.succeeded',
      'charge.refunded',
    ]);
    for (const r of received) expect(stripe.webhooks.constructEvent(r.body, r.signature, secret).id).toMatch(/^evt_/);
    const last = types[3];
    expect(await stripe.events.retrieve(last.id)).toMatchObject({ id: last.id, type: 'charge.refunded' });
  });

  it('declines pm_card_chargeDeclined with 402 card_declined, leaving the PaymentIntent awaiting a payment method', async () => {
    const err = (await stripe.paymentIntents
      .create({ amount: 1_000, currency: 'cny', capture_method: 'manual', confirm: true, payment_method: 'pm_card_chargeDeclined' })
      .catch((e: unknown) => e)) as InstanceType<typeof Stripe.errors.StripeCardError>;
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
    expect(err.payment_intent).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'card_declined' } });
    const retried = await stripe.paymentIntents.confirm(err.payment_intent!.id, { payment_method: 'pm_card_visa' });
    expect(retried.status).toBe('requires_capture');
    const cancelled = await stripe.paymentIntents.cancel(retried.id);
    expect(cancelled).toMatchObject({ status: 'canceled', amount_capturable: 0 });
    await expect(stripe.paymentIntents.capture(retried.id)).rejects.toMatchObject({ code: 'payment_intent_unexpected_state' });
  });

  it('honours Idempotency-Key: same body → the same answer, replayed; another body → 400 idempotency_error', async () => {
    const params = { amount: 2_000, currency: 'cny', payment_method: 'pm_card_alipay', confirm: true } as const;
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'same-key-1' });
    const again = await stripe.paymentIntents.create(params, { idempotencyKey: 'same-key-1' });
    expect(again.id).toBe(first.id);
    expect(first.status).toBe('succeeded'); // automatic capture
    expect(server.requests.filter((r) => r.idempotencyKey === 'same-key-1').map((r) => r.replayed)).toEqual([false, true]);
    await expect(stripe.paymentIntents.create({ ...params, amount: 2_001 }, { idempotencyKey: 'same-key-1' })).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
      statusCode: 400,
    });
  });

  it('replays the stored answer when the SDK retries after a dropped response', async () => {
    const before = server.paymentIntents().length;
    server.dropResponses(1, { method: 'POST', path: '/v1/payment_intents' });
    const pi = await stripe.paymentIntents.create(
      { amount: 3_000, currency: 'cny', payment_method: 'pm_card_wechat', confirm: true },
      { idempotencyKey: 'dropped-once' },
    );
    expect(pi.status).toBe('succeeded');
    expect(server.paymentIntents().length).toBe(before + 1);
    expect(server.requests.filter((r) => r.idempotencyKey === 'dropped-once').map((r) => [r.dropped, r.replayed])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('answers Stripe-shaped errors: 401 without a key, 404 for unknown objects and routes', async () => {
    const res = await fetch(`${server.url}/v1/payment_intents`, { method: 'POST' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    await expect(stripe.paymentIntents.retrieve('pi_missing')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    await expect(stripe.customers.create({})).rejects.toMatchObject({ statusCode: 404 });
    await expect(stripe.paymentIntents.create({ amount: 1, currency: 'cny', payment_method: 'pm_card_nope', confirm: true })).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'payment_method',
    });
  });

  it('retries a delivery the endpoint refused, and can deliver an event twice on request', async () => {
    answer = 500;
    received.length = 0;
    const pi = await stripe.paymentIntents.create({ amount: 4_000, currency: 'cny', capture_method: 'manual', payment_method: 'pm_card_visa', confirm: true });
    // the endpoint answers 200 again only once the first delivery was refused (not after a fixed pause, which a busy machine outlasts)
    const refused = () =>
      server.deliveries.some(
        (d) =>
          d.status === 500 &&
          server.events.some((e) => e.id === d.eventId && e.type === 'payment_intent.amount_capturable_updated' && e.data.object.id === pi.id),
      );
    for (let waited = 0; !refused(); waited += 10) {
      if (waited > 10_000) throw new Error('the first delivery was never attempted');
      await new Promise((r) => setTimeout(r, 10));
    }
    answer = 200;
    await server.idle();
    const event = server.events.find((e) => e.type === 'payment_intent.amount_capturable_updated' && e.data.object.id === pi.id)!;
    const attempts = server.deliveries.filter((d) => d.eventId === event.id);
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts.at(-1)!.status).toBe(200);
    expect(await server.redeliver(event.id)).toBe(200);
    expect(received.filter((r) => (JSON.parse(r.body) as { id: string }).id === event.id).length).toBe(attempts.length + 1);
  });
});
