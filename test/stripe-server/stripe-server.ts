import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { FormObject, FormParseError, FormValue, parseForm } from './form';

/*
 * A local server speaking the subset of Stripe's HTTP API that 浙江拍 uses (see README.md beside
 * this file), so that tests and the demo drive the real `stripe` SDK without the internet:
 * PaymentIntents (create / retrieve / confirm / capture / cancel), refunds and events, with
 * Stripe's idempotency keys, error shapes and signed webhooks. State lives in memory.
 */

export interface StripeServerOptions {
  port?: number;
  host?: string;
  /** Where events are POSTed; none are delivered while it is unset. */
  webhookUrl?: string;
  /** Signs deliveries (`Stripe-Signature`), with the SDK's own helper. */
  webhookSecret: string;
  /** When set, the bearer key must equal it; otherwise any sk_test_/rk_test_ key is accepted. */
  secretKey?: string;
  /** Test hook: deliver every event twice. */
  duplicateDeliveries?: boolean;
  /** Attempts per delivery (first try included) while the endpoint answers non-2xx or is unreachable. */
  webhookAttempts?: number;
  /** Delay before the first retry; doubles each time. */
  webhookRetryDelayMs?: number;
}

type PaymentIntentStatus =
  'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'requires_capture' | 'succeeded' | 'canceled';

export interface PaymentIntentObject {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  capture_method: 'automatic' | 'manual';
  confirmation_method: 'automatic';
  status: PaymentIntentStatus;
  payment_method: string | null;
  /** As requested (API 2026-10-28 and later: `allowed_payment_method_types`); null when not given. */
  allowed_payment_method_types: string[] | null;
  payment_method_types: string[];
  latest_charge: string | null;
  metadata: Record<string, string>;
  description: string | null;
  livemode: false;
  created: number;
  canceled_at: number | null;
  cancellation_reason: string | null;
  last_payment_error: Record<string, unknown> | null;
  client_secret: string;
}

interface ChargeObject {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  refunded: boolean;
  paid: boolean;
  status: 'succeeded' | 'failed';
  currency: string;
  payment_intent: string;
  payment_method: string;
  failure_code: string | null;
  failure_message: string | null;
  metadata: Record<string, string>;
  livemode: false;
  created: number;
}

interface RefundObject {
  id: string;
  object: 'refund';
  amount: number;
  charge: string;
  payment_intent: string;
  currency: string;
  status: 'succeeded';
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface StripeEventObject {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  idempotencyKey: string | null;
  status: number;
  replayed: boolean;
  dropped: boolean;
}

export interface DeliveryLogEntry {
  eventId: string;
  type: string;
  attempt: number;
  /** HTTP status, or 0 when the endpoint could not be reached. */
  status: number;
}

export interface StripeServer {
  url: string;
  port: number;
  /** Every event created, oldest first. */
  events: StripeEventObject[];
  requests: RequestLogEntry[];
  deliveries: DeliveryLogEntry[];
  close(): Promise<void>;
  setWebhookUrl(url: string | undefined): void;
  paymentIntent(id: string): PaymentIntentObject | undefined;
  paymentIntents(): PaymentIntentObject[];
  /** Fault injection: the next `count` matching requests are processed, then the connection is cut before the response. */
  dropResponses(count: number, match?: { method?: string; path?: string | RegExp }): void;
  setDuplicateDeliveries(on: boolean): void;
  /** Queue deliveries instead of sending them… */
  pauseDeliveries(): void;
  /** …then send what was queued, in creation order or reversed (out-of-order delivery). */
  resumeDeliveries(options?: { order?: 'created' | 'reverse' }): void;
  /** Sends one event again now (a duplicate delivery); resolves with the endpoint's status. */
  redeliver(eventId: string): Promise<number>;
  /** Resolves when nothing is queued, in flight or waiting for a retry. */
  idle(timeoutMs?: number): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: { code?: string; param?: string; decline_code?: string; payment_intent?: unknown; charge?: string; [k: string]: unknown } = {},
  ) {
    super(message);
  }

  body(): { error: Record<string, unknown> } {
    return { error: { type: this.type, message: this.message, ...this.extra } };
  }
}

const invalid = (message: string, extra: ApiError['extra'] = {}) => new ApiError(400, 'invalid_request_error', message, extra);

