import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CheckoutResult, type Order, type Product, terminalOrderStatuses, testPaymentTokens } from '@meshmart/contracts';
import type { GatewayClient } from './gateway-client';
import type { LoadRecorder } from './load-recorder';
import type { ScenarioName } from './load-options';

/** What every journey may use: the API, the catalogue read at start, a token per shopper, the run's choices. */
export interface JourneyContext {
  api: GatewayClient;
  recorder: LoadRecorder;
  skus: readonly string[];
  token(userId: string): Promise<string>;
  declinedShare: number;
  timeoutShare: number;
  /** A random number in [0, 1); injectable so tests can pin the draws. */
  random(): number;
}

export type Journey = (ctx: JourneyContext, userId: string) => Promise<void>;

/** How `mix` draws: mostly browsing, some carts, fewer checkouts, as a shop's traffic looks. */
export const mixWeights: Readonly<Record<Exclude<ScenarioName, 'mix'>, number>> = { browse: 0.6, cart: 0.25, checkout: 0.15 };

/** First wait between reads of a placed order, growing ×1.5 to at most 1 s: the saga's time is taken from the order's timestamps, not from polling. */
const ORDER_POLL_MS = 100;
const SETTLE_TIMEOUT_MS = 60_000;

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;

/** Browse: the catalogue, then one product. */
export const browse: Journey = async ({ api, skus, random }) => {
  await api.call<Product[]>('GET /products', 'GET', '/products', { expect: [200] });
  await api.call<Product>('GET /products/{sku}', 'GET', `/products/${pick(skus, random)}`, { expect: [200] });
};

/** Cart: put a line in the shopper's cart and read the cart back. */
export const cart: Journey = async ({ api, skus, token, random }, userId) => {
  const bearer = await token(userId);
  await api.call('PUT /cart/lines/{sku}', 'PUT', `/cart/lines/${pick(skus, random)}`, { token: bearer, body: { quantity: 1 }, expect: [200] });
  await api.call('GET /cart', 'GET', '/cart', { token: bearer, expect: [200] });
};

/**
 * Checkout: one line, then `POST /cart/checkout` with a card drawn by the run's shares (pays,
 * declined, provider times out), then the order read until it settles. Its outcome and how
 * long the saga took (from the order's own timestamps) are recorded.
 */
export const checkout: Journey = async ({ api, skus, token, recorder, random, declinedShare, timeoutShare }, userId) => {
  const bearer = await token(userId);
  // A product sold out by earlier checkouts is the shop's answer, not the platform failing.
  const line = await api.call('PUT /cart/lines/{sku}', 'PUT', `/cart/lines/${pick(skus, random)}`, {
    token: bearer,
    body: { quantity: 1 },
    expect: [200, 409],
  });
  if (line.status === 409) recorder.checkoutOutcome('sold out');
  if (line.status !== 200) return;
  const draw = random();
  const paymentToken =
    draw < declinedShare ? testPaymentTokens.decline : draw < declinedShare + timeoutShare ? testPaymentTokens.timeout : testPaymentTokens.approve;
  const placed = await api.call<CheckoutResult>('POST /cart/checkout', 'POST', '/cart/checkout', {
    token: bearer,
    body: { paymentToken },
    headers: { 'idempotency-key': randomUUID() },
    expect: [201],
  });
  if (placed.status !== 201 || !placed.body) return;
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (let wait = ORDER_POLL_MS; Date.now() < deadline; wait = Math.min(1_000, wait * 1.5)) {
    const order = await api.call<Order>('GET /orders/{id}', 'GET', `/orders/${placed.body.orderId}`, { token: bearer, expect: [200] });
    if (order.status === 200 && order.body && terminalOrderStatuses.includes(order.body.status)) {
      const outcome = order.body.failureReason ? `${order.body.status} ${order.body.failureReason}` : order.body.status;
      recorder.checkoutOutcome(outcome, Date.parse(order.body.updatedAt) - Date.parse(order.body.createdAt));
      return;
    }
    if (order.status !== 200 && order.status !== 404) return;
    await sleep(wait);
  }
  recorder.checkoutOutcome('not settled in 60s');
};

const byName: Readonly<Record<Exclude<ScenarioName, 'mix'>, Journey>> = { browse, cart, checkout };

/** Mix: one of the others per iteration, drawn by `mixWeights`. */
export const mix: Journey = (ctx, userId) => {
  let draw = ctx.random();
  for (const [name, weight] of Object.entries(mixWeights) as [keyof typeof mixWeights, number][]) {
    if (draw < weight) return byName[name](ctx, userId);
    draw -= weight;
  }
  return byName.browse(ctx, userId);
};

export function journeyOf(scenario: ScenarioName): Journey {
  return scenario === 'mix' ? mix : byName[scenario];
}
