import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Product, testPaymentTokens } from '@meshmart/contracts';
import { sendJson, Shopper, shopperToken } from '@meshmart/platform';
import { type PlatformContext, startPlatformContext } from './platform-context';
import { type RawAnswer, rawRequest } from './raw-http';

let ctx: PlatformContext;
let product: Product;
let ada: Shopper;

/** Requests one client address may make per minute; this file's own traffic from 127.0.0.1 stays well below it. */
const ADDRESS_LIMIT = 600;

beforeAll(async () => {
  ctx = await startPlatformContext({ GATEWAY_RATE_LIMIT: '1000', GATEWAY_ADDRESS_RATE_LIMIT: String(ADDRESS_LIMIT) });
  product = await ctx.product(7);
  ada = await Shopper.signIn(ctx.platform.gateway.url, ctx.platform.jwtSecret);
  expect((await ada.setLine(product.sku, 2)).status).toBe(200);
});

afterAll(async () => {
  await ctx?.close();
});

const big = 'x'.repeat(70_000);

/** A token the demo's key signs, as an attacker or a broken identity provider would make it. */
function demoToken(build: (jwt: SignJWT) => SignJWT, subject = ada.userId): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setIssuer('meshmart-demo').setAudience('meshmart');
  return build(jwt).sign(new TextEncoder().encode(ctx.platform.jwtSecret));
}