/** The SDK's test payment methods we honour; anything else is "No such PaymentMethod". */
const PAYMENT_METHODS: Record<string, { type: string; decline?: { code: string; decline_code: string; message: string } }> = {
  pm_card_visa: { type: 'card' },
  pm_card_mastercard: { type: 'card' },
  pm_card_unionpay: { type: 'card' },
  pm_card_alipay: { type: 'alipay' },
  pm_card_wechat: { type: 'wechat_pay' },
  pm_card_chargeDeclined: { type: 'card', decline: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } },
  pm_card_chargeDeclinedInsufficientFunds: {
    type: 'card',
    decline: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  },
};
const DEFAULT_PAYMENT_METHOD_TYPES = ['card', 'alipay', 'wechat_pay'];
const CANCELLATION_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'];
const CANCELLABLE: PaymentIntentStatus[] = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];
/** Stripe's ceiling for one amount in a two-decimal currency: eight digits (¥999,999.99). */
const MAX_AMOUNT = 99_999_999;

const newObjectId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

function str(params: FormObject, name: string, required = false): string | undefined {
  const v = params[name];
  if (v === undefined || v === '') {
    if (required) throw invalid(`Missing required param: ${name}.`, { code: 'parameter_missing', param: name });
    return undefined;
  }
  if (typeof v !== 'string') throw invalid(`Invalid ${name}: must be a string`, { code: 'parameter_invalid_string', param: name });
  return v;
}

function int(params: FormObject, name: string, required = false): number | undefined {
  const v = str(params, name, required);
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v)) throw invalid(`Invalid integer: ${v}`, { code: 'parameter_invalid_integer', param: name });
  return Number(v);
}

