import { describe, expect, it } from 'vitest';
import { authorize, type AuthorizationPolicy, parseAuthorizationPolicy, pathMatches, principalOf } from './authorization-policy';
import { toIstioAuthorizationPolicy } from './istio-authorization-policy';

const cart = 'meshmart.local/ns/meshmart/sa/cart-service';
const order = 'meshmart.local/ns/meshmart/sa/order-service';

const inventory: AuthorizationPolicy = {
  workload: 'inventory-service',
  rules: [
    { from: [{ source: { principals: [cart, order] } }], to: [{ operation: { methods: ['GET'], paths: ['/products', '/products/{*}'] } }] },
    { from: [{ source: { principals: [order] } }], to: [{ operation: { methods: ['POST', 'DELETE'], paths: ['/reservations/{**}', '/reservations'] } }] },
  ],
};

describe('authorize', () => {
  it('allows a listed principal on a listed operation, naming the rule', () => {
    expect(authorize(inventory, { principal: cart, method: 'GET', path: '/products/42' })).toEqual({ allowed: true, rule: 0 });
    expect(authorize(inventory, { principal: order, method: 'post', path: '/reservations/o-1/release' })).toEqual({ allowed: true, rule: 1 });
  });

  it('denies by default: another method, path or principal, or no principal at all', () => {
    expect(authorize(inventory, { principal: cart, method: 'POST', path: '/reservations' }).allowed).toBe(false);
    expect(authorize(inventory, { principal: cart, method: 'GET', path: '/products/42/secret' }).allowed).toBe(false);
    expect(authorize(inventory, { principal: 'meshmart.local/ns/meshmart/sa/payment-service', method: 'GET', path: '/products' }).allowed).toBe(false);
    const plaintext = authorize(inventory, { principal: undefined, method: 'GET', path: '/products' });
    expect(plaintext).toEqual({ allowed: false, reason: "no rule of inventory-service's policy allows an unauthenticated caller to GET /products" });
  });

  it('ignores the query string, as Istio matches the path only', () => {
    expect(authorize(inventory, { principal: cart, method: 'GET', path: '/products?sku=A' }).allowed).toBe(true);
  });

  it('reads a policy with no rules as deny-all and an empty rule as allow-all, as Istio does', () => {
    expect(authorize({ workload: 'x', rules: [] }, { principal: cart, method: 'GET', path: '/' }).allowed).toBe(false);
    expect(authorize({ workload: 'x', rules: [{}] }, { principal: undefined, method: 'GET', path: '/' }).allowed).toBe(true);
  });

  it('lets "*" name any authenticated principal but not a plaintext caller', () => {
    const anyPeer: AuthorizationPolicy = { workload: 'x', rules: [{ from: [{ source: { principals: ['*'] } }] }] };
    expect(authorize(anyPeer, { principal: order, method: 'GET', path: '/' }).allowed).toBe(true);
    expect(authorize(anyPeer, { principal: undefined, method: 'GET', path: '/' }).allowed).toBe(false);
  });
});

describe('pathMatches', () => {
  it.each([
    ['/health', '/health', true],
    ['/health', '/health/x', false],
    ['/admin/*', '/admin/users', true],
    ['/admin/*', '/other', false],
    ['*/status', '/orders/1/status', true],
    ['*', '/anything', true],
    ['/orders/{*}', '/orders/1', true],
    ['/orders/{*}', '/orders/1/items', false],
    ['/orders/{*}/items', '/orders/1/items', true],
    ['/orders/{**}', '/orders/1/items/2', true],
    ['/a.b', '/aXb', false],
  ])('%s against %s is %s', (pattern, path, expected) => {
    expect(pathMatches(pattern, path)).toBe(expected);
  });
});

describe('parseAuthorizationPolicy', () => {
  it('accepts a valid policy unchanged', () => {
    expect(parseAuthorizationPolicy(inventory)).toEqual(inventory);
  });

  it('names every problem of a bad one', () => {
    const bad = { workload: 'Inventory', rules: [{ from: [{ source: { principals: ['cart-service'] } }], to: [{ operation: { methods: ['get'], paths: ['products'] } }] }] };
    expect(() => parseAuthorizationPolicy(bad)).toThrow(/workload: .*principals.0: .*methods.0: .*paths.0: /s);
  });
});

describe('principalOf and the Istio manifest', () => {
  it('turns a SPIFFE ID into an Istio principal', () => {
    expect(principalOf('spiffe://meshmart.local/ns/meshmart/sa/cart-service')).toBe(cart);
  });

  it('renders the same rules as an Istio AuthorizationPolicy for the workload', () => {
    const manifest = toIstioAuthorizationPolicy(inventory, 'meshmart');
    expect(manifest).toMatchObject({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'inventory-service', namespace: 'meshmart' },
      spec: { selector: { matchLabels: { app: 'inventory-service' } }, action: 'ALLOW', rules: inventory.rules },
    });
    expect(manifest.spec.rules).not.toBe(inventory.rules);
  });
});
