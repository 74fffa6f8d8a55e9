import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productSchema, reservationSchema } from '@meshmart/contracts';
import { mtlsAgent, spiffeId, WorkloadIdentity, workloadFiles } from '@meshmart/mesh';
import { type AppProcess, dropDatabases, makeCertificates, serviceEnv, type StackEndpoints, startApp } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { throwawayDatabaseName } from './testing/throwaway-inventory-database';

const callers = ['operator', 'order-service', 'cart-service', 'gateway'] as const;
type Caller = (typeof callers)[number];

const namespace = `inv${randomBytes(3).toString('hex')}`;
const database = throwawayDatabaseName();
const certDir = mkdtempSync(join(tmpdir(), 'meshmart-inventory-certs-'));
const identities = new Map<Caller, WorkloadIdentity>();
let stack: StackEndpoints;
let app: AppProcess | undefined;

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

/** One request to the running service over mesh mTLS, as `caller`, checking the server is inventory-service. */
function call(caller: Caller, method: string, path: string, body?: unknown): Promise<Answer> {
  const identity = identities.get(caller);
  if (!identity || !app) throw new Error('the suite did not start');
  const agent = mtlsAgent(identity, { expectedSpiffeId: spiffeId({ namespace, serviceAccount: 'inventory-service' }), keepAlive: false });
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${app?.url}${path}`, { method, agent, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const newSku = () => `HTTP-${randomBytes(4).toString('hex').toUpperCase()}`;

async function putProduct(available: number): Promise<string> {
  const sku = newSku();
  const answer = await call('operator', 'PUT', `/products/${sku}`, { name: `mug ${sku}`, price: { amountMinor: 1_250, currency: 'EUR' }, available });
  expect(answer.status).toBe(200);
  return sku;
}

async function available(sku: string): Promise<number> {
  return productSchema.parse((await call('operator', 'GET', `/products/${sku}`)).body).available;
}

beforeAll(async () => {
  stack = await useStack();
  makeCertificates(certDir, namespace, ['inventory-service', ...callers]);
  for (const caller of callers) identities.set(caller, await WorkloadIdentity.load(workloadFiles(certDir, caller)));
  app = await startApp('inventory-service', { ...serviceEnv(stack, { certDir, namespace }), DATABASE_NAME: database, INVENTORY_EXPIRY_SWEEP_MS: '100' });
});

afterAll(async () => {
  await app?.stop();
  for (const identity of identities.values()) identity.close();
  if (stack) await dropDatabases(stack.postgres.url, [database]);
  rmSync(certDir, { recursive: true, force: true });
});

describe('inventory-service over mesh mTLS', () => {
  it('lets the operator create a product that the platform then reads', async () => {
    const sku = newSku();
    const product = { name: 'Enamel mug', price: { amountMinor: 1_250, currency: 'EUR' }, available: 7 };
    const put = await call('operator', 'PUT', `/products/${sku}`, product);
    expect(put.status).toBe(200);
    expect(productSchema.parse(put.body)).toEqual({ sku, ...product });

    const replaced = await call('operator', 'PUT', `/products/${sku}`, { ...product, name: 'Enamel mug, blue', available: 9 });
    expect(replaced.body).toEqual({ sku, ...product, name: 'Enamel mug, blue', available: 9 });
    expect((await call('order-service', 'GET', `/products/${sku}`)).body).toEqual(replaced.body);
    const other = await putProduct(1);
    const listed = await call('cart-service', 'GET', `/products?skus=${other},${sku}`);
    expect(listed.status).toBe(200);
    expect(
      productSchema
        .array()
        .parse(listed.body)
        .map((item) => item.sku),
    ).toEqual([sku, other].sort());
  });

  it('answers unknown and malformed skus with problems', async () => {
    const unknown = newSku();
    const missing = await call('operator', 'GET', `/products/${unknown}`);
    expect(missing).toMatchObject({
      status: 404,
      contentType: expect.stringContaining('application/problem+json'),
      body: { type: 'https://meshmart.dev/problems/unknown-product', sku: unknown },
    });
    const malformed = await call('operator', 'GET', '/products/not a sku');
    expect(malformed).toMatchObject({ status: 400, body: { type: 'https://meshmart.dev/problems/invalid-request' } });
    expect(await call('gateway', 'GET', '/products?skus=a;b')).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ path: 'skus.0' })] } });
    expect(await call('gateway', 'GET', `/products?skus=${unknown}`)).toMatchObject({ status: 200, body: [] });
    expect(await call('gateway', 'GET', '/products?skus=')).toMatchObject({ status: 200, body: [] });
  });

  it('keeps catalogue writes to the operator', async () => {
    const denied = await call('order-service', 'PUT', `/products/${newSku()}`, { name: 'x', price: { amountMinor: 1, currency: 'EUR' }, available: 1 });
    expect(denied).toMatchObject({ status: 403, contentType: expect.stringContaining('application/problem+json') });
  });

  it('reserves for the order service: 201, then 200 with the same reservation on a repeat', async () => {
    const sku = await putProduct(5);
    const command = { orderId: randomUUID(), lines: [{ sku, quantity: 2 }] };
    const created = await call('order-service', 'POST', '/reservations', command);
    expect(created.status).toBe(201);
    expect(reservationSchema.parse(created.body)).toMatchObject({ ...command, status: 'HELD' });
    const repeated = await call('order-service', 'POST', '/reservations', command);
    expect(repeated).toMatchObject({ status: 200, body: created.body });
    expect(await available(sku)).toBe(3);
    expect((await call('operator', 'GET', `/reservations/${command.orderId}`)).body).toEqual(created.body);

    const conflict = await call('order-service', 'POST', '/reservations', { ...command, lines: [{ sku, quantity: 1 }] });
    expect(conflict).toMatchObject({ status: 409, body: { type: 'https://meshmart.dev/problems/reservation-conflict' } });

    const committed = await call('order-service', 'POST', `/reservations/${command.orderId}/commit`);
    expect(committed).toMatchObject({ status: 200, body: { status: 'COMMITTED' } });
    const release = await call('order-service', 'POST', `/reservations/${command.orderId}/release`);
    expect(release).toMatchObject({ status: 409, body: { type: 'https://meshmart.dev/problems/reservation-committed' } });
  });

  it('releases a hold, then refuses to commit it', async () => {
    const sku = await putProduct(5);
    const orderId = randomUUID();
    expect((await call('order-service', 'POST', '/reservations', { orderId, lines: [{ sku, quantity: 5 }] })).status).toBe(201);
    const released = await call('order-service', 'POST', `/reservations/${orderId}/release`);
    expect(released).toMatchObject({ status: 200, body: { status: 'RELEASED', releaseReason: 'cancelled' } });
    expect(await available(sku)).toBe(5);
    const commit = await call('order-service', 'POST', `/reservations/${orderId}/commit`);
    expect(commit).toMatchObject({ status: 409, body: { type: 'https://meshmart.dev/problems/reservation-released', releaseReason: 'cancelled' } });
  });

  it.each([
    ['a negative quantity', (sku: string) => ({ orderId: randomUUID(), lines: [{ sku, quantity: -1 }] }), 'lines.0.quantity'],
    ['a missing order id', (sku: string) => ({ lines: [{ sku, quantity: 1 }] }), 'orderId'],
    ['a quantity of the wrong type', (sku: string) => ({ orderId: randomUUID(), lines: [{ sku, quantity: '1' }] }), 'lines.0.quantity'],
    [
      'a sku on two lines',
      (sku: string) => ({
        orderId: randomUUID(),
        lines: [
          { sku, quantity: 1 },
          { sku, quantity: 1 },
        ],
      }),
      'lines.1.sku',
    ],
  ])('refuses %s with 400 and changes nothing', async (_, body, field) => {
    const sku = await putProduct(5);
    const command = body(sku) as { orderId?: string };
    const answer = await call('order-service', 'POST', '/reservations', command);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ type: 'https://meshmart.dev/problems/invalid-request', errors: [expect.objectContaining({ path: field })] });
    expect(await available(sku)).toBe(5);
    if (command.orderId) expect((await call('order-service', 'GET', `/reservations/${command.orderId}`)).status).toBe(404);
  });

  it('answers an unknown sku with 404 and a short one with 409, holding nothing', async () => {
    const sku = await putProduct(1);
    const unknown = newSku();
    const notFound = await call('order-service', 'POST', '/reservations', {
      orderId: randomUUID(),
      lines: [
        { sku, quantity: 1 },
        { sku: unknown, quantity: 1 },
      ],
    });
    expect(notFound).toMatchObject({
      status: 404,
      contentType: expect.stringContaining('application/problem+json'),
      body: { type: 'https://meshmart.dev/problems/unknown-product', sku: unknown },
    });
    const short = await call('order-service', 'POST', '/reservations', { orderId: randomUUID(), lines: [{ sku, quantity: 2 }] });
    expect(short).toMatchObject({ status: 409, body: { type: 'https://meshmart.dev/problems/out-of-stock', sku, requested: 2, available: 1 } });
    expect(await available(sku)).toBe(1);
  });

  it('runs the expiry sweeper: a hold that runs out is released and its stock comes back', async () => {
    const sku = await putProduct(4);
    const orderId = randomUUID();
    expect((await call('order-service', 'POST', '/reservations', { orderId, lines: [{ sku, quantity: 3 }], ttlSeconds: 1 })).status).toBe(201);
    expect(await available(sku)).toBe(1);
    await expect
      .poll(async () => (await call('order-service', 'GET', `/reservations/${orderId}`)).body, { timeout: 10_000, interval: 100 })
      .toMatchObject({ status: 'RELEASED', releaseReason: 'expired' });
    expect(await available(sku)).toBe(4);
  });

  it('lets only the order service reserve', async () => {
    const sku = await putProduct(5);
    const denied = await call('cart-service', 'POST', '/reservations', { orderId: randomUUID(), lines: [{ sku, quantity: 1 }] });
    expect(denied).toMatchObject({ status: 403, contentType: expect.stringContaining('application/problem+json') });
    expect(await available(sku)).toBe(5);
    const unknownOrder = randomUUID();
    expect(await call('order-service', 'GET', `/reservations/${unknownOrder}`)).toMatchObject({
      status: 404,
      body: { type: 'https://meshmart.dev/problems/unknown-reservation', orderId: unknownOrder },
    });
  });

  it('relays its events to Kafka, then stops cleanly on SIGTERM', async () => {
    const url = new URL(stack.postgres.url);
    url.pathname = `/${database}`;
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const counts = async () => ((await db.query('SELECT count(*)::int AS count FROM outbox')).rows[0] as { count: number }).count;
      // The outbox rows the tests above wrote leave once the relay has them on the broker.
      await expect.poll(counts, { timeout: 15_000, interval: 100 }).toBe(0);
    } finally {
      await db.end();
    }
    expect(await app?.stop()).toBe(0);
    expect(app?.output()).not.toMatch(/expiry sweep failed|outbox relay round failed/);
  });
});
