import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Order, testPaymentTokens } from '@meshmart/contracts';
import { Shopper } from '@meshmart/platform';
import { type PlatformContext, startPlatformContext } from './platform-context';
import { meshTraffic } from './mesh-traffic';

let ctx: PlatformContext;

beforeAll(async () => {
  ctx = await startPlatformContext({ SAGA_TIMEOUT_MS: '20000' });
});

afterAll(async () => {
  await ctx?.close();
});

async function shopper(): Promise<Shopper> {
  return Shopper.signIn(ctx.platform.gateway.url, ctx.platform.jwtSecret);
}

/** A shopper with `quantity` of `sku` in the cart, checked out with `token`; resolves with the settled order. */
async function buy(sku: string, quantity: number, token: string): Promise<Order> {
  const s = await shopper();
  expect((await s.setLine(sku, quantity)).status).toBe(200);
  const placed = await s.checkout(token);
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  return s.settledOrder(placed.body.orderId);
}

describe('checkout through the gateway, the mesh and the saga', () => {
  it('confirms a paid order: stock taken once, one captured payment', async () => {
    const product = await ctx.product(5, 1_250);
    const order = await buy(product.sku, 2, testPaymentTokens.approve);
    expect(order).toMatchObject({ status: 'CONFIRMED', total: { amountMinor: 2_500, currency: 'EUR' } });
    expect(order.failureReason).toBeUndefined();
    expect(await ctx.stock(product.sku)).toBe(3);
    const payments = await ctx.payments(order.id);
    expect(payments.map((p) => [p.status, p.amount.amountMinor])).toEqual([['CAPTURED', 2_500]]);
    expect((await ctx.reservation(order.id)).body.status).toBe('COMMITTED');
  });

  it('fails a declined order with its reason, releases the stock, captures nothing', async () => {
    const product = await ctx.product(5);
    const order = await buy(product.sku, 1, testPaymentTokens.decline);
    expect(order).toMatchObject({ status: 'FAILED', failureReason: 'payment_declined' });
    expect(await ctx.stock(product.sku)).toBe(5);
    expect((await ctx.reservation(order.id)).body).toMatchObject({ status: 'RELEASED', releaseReason: 'cancelled' });
    const payments = await ctx.payments(order.id);
    expect(payments.map((p) => p.status)).toEqual(['DECLINED']);
  });

  it('fails an order whose payment provider times out, and voids nothing it did not authorize', async () => {
    const product = await ctx.product(5);
    const order = await buy(product.sku, 1, testPaymentTokens.timeout);
    expect(order).toMatchObject({ status: 'FAILED', failureReason: 'payment_timeout' });
    expect(await ctx.stock(product.sku)).toBe(5);
    expect((await ctx.payments(order.id)).some((p) => p.status === 'CAPTURED')).toBe(false);
  });

  it('gives one order for one idempotency key, however often and however concurrently it is sent', async () => {
    const product = await ctx.product(5);
    const s = await shopper();
    await s.setLine(product.sku, 1);
    const key = randomUUID();
    const [first, second] = await Promise.all([s.checkout(testPaymentTokens.approve, key), s.checkout(testPaymentTokens.approve, key)]);
    const third = await s.checkout(testPaymentTokens.approve, key);
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(third.status).toBe(200);
    expect(new Set([first.body.orderId, second.body.orderId, third.body.orderId]).size).toBe(1);
    expect((await s.settledOrder(first.body.orderId)).status).toBe('CONFIRMED');
    expect((await ctx.ordersOf(s.userId)).map((o) => o.id)).toEqual([first.body.orderId]);
    expect(await ctx.stock(product.sku)).toBe(4);
  });

  it('refuses a key that checked out one cart for the next cart (422 idempotency-key-reused) and places no second order', async () => {
    const product = await ctx.product(5);
    const s = await shopper();
    await s.setLine(product.sku, 1);
    const key = randomUUID();
    const first = await s.checkout(testPaymentTokens.approve, key);
    expect(first.status).toBe(201);
    await s.setLine(product.sku, 2);
    const reused = await s.checkout(testPaymentTokens.approve, key);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ type: 'https://meshmart.dev/problems/idempotency-key-reused', title: 'idempotency key reused' });
    expect((await s.cart()).body.lines.map((l) => [l.sku, l.quantity])).toEqual([[product.sku, 2]]);
    expect((await ctx.ordersOf(s.userId)).map((o) => o.id)).toEqual([first.body.orderId]);
  });

  it('lets exactly 10 of 50 racing shoppers buy the last 10 units; stock never goes negative', async () => {
    const product = await ctx.product(10);
    const shoppers = await Promise.all(Array.from({ length: 50 }, () => shopper()));
    for (const s of shoppers) expect((await s.setLine(product.sku, 1)).status).toBe(200);
    const placed = await Promise.all(shoppers.map((s) => s.checkout(testPaymentTokens.approve)));
    expect(placed.map((p) => p.status)).toEqual(Array(50).fill(201));
    const orders = await Promise.all(shoppers.map((s, i) => s.settledOrder(placed[i]?.body.orderId ?? '', 90_000)));
    expect(orders.filter((o) => o.status === 'CONFIRMED')).toHaveLength(10);
    const failed = orders.filter((o) => o.status === 'FAILED');
    expect(failed).toHaveLength(40);
    expect(new Set(failed.map((o) => o.failureReason))).toEqual(new Set(['out_of_stock']));
    expect(await ctx.stock(product.sku)).toBe(0);
    const captured = (await Promise.all(orders.map((o) => ctx.payments(o.id)))).flat().filter((p) => p.status === 'CAPTURED');
    expect(captured).toHaveLength(10);
  });

  it('sent every service-to-service call through the mesh over mutual TLS', async () => {
    const traffic = await meshTraffic(ctx.platform);
    for (const edge of [
      'gateway→cart-service',
      'gateway→inventory-service',
      'gateway→order-service',
      'cart-service→inventory-service',
      'cart-service→order-service',
      'order-service→inventory-service',
      'order-service→payment-service',
    ]) {
      expect(traffic.requests.get(edge) ?? 0, edge).toBeGreaterThan(0);
    }
    expect(traffic.notMutualTls).toEqual([]);
    // Both instances of the replicated services took part.
    for (const instance of [...ctx.platform.instancesOf('inventory-service'), ...ctx.platform.instancesOf('payment-service')]) {
      expect(traffic.servedBy.get(instance.instanceId) ?? 0, instance.instanceId).toBeGreaterThan(0);
    }
  });
});
