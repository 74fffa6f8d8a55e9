import { describe, expect, it } from 'vitest';
import { type AuthorizationPolicy, principalOf } from './authorization-policy';
import { authorizationConformance } from './conformance/authorization-conformance';
import { toIstioAuthorizationPolicy } from './istio-authorization-policy';
import { authorize, authorizeWorkload } from './policy-matcher';
import { parseAuthorizationPolicy } from './policy-validation';

const cart = 'meshmart.local/ns/meshmart/sa/cart-service';
const order = 'meshmart.local/ns/meshmart/sa/order-service';

const inventory: AuthorizationPolicy = {
  workload: 'inventory-service',
  rules: [
    { from: [{ source: { principals: [cart, order] } }], to: [{ operation: { methods: ['GET'], paths: ['/products', '/products/{*}'] } }] },
    { from: [{ source: { principals: [order] } }], to: [{ operation: { methods: ['POST', 'DELETE'], paths: ['/reservations/{**}', '/reservations'] } }] },
  ],
};

describe('the authorization conformance table, against the in-process matcher', () => {
  it('has at least 100 cases, each naming its source', () => {
    expect(authorizationConformance.length).toBeGreaterThanOrEqual(100);
    for (const { source } of authorizationConformance) expect(source).toMatch(/^(Istio|Envoy) /);
  });

  it('holds only policies Istio admits', () => {
    for (const { policies } of authorizationConformance) for (const policy of policies) expect(() => parseAuthorizationPolicy(policy)).not.toThrow();
  });

  it.each(authorizationConformance.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const decision = authorizeWorkload('httpbin', c.policies, c.request);
    const outcome = decision.allowed ? 'allow' : decision.malformed ? 'reject' : 'deny';
    expect(outcome, c.source).toBe(c.expected);
  });
});

describe('authorize', () => {
  it('allows a listed principal on a listed operation, naming the rule', () => {
    expect(authorize(inventory, { principal: cart, method: 'GET', path: '/products/42' })).toEqual({ allowed: true, rule: 0 });
    expect(authorize(inventory, { principal: order, method: 'POST', path: '/reservations/o-1/release' })).toEqual({ allowed: true, rule: 1 });
  });

  it('denies by default, saying who asked for what after normalization', () => {
    expect(authorize(inventory, { principal: cart, method: 'POST', path: '/reservations' }).allowed).toBe(false);
    expect(authorize(inventory, { principal: cart, method: 'GET', path: '/products/42/secret' }).allowed).toBe(false);
    const plaintext = authorize(inventory, { principal: undefined, method: 'GET', path: '/products/../admin?x=1' });
    expect(plaintext).toEqual({ allowed: false, reason: "no rule of inventory-service's policy allows an unauthenticated caller to GET /admin" });
  });

  it('refuses a malformed request before any rule, as a 400', () => {
    expect(authorize({ workload: 'x', rules: [{}] }, { principal: cart, method: 'GET', path: '/a%00' })).toEqual({
      allowed: false,
      reason: 'malformed request: the path holds %00',
      malformed: true,
    });
    expect(authorize({ workload: 'x', rules: [{}] }, { principal: cart, method: 'post', path: '/' })).toMatchObject({ allowed: false, malformed: true });
  });

  it('names the DENY rule that refused', () => {
    const deny: AuthorizationPolicy = {
      workload: 'x',
      action: 'DENY',
      rules: [{ to: [{ operation: { paths: ['/a'] } }] }, { to: [{ operation: { paths: ['/b'] } }] }],
    };
    expect(authorize(deny, { principal: cart, method: 'GET', path: '/b' })).toEqual({
      allowed: false,
      reason: `rule 1 of x's DENY policy refuses ${cart} to GET /b`,
    });
    expect(authorize(deny, { principal: cart, method: 'GET', path: '/c' })).toEqual({ allowed: true });
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

  it('renders a DENY policy under its own name', () => {
    const manifest = toIstioAuthorizationPolicy(
      { workload: 'inventory-service', action: 'DENY', rules: [{ to: [{ operation: { notMethods: ['GET'] } }] }] },
      'meshmart',
    );
    expect(manifest.metadata.name).toBe('inventory-service-deny');
    expect(manifest.spec).toMatchObject({ action: 'DENY', rules: [{ to: [{ operation: { notMethods: ['GET'] } }] }] });
  });
});
