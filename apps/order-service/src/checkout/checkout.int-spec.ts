import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeyReused, isRefusal, type PlaceOrder, testPaymentTokens } from '@meshmart/contracts';
import { openDataSource, type OutboxPublisher, OutboxRelay } from '@meshmart/persistence';
import { type StackEndpoints, dropDatabases } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { entities, migrations } from '../data';
import { loadOrderConfig } from '../order-config';
import { OrdersService } from '../orders/orders.service';
import { CheckoutService } from './checkout.service';

const database = `meshmart_order_test_${randomBytes(4).toString('hex')}`;
let stack: StackEndpoints;
let db: DataSource;
let checkout: CheckoutService;
let orders: OrdersService;
/** Sagas the service started; this spec runs no saga, so they stay where placing left them. */
const started: string[] = [];

const unusedPublisher: OutboxPublisher = { publish: () => Promise.reject(new Error('this spec runs no relay')) };

function command(userId: string): PlaceOrder {
  return {
    userId,
    cartId: randomUUID(),
    paymentToken: testPaymentTokens.approve,
    lines: [{ sku: 'MUG-001', name: 'Mug', quantity: 2, unitPrice: { amountMinor: 1_250, currency: 'EUR' } }],
  };
}

beforeAll(async () => {
  stack = await useStack();
  db = await openDataSource({ url: stack.postgres.url, database, entities, migrations });
  orders = new OrdersService(db);
  checkout = new CheckoutService(
    db,
    new OutboxRelay(db, unusedPublisher),
    { sagaTimeoutMs: loadOrderConfig({}).SAGA_TIMEOUT_MS },
    { advance: (orderId) => Promise.resolve(started.push(orderId) > 0) },
  );
});

afterAll(async () => {
  await db?.destroy();
  await dropDatabases(stack.postgres.url, [database]);
});

describe('placing orders against Postgres', () => {
  it('writes the order, its saga and OrderPlaced together, once per idempotency key even under concurrency', async () => {
    const placing = command('ada');
    const results = await Promise.all(Array.from({ length: 6 }, () => checkout.place(placing, 'key-1')));
    expect(results.filter((r) => !isRefusal(r) && !r.replayed)).toHaveLength(1);
    expect(results.filter((r) => !isRefusal(r) && r.replayed)).toHaveLength(5);
    const ids = new Set(results.map((r) => (isRefusal(r) ? r.refusal : r.value.id)));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const [saga] = (await db.query('SELECT step FROM checkout_sagas WHERE order_id = $1', [id])) as { step: string }[];
    expect(saga?.step).toBe('RESERVE_STOCK');
    expect(started).toEqual([id]);
    const events = (await db.query('SELECT type, key FROM outbox')) as { type: string; key: string }[];
    expect(events).toEqual([{ type: 'OrderPlaced', key: id }]);
    const [order] = await orders.history('ada');
    expect(order).toMatchObject({ id, status: 'PENDING', total: { amountMinor: 2_500, currency: 'EUR' } });
    expect(JSON.stringify(order)).not.toContain(testPaymentTokens.approve);
  });

  it('refuses a key reused for another cart, and shows no user another user’s order', async () => {
    const first = await checkout.place(command('bob'), 'key-2');
    expect(first).toMatchObject({ replayed: false });
    const reused = await checkout.place(command('bob'), 'key-2');
    expect(reused).toEqual(idempotencyKeyReused);
    if (isRefusal(first)) return;
    expect(await orders.find('bob', first.value.id)).toMatchObject({ id: first.value.id });
    expect(await orders.find('eve', first.value.id)).toBeUndefined();
  });
});
