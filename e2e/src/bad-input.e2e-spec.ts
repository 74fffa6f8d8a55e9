import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Product, testPaymentTokens } from '@meshmart/contracts';
import { sendJson, Shopper, shopperToken } from '@meshmart/testing';
import { type PlatformContext, startPlatformContext } from './platform-context';

let ctx: PlatformContext;
let product: Product;
let ada: Shopper;

beforeAll(async () => {
  ctx = await startPlatformContext({ GATEWAY_RATE_LIMIT: '1000' });
  product = await ctx.product(7);
  ada = await Shopper.signIn(ctx.platform.gateway.url, ctx.platform.jwtSecret);
  expect((await ada.setLine(product.sku, 2)).status).toBe(200);
});

afterAll(async () => {
  await ctx?.close();
});

const big = 'x'.repeat(70_000);

/** [what, method, path, body, extra headers, expected status] — every public route, broken in every way a client can break it. */
const cases: [string, string, string, unknown, Record<string, string>, number][] = [
  ['unknown sku on a product', 'GET', '/products/NOPE-404', undefined, {}, 404],
  ['malformed sku on a product', 'GET', '/products/bad%20sku', undefined, {}, 400],
  ['malformed sku list', 'GET', '/products?skus=a;b', undefined, {}, 400],
  ['missing quantity', 'PUT', '/cart/lines/{sku}', {}, {}, 400],
  ['quantity of the wrong type', 'PUT', '/cart/lines/{sku}', { quantity: 'two' }, {}, 400],
  ['negative quantity', 'PUT', '/cart/lines/{sku}', { quantity: -1 }, {}, 400],
  ['zero quantity', 'PUT', '/cart/lines/{sku}', { quantity: 0 }, {}, 400],
  ['fractional quantity', 'PUT', '/cart/lines/{sku}', { quantity: 1.5 }, {}, 400],
  ['unknown field', 'PUT', '/cart/lines/{sku}', { quantity: 1, price: 1 }, {}, 400],
  ['unknown sku in the cart', 'PUT', '/cart/lines/NOPE-404', { quantity: 1 }, {}, 404],
  ['more than is in stock', 'PUT', '/cart/lines/{sku}', { quantity: 99 }, {}, 409],
  ['a body that is not JSON', 'PUT', '/cart/lines/{sku}', '{"quantity":', {}, 400],
  ['an oversized body', 'PUT', '/cart/lines/{sku}', JSON.stringify({ quantity: 1, padding: big }), {}, 413],
  ['malformed sku on a line removal', 'DELETE', '/cart/lines/bad%20sku', undefined, {}, 400],
  ['checkout without a payment token', 'POST', '/cart/checkout', {}, { 'idempotency-key': 'k-1' }, 400],
  ['checkout with a malformed payment token', 'POST', '/cart/checkout', { paymentToken: '4111111111111111' }, { 'idempotency-key': 'k-2' }, 400],
  ['checkout without an idempotency key', 'POST', '/cart/checkout', { paymentToken: testPaymentTokens.approve }, {}, 400],
  ['checkout with a malformed idempotency key', 'POST', '/cart/checkout', { paymentToken: testPaymentTokens.approve }, { 'idempotency-key': 'white space' }, 400],
  ['an oversized checkout', 'POST', '/cart/checkout', JSON.stringify({ paymentToken: testPaymentTokens.approve, padding: big }), { 'idempotency-key': 'k-3' }, 413],
  ['an order id that is not a uuid', 'GET', '/orders/42', undefined, {}, 400],
  ['an order that does not exist', 'GET', `/orders/${randomUUID()}`, undefined, {}, 404],
];

describe('bad input at every public route', () => {
  it.each(cases)('%s → %s %s answers a problem document and writes nothing', async (_what, method, path, body, headers, expected) => {
    const response = await ada.call<{ type: string; status: number; detail: string }>(method, path.replace('{sku}', product.sku), body, headers);
    expect(response.status).toBe(expected);
    expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: expected });
    expect(response.body.detail.length).toBeGreaterThan(0);
    // Nothing changed: the cart, the stock and the order history are as before.
    const cart = await ada.cart();
    expect(cart.body.lines.map((l) => [l.sku, l.quantity])).toEqual([[product.sku, 2]]);
    expect(await ctx.stock(product.sku)).toBe(7);
    expect(await ctx.ordersOf(ada.userId)).toEqual([]);
  });

  it.each([
    ['no token', undefined],
    ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ['a token signed with another key', 'other-key'],
    ['an expired token', 'expired'],
  ])('refuses %s with 401 on every shopper route', async (_what, kind) => {
    let authorization: string | undefined = kind;
    if (kind === 'other-key') authorization = `Bearer ${await shopperToken('another-key-of-32-characters-long!!', ada.userId)}`;
    if (kind === 'expired') authorization = `Bearer ${await shopperToken(ctx.platform.jwtSecret, ada.userId, '-1m')}`;
    for (const [method, path, body] of [['GET', '/cart'], ['PUT', `/cart/lines/${product.sku}`, { quantity: 1 }], ['POST', '/cart/checkout', { paymentToken: 'tok_visa' }], ['GET', '/orders']] as const) {
      const response = await sendJson<{ status: number }>(method, `${ctx.platform.gateway.url}${path}`, body, { ...(authorization ? { authorization } : {}), 'idempotency-key': randomUUID() });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    }
    expect(await ctx.stock(product.sku)).toBe(7);
    expect((await ada.cart()).body.lines).toHaveLength(1);
  });

  it('serves the catalogue without a token, and the OpenAPI document at /docs', async () => {
    const products = await sendJson<{ sku: string }[]>('GET', `${ctx.platform.gateway.url}/products`);
    expect(products.status).toBe(200);
    expect(products.body.map((p) => p.sku)).toContain(product.sku);
    const docs = await sendJson<{ openapi: string; paths: Record<string, unknown> }>('GET', `${ctx.platform.gateway.url}/docs/json`);
    expect(docs.body.openapi).toMatch(/^3\./);
    expect(Object.keys(docs.body.paths).sort()).toEqual(['/cart', '/cart/checkout', '/cart/lines/{sku}', '/orders', '/orders/{orderId}', '/products', '/products/{sku}']);
    const ui = await fetch(`${ctx.platform.gateway.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });
});
