import type { TrafficPolicy } from '@meshmart/mesh/tools';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { envoyProblems } from '../checks/envoy-references';
import { envoyBootstrapProblems } from '../envoy-schema/envoy-config';
import { envoyApi } from '../envoy-schema/envoy-protos';
import type { WorkloadDeployment } from '../platform/platform';
import { inventoryService, orderService, paymentPolicyOf, paymentService as repoPayment, repoPolicies } from '../traffic/repo-policies.fixture';
import { envoyBootstrap } from './envoy-bootstrap';

const deployment = (name: WorkloadDeployment['name'], upstreams: WorkloadDeployment['upstreams'] = []): WorkloadDeployment => ({
  name,
  port: 8082,
  upstreams,
  replicas: 2,
  edge: false,
  persistence: false,
  balancer: 'LEAST_REQUEST',
});
const caller = deployment('order-service', ['payment-service']);
const payment = deployment('payment-service');
const allowAll = { workload: 'order-service', rules: [{}] };

type Route = { name: string; match: Record<string, unknown>; route: Record<string, unknown>; typed_per_filter_config?: Record<string, unknown> };
function sidecar(policy: TrafficPolicy) {
  const config = envoyBootstrap(caller, [payment], allowAll, new Map([['payment-service', policy]]));
  const outbound = config.static_resources.listeners.find((listener) => (listener as { name: string }).name === 'outbound') as {
    filter_chains: { filters: { typed_config: { http_filters: { name: string }[]; route_config: { virtual_hosts: { routes: Route[] }[] } } }[] }[];
  };
  const manager = outbound.filter_chains[0]?.filters[0]?.typed_config;
  return {
    config,
    routes: manager?.route_config.virtual_hosts[0]?.routes ?? [],
    filters: (manager?.http_filters ?? []).map((filter) => filter.name),
    text: stringify(config),
  };
}

// Envoy's protos load once, in seconds on a busy machine: paid here, with room, not inside a test's budget.
beforeAll(() => {
  envoyApi();
}, 60_000);

