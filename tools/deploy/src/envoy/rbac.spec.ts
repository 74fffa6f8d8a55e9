import { describe, expect, it } from 'vitest';
import { pathMatches } from '@meshmart/mesh';
import { istioPathRegex, rbacFilter } from './rbac';

describe('istioPathRegex', () => {
  it.each([
    ['/products/{*}', '/products/MUG-001'],
    ['/products/{*}', '/products/a/b'],
    ['/admin/*', '/admin/x/y'],
    ['*/status', '/a/status'],
    ['/health', '/health'],
    ['/health', '/healthz'],
    ['/carts/{*}/lines/{*}', '/carts/u1/lines/MUG-001'],
    ['/files/{**}', '/files/a/b/c'],
  ])('matches %s against %s exactly as the library does', (pattern, path) => {
    expect(new RegExp(istioPathRegex(pattern)).test(path)).toBe(pathMatches(pattern, path));
  });
});

describe('rbacFilter', () => {
  it('renders each rule as an Envoy policy: methods and paths, principals by SPIFFE ID, * as any mesh peer', () => {
    const filter = rbacFilter({ workload: 'inventory-service', rules: [{ from: [{ source: { principals: ['meshmart.local/ns/meshmart/sa/order-service'] } }], to: [{ operation: { methods: ['POST'], paths: ['/reservations'] } }] }, { from: [{ source: { principals: ['*'] } }] }] });
    expect(filter.typed_config.rules).toEqual({
      action: 'ALLOW',
      policies: {
        'rule-0': {
          permissions: [{ and_rules: { rules: [{ header: { name: ':method', string_match: { exact: 'POST' } } }, { url_path: { path: { safe_regex: { regex: '^/reservations$' } } } }] } }],
          principals: [{ authenticated: { principal_name: { exact: 'spiffe://meshmart.local/ns/meshmart/sa/order-service' } } }],
        },
        'rule-1': { permissions: [{ any: true }], principals: [{ authenticated: { principal_name: { prefix: 'spiffe://' } } }] },
      },
    });
  });
});
