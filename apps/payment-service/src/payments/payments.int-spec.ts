import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthorizePayment, type EventEnvelope, idempotencyKeyReused, isRefusal, type Money, testPaymentTokens } from '@meshmart/contracts';
import { openDataSource } from '@meshmart/persistence';
import { type StackEndpoints, dropDatabases } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { entities, migrations } from '../data';
import { DeterministicPaymentProvider, referenceFor } from '../provider/deterministic-payment-provider';
import type { PaymentProvider, ProviderAuthorizationDecision, ProviderAuthorizationRequest } from '../provider/payment-provider';
import { type AuthorizeOutcome, PaymentsService } from './payments.service';

/** A real PaymentProvider in front of the deterministic one: counts the calls the PSP would see. */
class CountingPaymentProvider implements PaymentProvider {
  readonly calls = { authorize: 0, capture: 0, void: 0, refund: 0 };

  constructor(
    private readonly inner: PaymentProvider,
    /** Keeps each authorization open a while, so racing callers really overlap it. */
    private readonly latencyMs = 0,
  ) {}

  async authorize(request: ProviderAuthorizationRequest): Promise<ProviderAuthorizationDecision> {
    this.calls.authorize++;
    await sleep(this.latencyMs);
    return this.inner.authorize(request);
  }

  async capture(reference: string, amount: Money): Promise<void> {
    this.calls.capture++;
    await sleep(this.latencyMs);
    await this.inner.capture(reference, amount);
  }

  async void(reference: string): Promise<void> {
    this.calls.void++;
    await this.inner.void(reference);
  }

  async refund(reference: string, amount: Money): Promise<void> {
    this.calls.refund++;
    await this.inner.refund(reference, amount);
  }
}

const database = `meshmart_payment_${randomBytes(4).toString('hex')}`;
let stack: StackEndpoints;
// Two DataSources on one database: two instances of the service, as two processes would have.
let dataSources: [DataSource, DataSource];

/** Two service instances sharing one provider (one PSP), each with its own pool. */
function instances(latencyMs = 0, inner: PaymentProvider = new DeterministicPaymentProvider({ timeoutMs: 50 })) {
  const provider = new CountingPaymentProvider(inner, latencyMs);
  const nudges = { count: 0 };
  const relay = { nudge: () => void nudges.count++ };
  const services = [new PaymentsService(dataSources[0], provider, relay), new PaymentsService(dataSources[1], provider, relay)] as const;
  return { provider, nudges, services, first: services[0] };
}

function authorizeRequest(paymentToken: string = testPaymentTokens.approve, amountMinor = 4_200): AuthorizePayment {
  return { orderId: randomUUID(), amount: { amountMinor, currency: 'EUR' }, paymentToken };
}

function paymentOf(outcome: AuthorizeOutcome) {
  if (isRefusal(outcome)) throw new Error('expected a payment');
  return outcome.value;
}

/** The outbox rows about one order, oldest first (no relay runs here, so they all stay). */
async function outboxEvents(orderId: string): Promise<EventEnvelope[]> {
  const rows = (await dataSources[0].query('SELECT payload FROM outbox WHERE key = $1 ORDER BY id', [orderId])) as { payload: EventEnvelope }[];
  return rows.map((row) => row.payload);
}

beforeAll(async () => {
  stack = await useStack();
  const open = () => openDataSource({ url: stack.postgres.url, database, entities, migrations, poolSize: 10 });
  dataSources = await Promise.all([open(), open()]);
});

afterAll(async () => {
  await Promise.all((dataSources ?? []).map((db) => db.destroy()));
  await dropDatabases(stack.postgres.url, [database]);
});

/** What refusing `action` on a payment in `status` answers. */
const notAllowed = (paymentId: string, status: string, action: string) => ({ refusal: 'invalid-payment-transition', paymentId, status, action });

