import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthorizePayment, operatorIdentity, type Payment, paymentSchema, testPaymentTokens } from '@meshmart/contracts';
import { mtlsAgent, spiffeId, WorkloadIdentity, workloadFiles } from '@meshmart/mesh';
import { type AppProcess, dropDatabases, makeCertificates, serviceEnv, type StackEndpoints, startApp } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';

const namespace = `pay${randomUUID().slice(0, 6)}`;
const database = `meshmart_payment_http_${randomBytes(4).toString('hex')}`;
const certDir = mkdtempSync(join(tmpdir(), 'meshmart-payment-certs-'));
const callers = ['order-service', 'cart-service', operatorIdentity] as const;
type Caller = (typeof callers)[number];

let stack: StackEndpoints;
let app: AppProcess | undefined;
const identities = new Map<Caller, WorkloadIdentity>();

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

/** One call over mesh mTLS as `caller`, verifying that payment-service answers. */
function call(caller: Caller, method: 'GET' | 'POST', path: string, options: { body?: unknown; idempotencyKey?: string } = {}): Promise<Answer> {
  const identity = identities.get(caller);
  if (!identity || !app) throw new Error('the test bed is not up');
  const agent = mtlsAgent(identity, { expectedSpiffeId: spiffeId({ namespace, serviceAccount: 'payment-service' }), keepAlive: false });
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = payload === undefined ? {} : { 'content-type': 'application/json' };
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, app?.url), { method, agent, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: text ? JSON.parse(text) : undefined }),
      );
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** POST /payments with a fresh Idempotency-Key, the one given, or none (`null`). */
const authorize = (body: unknown, idempotencyKey: string | null = randomUUID(), caller: Caller = 'order-service') =>
  call(caller, 'POST', '/payments', { body, ...(idempotencyKey === null ? {} : { idempotencyKey }) });
const paymentsOf = async (orderId: string) => (await call('order-service', 'GET', `/payments?orderId=${orderId}`)).body;

function newRequest(paymentToken: string = testPaymentTokens.approve): AuthorizePayment {
  return { orderId: randomUUID(), amount: { amountMinor: 2_599, currency: 'EUR' }, paymentToken };
}

function expectProblem(answer: Answer, status: number, slug: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.contentType).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ status, type: `https://meshmart.dev/problems/${slug}` });
}

beforeAll(async () => {
  stack = await useStack();
  makeCertificates(certDir, namespace, ['payment-service', ...callers]);
  for (const caller of callers) identities.set(caller, await WorkloadIdentity.load(workloadFiles(certDir, caller)));
  app = await startApp('payment-service', { ...serviceEnv(stack, { certDir, namespace }), DATABASE_NAME: database, PAYMENT_PROVIDER_TIMEOUT_MS: '300' });
});

afterAll(async () => {
  await app?.stop();
  for (const identity of identities.values()) identity.close();
  rmSync(certDir, { recursive: true, force: true });
  await dropDatabases(stack.postgres.url, [database]);
});