function bool(params: FormObject, name: string): boolean | undefined {
  const v = str(params, name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw invalid(`Invalid boolean: ${v}`, { code: 'parameter_invalid_boolean', param: name });
  return v === 'true';
}

function metadata(params: FormObject, current: Record<string, string> = {}): Record<string, string> {
  const v: FormValue | undefined = params.metadata;
  if (v === undefined) return current;
  if (v === '') return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid('Invalid metadata: must be a hash', { code: 'parameter_invalid_string', param: 'metadata' });
  const out = { ...current };
  for (const [key, value] of Object.entries(v)) {
    if (typeof value !== 'string') throw invalid(`Invalid metadata[${key}]`, { param: `metadata[${key}]` });
    if (key.length > 40 || value.length > 500)
      throw invalid(`Invalid metadata[${key}]: keys up to 40 characters, values up to 500`, { param: `metadata[${key}]` });
    if (value === '') delete out[key];
    else out[key] = value;
  }
  if (Object.keys(out).length > 50) throw invalid('Metadata may have at most 50 keys', { param: 'metadata' });
  return out;
}

function stringArray(params: FormObject, name: string): string[] | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalid(`Invalid array: ${name}`, { param: name });
  return v as string[];
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1_000_000) reject(invalid('Request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startStripeServer(options: StripeServerOptions): Promise<StripeServer> {
  const paymentIntents = new Map<string, PaymentIntentObject>();
  const charges = new Map<string, ChargeObject>();
  const refunds = new Map<string, RefundObject>();
  const events: StripeEventObject[] = [];
  const eventsById = new Map<string, StripeEventObject>();
  const idempotent = new Map<string, { fingerprint: string; status: number; body: string }>();
  const requests: RequestLogEntry[] = [];
  const deliveries: DeliveryLogEntry[] = [];
  const drops: { count: number; method?: string; path?: string | RegExp }[] = [];

  let webhookUrl = options.webhookUrl;
  let duplicateDeliveries = options.duplicateDeliveries ?? false;
  const attempts = options.webhookAttempts ?? 4;
  const retryDelayMs = options.webhookRetryDelayMs ?? 100;

  // ---- webhooks -------------------------------------------------------------------------
  const queue: StripeEventObject[] = [];
  let paused = false;
  let pumping = false;
  let waitingRetries = 0;
  let inFlight = 0;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  async function post(event: StripeEventObject): Promise<number> {
    const url = webhookUrl;
    if (!url) return 0;
    // Stripe sends pretty-printed JSON: a receiver that re-serialises the parsed body, instead of
    // verifying the raw bytes, fails the signature check here just as it would in production.
    const payload = JSON.stringify(event, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret });
    inFlight++;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    } finally {
      inFlight--;
    }
  }

  async function deliver(event: StripeEventObject, attempt: number): Promise<void> {
    if (closed) return;
    const status = await post(event);
    deliveries.push({ eventId: event.id, type: event.type, attempt, status });
    if ((status < 200 || status >= 300) && attempt < attempts && !closed) {
      waitingRetries++;
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          waitingRetries--;
          void deliver(event, attempt + 1);
        },
        retryDelayMs * 2 ** (attempt - 1),
      );
      timers.add(timer);
    }
  }

  function pump(): void {
    if (pumping || paused || closed) return;
    pumping = true;
    void (async () => {
      try {
        while (!paused && !closed && queue.length > 0) await deliver(queue.shift()!, 1);
      } finally {
        pumping = false;
      }
    })();
  }

  function emit(type: string, object: object, request: { id: string | null; idempotency_key: string | null }): void {
    const event: StripeEventObject = {
      id: newObjectId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: nowSeconds(),
      data: { object: structuredClone(object) as Record<string, unknown> },
      livemode: false,
      pending_webhooks: webhookUrl ? 1 : 0,
      request,
      type,
    };
    events.push(event);
    eventsById.set(event.id, event);
    if (!webhookUrl) return;
    queue.push(event);
    if (duplicateDeliveries) queue.push(event);
    setImmediate(pump);
  }

  // ---- PaymentIntents ---------------------------------------------------------------------
  type Ctx = { requestId: string; idempotencyKey: string | null };
  const req = (ctx: Ctx) => ({ id: ctx.requestId, idempotency_key: ctx.idempotencyKey });

  function findIntent(id: string): PaymentIntentObject {
    const pi = paymentIntents.get(id);
    if (!pi) throw new ApiError(404, 'invalid_request_error', `No such payment_intent: '${id}'`, { code: 'resource_missing', param: 'intent' });
    return pi;
  }

  function unexpectedState(pi: PaymentIntentObject, action: string, allowed: string[]): ApiError {
    return invalid(
      `You cannot ${action} this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be ${action === 'capture' ? 'captured' : `${action}ed`}: ${allowed.join(', ')}.`,
      {
        code: 'payment_intent_unexpected_state',
        payment_intent: structuredClone(pi),
      },
    );
  }

  /** Confirms with a test payment method: authorises (manual capture), charges (automatic) or declines (402). */
  function confirm(pi: PaymentIntentObject, paymentMethod: string, ctx: Ctx): void {
    const method = PAYMENT_METHODS[paymentMethod];
    if (!method) throw invalid(`No such PaymentMethod: '${paymentMethod}'`, { code: 'resource_missing', param: 'payment_method' });
    if (!pi.payment_method_types.includes(method.type)) {
      throw invalid(
        `The PaymentMethod provided (${method.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${pi.payment_method_types.join(', ')}.`,
        {
          code: 'payment_intent_incompatible_payment_method',
          param: 'payment_method',
        },
      );
    }
    const charge: ChargeObject = {
      id: newObjectId('ch'),
      object: 'charge',
      amount: pi.amount,
      amount_captured: 0,
      amount_refunded: 0,
      captured: false,
      refunded: false,
      paid: false,
      status: 'failed',
      currency: pi.currency,
      payment_intent: pi.id,
      payment_method: paymentMethod,
      failure_code: null,
      failure_message: null,
      metadata: {},
      livemode: false,
      created: nowSeconds(),
    };
    charges.set(charge.id, charge);
    pi.latest_charge = charge.id;

    if (method.decline) {
      charge.failure_code = method.decline.code;
      charge.failure_message = method.decline.message;
      pi.status = 'requires_payment_method';
      pi.payment_method = null;
      pi.last_payment_error = {
        type: 'card_error',
        code: method.decline.code,
        decline_code: method.decline.decline_code,
        message: method.decline.message,
        charge: charge.id,
        payment_method: { id: paymentMethod, object: 'payment_method', type: method.type },
      };
      emit('payment_intent.payment_failed', pi, req(ctx));
      throw new ApiError(402, 'card_error', method.decline.message, {
        code: method.decline.code,
        decline_code: method.decline.decline_code,
        charge: charge.id,
        payment_intent: structuredClone(pi),
        payment_method: { id: paymentMethod, object: 'payment_method', type: method.type },
      });
    }

    charge.status = 'succeeded';
    charge.paid = true;
    pi.payment_method = paymentMethod;
    pi.last_payment_error = null;
    if (pi.capture_method === 'manual') {
      pi.status = 'requires_capture';
      pi.amount_capturable = pi.amount;
      emit('payment_intent.amount_capturable_updated', pi, req(ctx));
    } else {
      charge.captured = true;
      charge.amount_captured = pi.amount;
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
      emit('payment_intent.succeeded', pi, req(ctx));
    }
  }

  function createIntent(params: FormObject, ctx: Ctx): PaymentIntentObject {
    const amount = int(params, 'amount', true)!;
    if (amount < 1) throw invalid('This value must be greater than or equal to 1.', { code: 'parameter_invalid_integer', param: 'amount' });
    if (amount > MAX_AMOUNT) throw invalid('Amount must be no more than ¥999,999.99', { code: 'amount_too_large', param: 'amount' });
    const currency = str(params, 'currency', true)!.toLowerCase();
    if (currency !== 'cny')
      throw invalid(`Invalid currency: ${currency}. This test server supports cny only.`, { code: 'parameter_invalid_string', param: 'currency' });
    const captureMethod = str(params, 'capture_method') ?? 'automatic';
    if (captureMethod !== 'automatic' && captureMethod !== 'manual') {
      throw invalid(`Invalid capture_method: must be one of automatic, manual`, { code: 'parameter_invalid_string', param: 'capture_method' });
    }
    // The SDK's current API version sends allowed_payment_method_types[]; older ones payment_method_types[].
    const allowed = stringArray(params, 'allowed_payment_method_types') ?? stringArray(params, 'payment_method_types') ?? null;
    const types = allowed ?? DEFAULT_PAYMENT_METHOD_TYPES;
    const paymentMethod = str(params, 'payment_method');
    const shouldConfirm = bool(params, 'confirm') ?? false;
    if (shouldConfirm && !paymentMethod) {
      throw invalid('You cannot confirm this PaymentIntent because it’s missing a payment method.', {
        code: 'payment_intent_unexpected_state',
        param: 'payment_method',
      });
    }
    const id = newObjectId('pi');
    const pi: PaymentIntentObject = {
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      currency,
      capture_method: captureMethod,
      confirmation_method: 'automatic',
      status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
      payment_method: paymentMethod ?? null,
      allowed_payment_method_types: allowed,
      payment_method_types: types,
      latest_charge: null,
      metadata: metadata(params),
      description: str(params, 'description') ?? null,
      livemode: false,
      created: nowSeconds(),
      canceled_at: null,
      cancellation_reason: null,
      last_payment_error: null,
      client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
    };
    paymentIntents.set(id, pi);
    emit('payment_intent.created', pi, req(ctx));
    if (shouldConfirm) confirm(pi, paymentMethod!, ctx);
    return pi;
  }

  function confirmIntent(pi: PaymentIntentObject, params: FormObject, ctx: Ctx): PaymentIntentObject {
    const allowed: PaymentIntentStatus[] = ['requires_payment_method', 'requires_confirmation'];
    if (!allowed.includes(pi.status)) throw unexpectedState(pi, 'confirm', allowed);
    const paymentMethod = str(params, 'payment_method') ?? pi.payment_method;
    if (!paymentMethod)
      throw invalid('You cannot confirm this PaymentIntent because it’s missing a payment method.', {
        code: 'payment_intent_unexpected_state',
        param: 'payment_method',
      });
    confirm(pi, paymentMethod, ctx);
    return pi;
  }

  function captureIntent(pi: PaymentIntentObject, params: FormObject, ctx: Ctx): PaymentIntentObject {
    if (pi.status !== 'requires_capture') throw unexpectedState(pi, 'capture', ['requires_capture']);
    const amount = int(params, 'amount_to_capture') ?? pi.amount_capturable;
    if (amount < 1) throw invalid('amount_to_capture must be at least 1', { code: 'parameter_invalid_integer', param: 'amount_to_capture' });
    if (amount > pi.amount_capturable) {
      throw invalid(`The amount to capture (${amount}) must be less than or equal to the amount capturable (${pi.amount_capturable}).`, {
        code: 'amount_too_large',
        param: 'amount_to_capture',
      });
    }
    pi.metadata = metadata(params, pi.metadata);
    const charge = charges.get(pi.latest_charge!)!;
    charge.captured = true;
    charge.amount_captured = amount;
    pi.amount_received = amount;
    pi.amount_capturable = 0; // a partial capture releases the rest
    pi.status = 'succeeded';
    emit('payment_intent.succeeded', pi, req(ctx));
    return pi;
  }

  function cancelIntent(pi: PaymentIntentObject, params: FormObject, ctx: Ctx): PaymentIntentObject {
    if (!CANCELLABLE.includes(pi.status)) throw unexpectedState(pi, 'cancel', CANCELLABLE);
    const reason = str(params, 'cancellation_reason');
    if (reason && !CANCELLATION_REASONS.includes(reason)) {
      throw invalid(`Invalid cancellation_reason: must be one of ${CANCELLATION_REASONS.join(', ')}`, {
        code: 'parameter_invalid_string',
        param: 'cancellation_reason',
      });
    }
    pi.status = 'canceled';
    pi.amount_capturable = 0;
    pi.canceled_at = nowSeconds();
    pi.cancellation_reason = reason ?? null;
    emit('payment_intent.canceled', pi, req(ctx));
    return pi;
  }

  function createRefund(params: FormObject, ctx: Ctx): RefundObject {
    const piId = str(params, 'payment_intent');
    const chargeId = str(params, 'charge');
    if (!piId && !chargeId)
      throw invalid('One of the following params should be provided for this request: payment_intent or charge.', {
        code: 'parameter_missing',
        param: 'payment_intent',
      });
    const pi = piId ? findIntent(piId) : undefined;
    const charge = chargeId ? charges.get(chargeId) : pi?.latest_charge ? charges.get(pi.latest_charge) : undefined;
    if (chargeId && !charge) throw new ApiError(404, 'invalid_request_error', `No such charge: '${chargeId}'`, { code: 'resource_missing', param: 'charge' });
    if (!charge || !charge.captured) {
      throw invalid(`This PaymentIntent does not have a successful charge to refund.`, {
        code: 'charge_not_refundable',
        param: piId ? 'payment_intent' : 'charge',
      });
    }
    const refundable = charge.amount_captured - charge.amount_refunded;
    if (refundable === 0) throw invalid(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded', charge: charge.id });
    const amount = int(params, 'amount') ?? refundable;
    if (amount < 1) throw invalid('amount must be at least 1', { code: 'parameter_invalid_integer', param: 'amount' });
    if (amount > refundable) {
      throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${refundable})`, { code: 'amount_too_large', param: 'amount' });
    }
    const reason = str(params, 'reason') ?? null;
    if (reason && !['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason)) throw invalid(`Invalid reason: ${reason}`, { param: 'reason' });
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    const refund: RefundObject = {
      id: newObjectId('re'),
      object: 'refund',
      amount,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      currency: charge.currency,
      status: 'succeeded',
      reason,
      metadata: metadata(params),
      created: nowSeconds(),
    };
    refunds.set(refund.id, refund);
    emit('charge.refunded', charge, req(ctx));
    return refund;
  }

  function route(method: string, path: string, params: FormObject, ctx: Ctx): { status: number; body: unknown } {
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/payment_intents') return { status: 200, body: createIntent(params, ctx) };
    if ((m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path)) && method === 'GET') return { status: 200, body: findIntent(m[1]) };
    if ((m = /^\/v1\/payment_intents\/([^/]+)\/(confirm|capture|cancel)$/.exec(path)) && method === 'POST') {
      const pi = findIntent(m[1]);
      const action = { confirm: confirmIntent, capture: captureIntent, cancel: cancelIntent }[m[2] as 'confirm' | 'capture' | 'cancel'];
      return { status: 200, body: action(pi, params, ctx) };
    }
    if (method === 'POST' && path === '/v1/refunds') return { status: 200, body: createRefund(params, ctx) };
    if ((m = /^\/v1\/refunds\/([^/]+)$/.exec(path)) && method === 'GET') {
      const refund = refunds.get(m[1]);
      if (!refund) throw new ApiError(404, 'invalid_request_error', `No such refund: '${m[1]}'`, { code: 'resource_missing', param: 'id' });
      return { status: 200, body: refund };
    }
    if ((m = /^\/v1\/events\/([^/]+)$/.exec(path)) && method === 'GET') {
      const event = eventsById.get(m[1]);
      if (!event) throw new ApiError(404, 'invalid_request_error', `No such event: '${m[1]}'`, { code: 'resource_missing', param: 'id' });
      return { status: 200, body: event };
    }
    throw new ApiError(
      404,
      'invalid_request_error',
      `Unrecognized request URL (${method}: ${path}). This test server implements only part of Stripe's API: see test/stripe-server/README.md.`,
    );
  }

  // ---- HTTP -------------------------------------------------------------------------------
  function takeDrop(method: string, path: string): boolean {
    const i = drops.findIndex(
      (d) => d.count > 0 && (!d.method || d.method === method) && (!d.path || (typeof d.path === 'string' ? d.path === path : d.path.test(path))),
    );
    if (i < 0) return false;
    drops[i].count--;
    return true;
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const requestId = newObjectId('req');
    const header = (name: string) => {
      const v = request.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const idempotencyKey = method === 'POST' ? (header('idempotency-key') ?? null) : null;
    const log: RequestLogEntry = { method, path, idempotencyKey, status: 0, replayed: false, dropped: false };
    requests.push(log);

    const send = (status: number, body: string, replayed = false) => {
      log.status = status;
      log.replayed = replayed;
      if (takeDrop(method, path)) {
        log.dropped = true;
        request.socket.destroy();
        return;
      }
      response.writeHead(status, {
        'content-type': 'application/json',
        'request-id': requestId,
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
        'stripe-version': header('stripe-version') ?? Stripe.API_VERSION,
      });
      response.end(body);
    };

    let raw: string;
    try {
      raw = await readBody(request);
    } catch (err) {
      const e = err instanceof ApiError ? err : invalid('Could not read the request body');
      return send(e.status, JSON.stringify(e.body()));
    }

    const auth = header('authorization');
    if (!auth) {
      const e = new ApiError(
        401,
        'invalid_request_error',
        'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth.',
      );
      return send(401, JSON.stringify(e.body()));
    }
    const key = /^Bearer ((?:sk|rk)_test_\w+)$/.exec(auth)?.[1];
    if (!key || (options.secretKey && key !== options.secretKey)) {
      const e = new ApiError(401, 'invalid_request_error', `Invalid API Key provided: ${auth.replace(/^Bearer /, '').slice(0, 12)}…`, {
        code: 'api_key_invalid',
      });
      return send(401, JSON.stringify(e.body()));
    }

    const scopedKey = idempotencyKey ? `${key}\u0000${idempotencyKey}` : null;
    const fingerprint = createHash('sha256').update(`${method} ${path}\n${raw}`).digest('hex');
    if (scopedKey) {
      const seen = idempotent.get(scopedKey);
      if (seen && seen.fingerprint !== fingerprint) {
        const e = new ApiError(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        );
        return send(400, JSON.stringify(e.body()));
      }
      if (seen) return send(seen.status, seen.body, true);
    }

    const ctx: Ctx = { requestId, idempotencyKey };
    let status: number;
    let body: string;
    let cache = true;
    try {
      const params = method === 'GET' ? parseForm(url.search.slice(1)) : parseForm(raw);
      const result = route(method, path, params, ctx);
      status = result.status;
      body = JSON.stringify(result.body);
    } catch (err) {
      const e =
        err instanceof ApiError
          ? err
          : err instanceof FormParseError
            ? invalid(err.message, err.param ? { param: err.param } : {})
            : new ApiError(500, 'api_error', 'Internal error in the test server');
      if (!(e instanceof ApiError) || e.status >= 500) process.stderr.write(`stripe-server: ${err instanceof Error ? err.stack : String(err)}\n`);
      status = e.status;
      body = JSON.stringify(e.body());
      // Like Stripe: a request that failed validation before doing anything stores no result; one
      // that ran (a decline changed the PaymentIntent) stores its outcome for replays.
      cache = e.status === 402;
    }
    if (scopedKey && cache) idempotent.set(scopedKey, { fingerprint, status, body });
    send(status, body);
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((err: unknown) => {
      process.stderr.write(`stripe-server: ${err instanceof Error ? err.stack : String(err)}\n`);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    events,
    requests,
    deliveries,
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    paymentIntent: (id) => paymentIntents.get(id),
    paymentIntents: () => [...paymentIntents.values()],
    dropResponses(count, match = {}) {
      drops.push({ count, ...match });
    },
    setDuplicateDeliveries(on) {
      duplicateDeliveries = on;
    },
    pauseDeliveries() {
      paused = true;
    },
    resumeDeliveries({ order = 'created' } = {}) {
      if (order === 'reverse') queue.reverse();
      paused = false;
      pump();
    },
    async redeliver(eventId) {
      const event = eventsById.get(eventId);
      if (!event) throw new Error(`no such event ${eventId}`);
      const status = await post(event);
      deliveries.push({ eventId, type: event.type, attempt: 0, status });
      return status;
    },
    async idle(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      // setImmediate-scheduled pumps start on the next turn: check twice in a row to be sure.
      let quietTurns = 0;
      while (quietTurns < 2) {
        const quiet = (paused || queue.length === 0) && !pumping && inFlight === 0 && waitingRetries === 0;
        quietTurns = quiet ? quietTurns + 1 : 0;
        if (Date.now() > deadline) throw new Error('stripe-server: webhook deliveries did not settle');
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