describe('authorization, exactly once per idempotency key', () => {
  it('makes one payment and one provider authorization for 8 concurrent callers on two instances', async () => {
    const { provider, nudges, services } = instances(100);
    const key = `checkout:${randomUUID()}`;
    const request = authorizeRequest();
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => services[i % 2 === 0 ? 0 : 1].authorize(key, request)));

    expect(provider.calls.authorize).toBe(1);
    expect(outcomes.filter((outcome) => !isRefusal(outcome) && !outcome.replayed)).toHaveLength(1);
    expect(outcomes.filter((outcome) => !isRefusal(outcome) && outcome.replayed)).toHaveLength(7);
    const payments = outcomes.map(paymentOf);
    expect(new Set(payments.map((payment) => payment.id)).size).toBe(1);
    expect(new Set(payments.map((payment) => payment.status))).toEqual(new Set(['AUTHORIZED']));
    expect(payments[0]).toEqual({
      id: expect.any(String),
      orderId: request.orderId,
      status: 'AUTHORIZED',
      amount: request.amount,
      providerReference: referenceFor(key),
    });
    const rows = (await dataSources[1].query('SELECT count(*)::int AS count FROM payments WHERE idempotency_key = $1', [key])) as [{ count: number }];
    expect(rows[0].count).toBe(1);
    expect((await outboxEvents(request.orderId)).map((event) => event.type)).toEqual(['PaymentAuthorized']);
    expect(nudges.count).toBe(1);
  });

  it('answers a later repeat from the record without asking the provider again', async () => {
    const { provider, nudges, first, services } = instances();
    const key = randomUUID();
    const request = authorizeRequest();
    const created = await first.authorize(key, request);
    const repeat = await services[1].authorize(key, { ...request, amount: { ...request.amount } });
    expect(created).toMatchObject({ replayed: false });
    expect(repeat).toEqual({ value: paymentOf(created), replayed: true });
    expect(provider.calls.authorize).toBe(1);
    expect(nudges.count).toBe(1);
  });

  it('leaves nothing behind when the provider fails unexpectedly, so a retry starts afresh', async () => {
    class BrokenProvider extends DeterministicPaymentProvider {
      override authorize(): Promise<ProviderAuthorizationDecision> {
        return Promise.reject(new Error('PSP answered 500'));
      }
    }
    const broken = new BrokenProvider();
    const key = randomUUID();
    const request = authorizeRequest();
    await expect(instances(0, broken).first.authorize(key, request)).rejects.toThrow('PSP answered 500');
    expect(await instances().first.listByOrder(request.orderId)).toEqual([]);
    expect(await outboxEvents(request.orderId)).toEqual([]);

    const retry = await instances().first.authorize(key, request);
    expect(retry).toMatchObject({ value: { status: 'AUTHORIZED' }, replayed: false });
  });

  it('never stores the card token', async () => {
    const token = 'tok_secret4242abcd';
    const request = authorizeRequest(token);
    const { id } = paymentOf(await instances().first.authorize(randomUUID(), request));
    const [row] = (await dataSources[0].query('SELECT row_to_json(p)::text AS json, token_hint FROM payments p WHERE id = $1', [id])) as [
      { json: string; token_hint: string },
    ];
    expect(row.json).not.toContain('secret4242');
    expect(row.token_hint).toBe('tok_*');
    expect(JSON.stringify(await outboxEvents(request.orderId))).not.toContain('secret4242');
  });
});

