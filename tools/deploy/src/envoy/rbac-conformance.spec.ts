import { describe, expect, it } from 'vitest';
import { authorizationConformance } from '@meshmart/mesh/tools';
import { envoyBootstrap, ISTIO_PATH_NORMALIZATION } from './envoy-bootstrap';
import { rbacFilters } from './rbac';
import { evaluateInbound } from './rbac-evaluator';

/**
 * The library's conformance table through the rendered Envoy config: each case's policies
 * rendered as RBAC filters behind the HCM path settings the bootstrap writes, evaluated as
 * Envoy would (rbac-evaluator). Same outcome as Istio's, case by case.
 */
describe('the authorization conformance table, against the rendered Envoy RBAC', () => {
  it.each(authorizationConformance.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const request = {
      uriSan: c.request.principal === undefined ? undefined : `spiffe://${c.request.principal}`,
      method: c.request.method,
      path: c.request.path,
    };
    expect(evaluateInbound(ISTIO_PATH_NORMALIZATION, rbacFilters(c.policies), request), c.source).toBe(c.expected);
  });

  it('is the inbound listener the bootstrap renders: normalization on its HCM, the RBAC filter before the router', () => {
    const workload = { name: 'inventory-service', port: 3003, edge: false } as Parameters<typeof envoyBootstrap>[0];
    const policy = { workload: 'inventory-service', rules: [{ to: [{ operation: { paths: ['/public*'] } }] }] };
    const inbound = (
      envoyBootstrap(workload, [], policy).static_resources.listeners[0] as { filter_chains: { filters: { typed_config: Record<string, unknown> }[] }[] }
    ).filter_chains[0]?.filters[0]?.typed_config;
    expect(inbound).toMatchObject(ISTIO_PATH_NORMALIZATION);
    const filters = inbound?.['http_filters'] as Record<string, unknown>[];
    expect(filters.map((filter) => filter['name'])).toEqual(['envoy.filters.http.rbac', 'envoy.filters.http.router']);
    const evaluate = (path: string) =>
      evaluateInbound(inbound as never, filters.slice(0, -1), { uriSan: 'spiffe://meshmart.local/ns/meshmart/sa/cart-service', method: 'GET', path });
    expect(evaluate('/public/x')).toBe('allow');
    expect(evaluate('/public/%2E%2E/private')).toBe('deny');
    // Without the HCM's normalization the same filters would let it through.
    expect(evaluateInbound({}, filters.slice(0, -1), { uriSan: 'spiffe://x', method: 'GET', path: '/public/%2E%2E/private' })).toBe('allow');
  });
});