async function authorizationFor(kind: string | undefined): Promise<string | undefined> {
  const bearer = (token: string) => `Bearer ${token}`;
  switch (kind) {
    case 'other-key':
      return bearer(await shopperToken('another-key-of-32-characters-long!!', ada.userId));
    case 'alg-none':
      return bearer(
        new UnsecuredJWT({}).setSubject(ada.userId).setIssuer('meshmart-demo').setAudience('meshmart').setIssuedAt().setExpirationTime('5m').encode(),
      );
    case 'expired':
      return bearer(await shopperToken(ctx.platform.jwtSecret, ada.userId, '-1m'));
    case 'no-exp':
      return bearer(await demoToken((jwt) => jwt.setIssuedAt()));
    case 'future-iat':
      return bearer(await demoToken((jwt) => jwt.setIssuedAt('1d').setExpirationTime('2d')));
    case 'future-nbf':
      return bearer(await demoToken((jwt) => jwt.setIssuedAt().setNotBefore('1d').setExpirationTime('2d')));
    case 'too-old':
      return bearer(await demoToken((jwt) => jwt.setIssuedAt('-1d').setExpirationTime('30d')));
    case 'sub-dot':
      return bearer(await shopperToken(ctx.platform.jwtSecret, '.'));
    case 'sub-dotdot':
      return bearer(await shopperToken(ctx.platform.jwtSecret, '..'));
    default:
      return kind;
  }
}

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
  ['a text/plain body', 'PUT', '/cart/lines/{sku}', '{"quantity":1}', { 'content-type': 'text/plain' }, 415],
  ['a form body', 'PUT', '/cart/lines/{sku}', 'quantity=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
  ['a body in another charset', 'PUT', '/cart/lines/{sku}', '{"quantity":1}', { 'content-type': 'application/json; charset=utf-16' }, 415],
  ['a compressed body', 'PUT', '/cart/lines/{sku}', '{"quantity":1}', { 'content-encoding': 'gzip' }, 415],
  [
    'a checkout as a form',
    'POST',
    '/cart/checkout',
    `paymentToken=${testPaymentTokens.approve}`,
    { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'k-4' },
    415,
  ],
  ['a forged 1 ms deadline on an invalid body', 'PUT', '/cart/lines/{sku}', { quantity: 0 }, { 'x-envoy-expected-rq-timeout-ms': '1' }, 400],
  ['an oversized body', 'PUT', '/cart/lines/{sku}', JSON.stringify({ quantity: 1, padding: big }), {}, 413],
  ['malformed sku on a line removal', 'DELETE', '/cart/lines/bad%20sku', undefined, {}, 400],
  ['checkout without a payment token', 'POST', '/cart/checkout', {}, { 'idempotency-key': 'k-1' }, 400],
  ['checkout with a malformed payment token', 'POST', '/cart/checkout', { paymentToken: '4111111111111111' }, { 'idempotency-key': 'k-2' }, 400],
  ['checkout without an idempotency key', 'POST', '/cart/checkout', { paymentToken: testPaymentTokens.approve }, {}, 400],
  [
    'checkout with a malformed idempotency key',
    'POST',
    '/cart/checkout',
    { paymentToken: testPaymentTokens.approve },
    { 'idempotency-key': 'white space' },
    400,
  ],
  [
    'an oversized checkout',
    'POST',
    '/cart/checkout',
    JSON.stringify({ paymentToken: testPaymentTokens.approve, padding: big }),
    { 'idempotency-key': 'k-3' },
    413,
  ],
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
    // Nothing of the inside: no service route (`/carts/<user>`, `/users/<user>/orders`), no class.
    expect(response.body).not.toHaveProperty('instance');
    expect(JSON.stringify(response.body)).not.toMatch(/\/carts\/|\/users\/|Exception/);
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
    ['an unsigned token (alg none)', 'alg-none'],
    ['an expired token', 'expired'],
    ['a token without exp', 'no-exp'],
    ['a token issued a day in the future', 'future-iat'],
    ['a token not valid before tomorrow', 'future-nbf'],
    ['a token older than the maximum age, however far its exp', 'too-old'],
    ['a token for the user "."', 'sub-dot'],
    ['a token for the user ".."', 'sub-dotdot'],
  ])('refuses %s with 401 on every shopper route', async (_what, kind) => {
    const authorization = await authorizationFor(kind);
    for (const [method, path, body] of [
      ['GET', '/cart'],
      ['PUT', `/cart/lines/${product.sku}`, { quantity: 1 }],
      ['POST', '/cart/checkout', { paymentToken: 'tok_visa' }],
      ['GET', '/orders'],
      ['GET', `/orders/${randomUUID()}`],
    ] as const) {
      const response = await sendJson<{ status: number }>(method, `${ctx.platform.gateway.url}${path}`, body, {
        ...(authorization ? { authorization } : {}),
        'idempotency-key': randomUUID(),
      });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
      expect(response.body).not.toHaveProperty('instance');
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
    expect(Object.keys(docs.body.paths).sort()).toEqual([
      '/cart',
      '/cart/checkout',
      '/cart/lines/{sku}',
      '/orders',
      '/orders/{orderId}',
      '/products',
      '/products/{sku}',
    ]);
    const ui = await fetch(`${ctx.platform.gateway.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });
});

/** A problem document that quotes nothing the caller sent (`marker` is in every such request) and names nothing inside. */
function expectSealedProblem(answer: RawAnswer, status: number): void {
  expect(answer.status).toBe(status);
  expect(String(answer.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.text) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(problem).not.toHaveProperty('instance');
  expect(answer.text).not.toMatch(/marker|Exception|FST_|\/carts\/|\/users\//);
}

describe('the sealed public edge', () => {
  it.each([
    ['a malformed percent-encoding (answered by the router)', { path: '/products/%E0%A4%A-marker' }, 400],
    ['an over-long path segment (answered by the router)', { path: `/products/${'M'.repeat(300)}-marker` }, 414],
    ['an unknown route with a query string', { path: '/internal/marker?token=marker' }, 404],
    ['a method the route does not have', { method: 'PATCH', path: '/products?marker' }, 404],
    ['headers larger than the server reads (answered by Node)', { path: '/products', headers: { 'x-marker': 'marker'.repeat(4_000) } }, 431],
  ])('%s is a problem document that echoes no URL', async (_what, request, status) => {
    expectSealedProblem(await rawRequest(ctx.platform.gateway.url, request), status);
  });

  it('answers malformed JSON with 400 problem+json, quoting nothing of it', async () => {
    const answer = await rawRequest(ctx.platform.gateway.url, {
      method: 'PUT',
      path: `/cart/lines/${product.sku}?marker`,
      headers: { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' },
      body: '{"marker":',
    });
    expectSealedProblem(answer, 400);
    expect((await ada.cart()).body.lines.map((l) => [l.sku, l.quantity])).toEqual([[product.sku, 2]]);
  });

  it("ignores the mesh's and the proxies' headers from the public: a forged 1 ms deadline changes nothing", async () => {
    const forged = {
      'x-envoy-expected-rq-timeout-ms': '1',
      'x-envoy-retry-on': '5xx',
      'x-forwarded-client-cert': `By=spiffe://meshmart.local/ns/${ctx.platform.namespace}/sa/gateway;URI=spiffe://meshmart.local/ns/${ctx.platform.namespace}/sa/order-service`,
      baggage: 'role=admin',
    };
    for (let i = 0; i < 20; i++) {
      const products = await sendJson<unknown[]>('GET', `${ctx.platform.gateway.url}/products`, undefined, forged);
      expect(products.status, `attempt ${i + 1}`).toBe(200);
    }
    expect((await ada.call('GET', '/cart', undefined, forged)).status).toBe(200);
  });

  it('limits each client address before authentication: bad tokens count, Retry-After says when, other addresses are served', async () => {
    const from = '127.0.0.2';
    const badToken = () => rawRequest(ctx.platform.gateway.url, { path: '/cart', headers: { authorization: 'Bearer not-a-jwt' }, localAddress: from });
    const answers: RawAnswer[] = [];
    while (!answers.some((answer) => answer.status === 429) && answers.length < ADDRESS_LIMIT + 50)
      answers.push(...(await Promise.all(Array.from({ length: 25 }, badToken))));
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(ADDRESS_LIMIT);
    const limited = answers.find((answer) => answer.status === 429) as RawAnswer;
    expectSealedProblem(limited, 429);
    expect(JSON.parse(limited.text)).toMatchObject({ type: 'https://meshmart.dev/problems/too-many-requests', detail: expect.stringMatching(/address/) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Counted before the token is looked at: a valid token, or none for the catalogue, from there waits too.
    expect((await rawRequest(ctx.platform.gateway.url, { path: '/cart', headers: { authorization: `Bearer ${ada.token}` }, localAddress: from })).status).toBe(
      429,
    );
    expect((await rawRequest(ctx.platform.gateway.url, { path: '/products', localAddress: from })).status).toBe(429);
    // Per address: 127.0.0.1 is served as before.
    expect((await ada.cart()).status).toBe(200);
  });

  it('says only up or down on public health, to anyone', async () => {
    for (const path of ['/health', '/health/ready']) {
      const answer = await rawRequest(ctx.platform.gateway.url, { path });
      expect(answer.status, path).toBe(200);
      expect(JSON.parse(answer.text), path).toEqual({ status: 'up' });
    }
  });
});