describe('declined and timed-out authorizations', () => {
  it('records tok_declined as DECLINED (card_declined), announced once, and refuses to capture or refund it', async () => {
    const { first, provider } = instances();
    const request = authorizeRequest(testPaymentTokens.decline);
    const outcome = await first.authorize(randomUUID(), request);
    const payment = paymentOf(outcome);
    expect(outcome).toMatchObject({ replayed: false });
    expect(payment).toEqual({ id: payment.id, orderId: request.orderId, status: 'DECLINED', amount: request.amount, failureReason: 'card_declined' });

    expect(await first.capture(payment.id)).toEqual(notAllowed(payment.id, 'DECLINED', 'capture'));
    expect(await first.refund(payment.id)).toEqual(notAllowed(payment.id, 'DECLINED', 'refund'));
    // Compensation may void blindly: nothing was authorized, so nothing changes.
    expect(await first.void(payment.id)).toEqual(payment);
    expect(provider.calls).toMatchObject({ capture: 0, void: 0, refund: 0 });
    const events = await outboxEvents(request.orderId);
    expect(events.map((event) => [event.type, event.aggregateId, event.data])).toEqual([
      ['PaymentDeclined', request.orderId, { orderId: request.orderId, paymentId: payment.id, reason: 'card_declined' }],
    ]);
  });

  it('records tok_timeout as FAILED (provider_timeout) once the provider gives up, announced as declined', async () => {
    const { first } = instances();
    const request = authorizeRequest(testPaymentTokens.timeout);
    const payment = paymentOf(await first.authorize(randomUUID(), request));
    expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'provider_timeout' });
    expect(payment.providerReference).toBeUndefined();
    expect(await first.capture(payment.id)).toEqual(notAllowed(payment.id, 'FAILED', 'capture'));
    expect(await first.void(payment.id)).toEqual(payment);
    const events = await outboxEvents(request.orderId);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['PaymentDeclined', { orderId: request.orderId, paymentId: payment.id, reason: 'provider_timeout' }],
    ]);
  });

  it('stops waiting for a silent provider when the caller gives up', async () => {
    const { first } = instances(0, new DeterministicPaymentProvider({ timeoutMs: 60_000 }));
    const started = performance.now();
    const payment = paymentOf(await first.authorize(randomUUID(), authorizeRequest(testPaymentTokens.timeout), AbortSignal.timeout(50)));
    expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'provider_timeout' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('capture, void and refund', () => {
  it('captures, then refunds, each once however often asked; announces each once', async () => {
    const { first, services, provider, nudges } = instances();
    const request = authorizeRequest();
    const authorized = paymentOf(await first.authorize(randomUUID(), request));

    const captured = await Promise.all([first.capture(authorized.id), services[1].capture(authorized.id), first.capture(authorized.id)]);
    expect(captured).toEqual(Array.from({ length: 3 }, () => ({ ...authorized, status: 'CAPTURED' })));
    expect(await first.void(authorized.id)).toEqual(notAllowed(authorized.id, 'CAPTURED', 'void'));
    expect(await services[1].refund(authorized.id)).toEqual({ ...authorized, status: 'REFUNDED' });
    expect(await first.refund(authorized.id)).toEqual({ ...authorized, status: 'REFUNDED' });
    expect(await first.capture(authorized.id)).toEqual(notAllowed(authorized.id, 'REFUNDED', 'capture'));
    expect(await first.void(authorized.id)).toEqual(notAllowed(authorized.id, 'REFUNDED', 'void'));

    expect(provider.calls).toEqual({ authorize: 1, capture: 1, void: 0, refund: 1 });
    expect(await first.find(authorized.id)).toEqual({ ...authorized, status: 'REFUNDED' });
    // One event per change, however often the same change was asked for.
    const events = await outboxEvents(request.orderId);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['PaymentAuthorized', { orderId: request.orderId, paymentId: authorized.id, amount: request.amount }],
      ['PaymentCaptured', { orderId: request.orderId, paymentId: authorized.id, amount: request.amount }],
      ['PaymentRefunded', { orderId: request.orderId, paymentId: authorized.id, amount: request.amount }],
    ]);
    expect(nudges.count).toBe(3);
  });

  it('voids an authorization once, and then refuses to capture or refund it', async () => {
    const { first, services, provider } = instances();
    const request = authorizeRequest();
    const authorized = paymentOf(await first.authorize(randomUUID(), request));
    const voided = { ...authorized, status: 'VOIDED' };
    expect(await first.void(authorized.id)).toEqual(voided);
    expect(await services[1].void(authorized.id)).toEqual(voided);
    expect(await first.capture(authorized.id)).toEqual(notAllowed(authorized.id, 'VOIDED', 'capture'));
    expect(await first.refund(authorized.id)).toEqual(notAllowed(authorized.id, 'VOIDED', 'refund'));
    expect(provider.calls).toEqual({ authorize: 1, capture: 0, void: 1, refund: 0 });
    const events = await outboxEvents(request.orderId);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['PaymentAuthorized', { orderId: request.orderId, paymentId: authorized.id, amount: request.amount }],
      ['PaymentVoided', { orderId: request.orderId, paymentId: authorized.id }],
    ]);
  });

  it('answers unknown-payment for an id it does not know', async () => {
    const { first } = instances();
    const id = randomUUID();
    for (const outcome of [await first.capture(id), await first.void(id), await first.refund(id)])
      expect(outcome).toEqual({ refusal: 'unknown-payment', paymentId: id });
    expect(await first.find(id)).toBeUndefined();
  });

  it('lists the payments of an order, oldest first', async () => {
    const { first } = instances();
    const request = authorizeRequest(testPaymentTokens.decline);
    const declined = paymentOf(await first.authorize(randomUUID(), request));
    const approved = paymentOf(await first.authorize(randomUUID(), { ...request, paymentToken: testPaymentTokens.approve }));
    expect(await first.listByOrder(request.orderId)).toEqual([declined, approved]);
    expect(await first.listByOrder(randomUUID())).toEqual([]);
  });
});

describe('an idempotency key reused for another request', () => {
  it('is refused and changes nothing', async () => {
    const { first, services, provider, nudges } = instances();
    const key = randomUUID();
    const request = authorizeRequest();
    const original = paymentOf(await first.authorize(key, request));
    const otherOrder = randomUUID();
    const variants: AuthorizePayment[] = [
      { ...request, amount: { amountMinor: request.amount.amountMinor + 1, currency: 'EUR' } },
      { ...request, amount: { ...request.amount, currency: 'USD' } },
      { ...request, paymentToken: testPaymentTokens.decline },
      { ...request, orderId: otherOrder },
    ];
    for (const variant of variants) expect(await services[1].authorize(key, variant)).toEqual(idempotencyKeyReused);

    expect(provider.calls.authorize).toBe(1);
    expect(nudges.count).toBe(1);
    expect(await first.find(original.id)).toEqual(original);
    expect(await first.listByOrder(otherOrder)).toEqual([]);
    expect((await outboxEvents(request.orderId)).map((event) => event.type)).toEqual(['PaymentAuthorized']);
  });
});
