import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Order, terminalOrderStatuses, testPaymentTokens } from '@meshmart/contracts';
import { type AppProcess, Shopper } from '@meshmart/platform';
import { type PlatformContext, startPlatformContext } from './platform-context';

const SAGA_TIMEOUT_MS = 15_000;
let ctx: PlatformContext;

beforeAll(async () => {
  ctx = await startPlatformContext({ SAGA_TIMEOUT_MS: String(SAGA_TIMEOUT_MS), MESH_LEASE_TTL_SECONDS: '3' });
});

afterAll(async () => {
  await ctx?.close();
});

describe('a service instance killed during checkout traffic', () => {
  it('loses no order, leaves none stuck, charges nobody twice', async () => {
    const product = await ctx.product(1_000);
    const shoppers = await Promise.all(Array.from({ length: 30 }, () => Shopper.signIn(ctx.platform.gateway.url, ctx.platform.jwtSecret)));
    for (const s of shoppers) expect((await s.setLine(product.sku, 1)).status).toBe(200);
    const [payment] = ctx.platform.instancesOf('payment-service') as [AppProcess];
    const [inventory] = ctx.platform.instancesOf('inventory-service') as [AppProcess];
    // Checkouts start in waves; one instance of payment and one of inventory die in the middle, without a goodbye.
    const checkouts = shoppers.map(async (s, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 40));
      return { shopper: s, placed: await s.checkout(testPaymentTokens.approve) };
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all([payment.stop('SIGKILL'), inventory.stop('SIGKILL')]);
    const placed = await Promise.all(checkouts);
    expect(placed.map((p) => p.placed.status)).toEqual(Array(30).fill(201));

    const started = Date.now();
    const orders: Order[] = await Promise.all(placed.map(({ shopper, placed: p }) => shopper.settledOrder(p.body.orderId, SAGA_TIMEOUT_MS + 30_000)));
    expect(Date.now() - started).toBeLessThan(SAGA_TIMEOUT_MS + 30_000);
    expect(orders.every((o) => terminalOrderStatuses.includes(o.status))).toBe(true);
    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    // With the surviving instances taking over, every checkout should go through.
    expect(confirmed.length).toBe(30);

    for (const order of orders) {
      const payments = await ctx.payments(order.id);
      expect(
        payments.filter((p) => p.status === 'CAPTURED'),
        order.id,
      ).toHaveLength(1);
      expect(
        payments.filter((p) => p.status === 'AUTHORIZED'),
        order.id,
      ).toHaveLength(0);
    }
    expect(await ctx.stock(product.sku)).toBe(1_000 - confirmed.length);
  });
});
