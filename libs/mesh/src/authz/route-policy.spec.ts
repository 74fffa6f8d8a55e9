import { RequestMethod } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { istioPath, policyFromRoutes } from './route-policy';

const naming = { trustDomain: 'meshmart.local', namespace: 'meshmart' };

describe('policyFromRoutes', () => {
  it('turns @AllowFrom, @AllowAnyPeer and @AllowSource into ALLOW rules on the route, routes without access into none', () => {
    const policy = policyFromRoutes(
      'inventory-service',
      [
        { method: RequestMethod.GET, path: '/products/:sku', access: { kind: 'workloads', workloads: ['cart-service'] } },
        { method: RequestMethod.GET, path: '/health', access: { kind: 'any-peer' } },
        {
          method: RequestMethod.POST,
          path: 'batch/',
          access: { kind: 'source', source: { principals: ['meshmart.local/ns/meshmart/sa/batch-*'], notPrincipals: ['*/sa/batch-test'] } },
        },
        { method: RequestMethod.DELETE, path: '/products/:sku', access: undefined },
      ],
      naming,
    );
    expect(policy).toEqual({
      workload: 'inventory-service',
      rules: [
        {
          from: [{ source: { principals: ['meshmart.local/ns/meshmart/sa/cart-service'] } }],
          to: [{ operation: { methods: ['GET'], paths: ['/products/{*}'] } }],
        },
        { from: [{ source: { principals: ['*'] } }], to: [{ operation: { methods: ['GET'], paths: ['/health'] } }] },
        {
          from: [{ source: { principals: ['meshmart.local/ns/meshmart/sa/batch-*'], notPrincipals: ['*/sa/batch-test'] } }],
          to: [{ operation: { methods: ['POST'], paths: ['/batch'] } }],
        },
      ],
    });
  });

  it("refuses what Istio's webhook would refuse, naming it", () => {
    expect(() => policyFromRoutes('x', [{ method: RequestMethod.GET, path: '/a', access: { kind: 'source', source: { principals: [''] } } }], naming)).toThrow(
      /principals: empty value not allowed/,
    );
    expect(() => policyFromRoutes('x', [{ method: RequestMethod.GET, path: '/a', access: { kind: 'source', source: {} } }], naming)).toThrow(
      /`from.source` must not be empty/,
    );
  });

  it('writes Nest params as {*} and a wildcard as {**}', () => {
    expect(istioPath('carts/:id/lines/:sku/')).toBe('/carts/{*}/lines/{*}');
    expect(istioPath('files/*')).toBe('/files/{**}');
  });
});