describe('a traffic policy in the compose sidecar of its callers', () => {
  it('splits by weighted clusters, one per subset, weights exactly as the policy gives them, and the config validates', () => {
    const { routes, text, config } = sidecar(
      paymentPolicyOf({
        http: [
          {
            route: [
              { destination: { subset: 'v1' }, weight: 90 },
              { destination: { subset: 'v2' }, weight: 10 },
            ],
          },
        ],
      }),
    );
    expect(routes.map((route) => route.name)).toEqual(['route-0-idempotent-method', 'route-0-idempotency-key', 'route-0-other']);
    for (const route of routes)
      expect(route.route['weighted_clusters']).toEqual({
        clusters: [
          { name: 'payment-service-v1', weight: 90 },
          { name: 'payment-service-v2', weight: 10 },
        ],
      });
    // The library's retry classes stay: only idempotent calls retry on 5xx.
    expect(routes.map((route) => (route.route['retry_policy'] as { retry_on: string }).retry_on)).toEqual([
      '5xx,reset,connect-failure,refused-stream',
      '5xx,reset,connect-failure,refused-stream',
      'connect-failure,refused-stream',
    ]);
    expect(config.static_resources.clusters.map((cluster) => (cluster as { name: string }).name)).toEqual([
      'local-app',
      'envoy-admin',
      'payment-service-v1',
      'payment-service-v2',
    ]);
    expect([...envoyProblems('order-service.yaml', text), ...envoyBootstrapProblems('order-service.yaml', text)]).toEqual([]);
  });

  it("puts a header-matched route first, all of it to its subset, split into the library's retry classes", () => {
    const { routes } = sidecar(
      paymentPolicyOf({
        http: [{ name: 'testers', match: [{ headers: { 'x-canary': { exact: 'always' } } }], route: [{ destination: { subset: 'v2' }, weight: 100 }] }],
      }),
    );
    const canary = { name: 'x-canary', string_match: { exact: 'always' } };
    expect(
      routes.slice(0, 3).map((route) => [route.name, route.match, route.route['cluster'], (route.route['retry_policy'] as { retry_on: string }).retry_on]),
    ).toEqual([
      [
        'testers-idempotent-method',
        { prefix: '/', headers: [{ name: ':method', string_match: { safe_regex: { regex: '^(GET|HEAD|OPTIONS|PUT|DELETE)$' } } }, canary] },
        'payment-service-v2',
        '5xx,reset,connect-failure,refused-stream',
      ],
      [
        'testers-idempotency-key',
        { prefix: '/', headers: [canary, { name: 'idempotency-key', string_match: { safe_regex: { regex: '.+' } } }] },
        'payment-service-v2',
        '5xx,reset,connect-failure,refused-stream',
      ],
      // Any other call (a POST without a key) is retried only where it never reached the upstream.
      ['testers', { prefix: '/', headers: [canary] }, 'payment-service-v2', 'connect-failure,refused-stream'],
    ]);
    expect(routes.slice(3).map((route) => route.route['cluster'])).toEqual(['payment-service', 'payment-service', 'payment-service']);
  });

  it("injects faults per route through the fault filter, percentages as Envoy's FractionalPercent, and the config validates", () => {
    const { routes, filters, text } = sidecar(
      paymentPolicyOf({
        http: [
          {
            match: [{ method: { exact: 'GET' } }],
            route: [{ destination: {} }],
            fault: { abort: { httpStatus: 503, percentage: { value: 20 } }, delay: { fixedDelay: '2s', percentage: { value: 12.5 } } },
          },
        ],
      }),
    );
    expect(filters).toEqual(['envoy.filters.http.fault', 'envoy.filters.http.router']);
    expect(routes[0]?.typed_per_filter_config).toEqual({
      'envoy.filters.http.fault': {
        '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
        delay: { fixed_delay: '2s', percentage: { numerator: 1250, denominator: 'TEN_THOUSAND' } },
        abort: { http_status: 503, percentage: { numerator: 20, denominator: 'HUNDRED' } },
      },
    });
    expect(routes.slice(1).every((route) => route.typed_per_filter_config === undefined)).toBe(true);
    expect([...envoyProblems('order-service.yaml', text), ...envoyBootstrapProblems('order-service.yaml', text)]).toEqual([]);
    // The per-route config is checked through its @type against Envoy's fault proto.
    expect(envoyBootstrapProblems('order-service.yaml', text.replace('denominator: HUNDRED', 'denominator: PERCENT'))).toEqual([
      'order-service.yaml: static_resources.listeners[1].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].typed_per_filter_config["envoy.filters.http.fault"].abort.percentage.denominator: "PERCENT" is no value of envoy.type.v3.FractionalPercent.DenominatorType (HUNDRED, TEN_THOUSAND, MILLION)',
    ]);
  });

  it('mirrors to a subset cluster that the file defines, at the policy percentage', () => {
    const { routes, text } = sidecar(
      paymentPolicyOf({ http: [{ route: [{ destination: { subset: 'v1' } }], mirror: { subset: 'v2' }, mirrorPercentage: { value: 50 } }] }),
    );
    expect(routes[0]?.route['request_mirror_policies']).toEqual([
      { cluster: 'payment-service-v2', runtime_fraction: { default_value: { numerator: 50, denominator: 'HUNDRED' } } },
    ]);
    expect([...envoyProblems('order-service.yaml', text), ...envoyBootstrapProblems('order-service.yaml', text)]).toEqual([]);
    // The cross-reference check catches a mirror cluster that is not defined.
    const broken = text.replace(/name: payment-service-v2\n/, 'name: payment-service-v3\n');
    expect(envoyProblems('order-service.yaml', broken)).toContain(
      'order-service.yaml: a route sends to cluster "payment-service-v2", which the file does not define',
    );
  });

  it('sets the locality, priority and overprovisioning factor of a locality-aware upstream', () => {
    const { config, text } = sidecar(paymentPolicyOf({ trafficPolicy: { locality: { enabled: true, overprovisioningFactor: 150 } } }));
    expect(config.node).toEqual({ id: 'order-service', cluster: 'order-service', locality: { zone: 'local' } });
    const cluster = config.static_resources.clusters.find((candidate) => (candidate as { name: string }).name === 'payment-service') as {
      load_assignment: object;
    };
    expect(cluster.load_assignment).toMatchObject({ endpoints: [{ locality: { zone: 'local' }, priority: 0 }], policy: { overprovisioning_factor: 150 } });
    expect(envoyBootstrapProblems('order-service.yaml', text)).toEqual([]);
  });
});

describe("the repo's own policies in a caller's sidecar", () => {
  it('pins the routes and clusters order-service gets for infra/traffic/*.yaml', async () => {
    const config = envoyBootstrap(orderService, [inventoryService, repoPayment], { workload: 'order-service', rules: [{}] }, repoPolicies);
    const outbound = config.static_resources.listeners.find((listener) => (listener as { name: string }).name === 'outbound');
    const shape = { node: config.node, outbound, clusters: config.static_resources.clusters.slice(2) };
    await expect(stringify(shape, { lineWidth: 0, aliasDuplicateObjects: false })).toMatchFileSnapshot('./__golden__/order-service.outbound.yaml');
  });
});