describe('POST /payments over mesh mTLS', () => {
  it('authorizes tok_visa (201), and answers a repeat with the same payment (200)', async () => {
    const body = newRequest();
    const key = `authorize:${body.orderId}`;
    const created = await authorize(body, key);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const payment = paymentSchema.parse(created.body);
    expect(payment).toMatchObject({
      orderId: body.orderId,
      status: 'AUTHORIZED',
      amount: body.amount,
      providerReference: expect.stringMatching(/^psp_[0-9a-f]{16}$/),
    });

    const repeat = await authorize(body, key);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(payment);
    expect(await paymentsOf(body.orderId)).toEqual([payment]);
  });

  it('records tok_declined as DECLINED and tok_timeout as FAILED, both 201', async () => {
    const declined = await authorize(newRequest(testPaymentTokens.decline));
    expect(declined.status).toBe(201);
    expect(declined.body).toMatchObject({ status: 'DECLINED', failureReason: 'card_declined' });

    const failed = await authorize(newRequest(testPaymentTokens.timeout));
    expect(failed.status).toBe(201);
    expect(failed.body).toMatchObject({ status: 'FAILED', failureReason: 'provider_timeout' });
  });

  it('refuses a request without a valid Idempotency-Key (400) and writes nothing', async () => {
    const body = newRequest();
    expectProblem(await authorize(body, null), 400, 'idempotency-key-required');
    expectProblem(await authorize(body, ''), 400, 'idempotency-key-required');
    expectProblem(await authorize(body, 'has spaces'), 400, 'idempotency-key-required');
    expectProblem(await authorize(body, 'k'.repeat(201)), 400, 'idempotency-key-required');
    expect(await paymentsOf(body.orderId)).toEqual([]);
  });

  it.each([
    ['a negative amount', (body: AuthorizePayment) => ({ ...body, amount: { ...body.amount, amountMinor: -1 } }), 'amount.amountMinor'],
    ['a fractional amount', (body: AuthorizePayment) => ({ ...body, amount: { ...body.amount, amountMinor: 10.5 } }), 'amount.amountMinor'],
    ['an amount of the wrong type', (body: AuthorizePayment) => ({ ...body, amount: { ...body.amount, amountMinor: '2599' } }), 'amount.amountMinor'],
    ['a bad currency', (body: AuthorizePayment) => ({ ...body, amount: { ...body.amount, currency: 'euro' } }), 'amount.currency'],
    ['a token of the wrong format', (body: AuthorizePayment) => ({ ...body, paymentToken: '4242424242424242' }), 'paymentToken'],
    ['a token of the wrong type', (body: AuthorizePayment) => ({ ...body, paymentToken: 42 }), 'paymentToken'],
    ['an unknown field', (body: AuthorizePayment) => ({ ...body, capture: true }), ''],
  ])('refuses %s (400 invalid-request naming the field) and writes nothing', async (_case, mutate, path) => {
    const body = newRequest();
    const answer = await authorize(mutate(body));
    expectProblem(answer, 400, 'invalid-request');
    expect((answer.body as { errors: { path: string }[] }).errors.map((error) => error.path)).toContain(path);
    expect(await paymentsOf(body.orderId)).toEqual([]);
  });

  it('refuses the same key with another body (422) and keeps the first payment', async () => {
    const body = newRequest();
    const key = randomUUID();
    const first = await authorize(body, key);
    expectProblem(await authorize({ ...body, amount: { ...body.amount, amountMinor: 1 } }, key), 422, 'idempotency-key-reused');
    expect(await paymentsOf(body.orderId)).toEqual([first.body]);
  });

  it('lets only order-service authorize: cart-service and the operator get 403', async () => {
    const body = newRequest();
    expectProblem(await authorize(body, randomUUID(), 'cart-service'), 403, 'access-denied');
    expectProblem(await authorize(body, randomUUID(), operatorIdentity), 403, 'access-denied');
    expect(await paymentsOf(body.orderId)).toEqual([]);
  });
});

describe('payments after authorization', () => {
  it('captures an authorized payment (200, repeatable) and refuses to void it then (409)', async () => {
    const { body } = await authorize(newRequest());
    const { id } = body as Payment;
    const captured = await call('order-service', 'POST', `/payments/${id}/capture`);
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ id, status: 'CAPTURED' });
    expect(await call('order-service', 'POST', `/payments/${id}/capture`)).toMatchObject({ status: 200, body: { status: 'CAPTURED' } });
    const voided = await call('order-service', 'POST', `/payments/${id}/void`);
    expectProblem(voided, 409, 'invalid-payment-transition');
    expect(voided.body).toMatchObject({ status: 409, detail: expect.stringContaining('CAPTURED') });
    expect(await call('order-service', 'POST', `/payments/${id}/refund`)).toMatchObject({ status: 200, body: { status: 'REFUNDED' } });
  });

  it('voids a declined payment blindly (200, unchanged) but refuses to capture it (409, naming its status)', async () => {
    const { body } = await authorize(newRequest(testPaymentTokens.decline));
    const declined = body as Payment;
    expect(await call('order-service', 'POST', `/payments/${declined.id}/void`)).toMatchObject({ status: 200, body: declined });
    const capture = await call('order-service', 'POST', `/payments/${declined.id}/capture`);
    expectProblem(capture, 409, 'invalid-payment-transition');
    expect(capture.body).toMatchObject({ status: 409, detail: expect.stringContaining('DECLINED') });
  });

  it('shows a payment to order-service and the operator, 404 for an unknown one, 400 for a malformed id', async () => {
    const { body } = await authorize(newRequest());
    const payment = body as Payment;
    expect(await call('order-service', 'GET', `/payments/${payment.id}`)).toMatchObject({ status: 200, body: payment });
    expect(await call(operatorIdentity, 'GET', `/payments/${payment.id}`)).toMatchObject({ status: 200, body: payment });
    expect(await call(operatorIdentity, 'GET', `/payments?orderId=${payment.orderId}`)).toMatchObject({ status: 200, body: [payment] });
    expectProblem(await call('cart-service', 'GET', `/payments/${payment.id}`), 403, 'access-denied');
    expectProblem(await call('order-service', 'GET', `/payments/${randomUUID()}`), 404, 'unknown-payment');
    expectProblem(await call('order-service', 'POST', `/payments/${randomUUID()}/capture`), 404, 'unknown-payment');
    expectProblem(await call('order-service', 'GET', '/payments/not-a-uuid'), 400, 'invalid-request');
    expectProblem(await call('order-service', 'GET', '/payments'), 400, 'invalid-request');
    expectProblem(await call('order-service', 'GET', '/payments?orderId=42'), 400, 'invalid-request');
  });
});

describe('what the service prints', () => {
  it('never contains a card token, whatever happened above', () => {
    expect(app?.output()).toContain('payment-service listening on');
    expect(app?.output()).not.toMatch(/tok_/);
  });
});
