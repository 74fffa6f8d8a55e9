import { resilienceDefaults } from '@meshmart/mesh';
import { describe, expect, it } from 'vitest';
import { istioClusterOf } from '../checks/istio-envoy-clusters';
import { envoyBootstrap } from '../envoy/envoy-bootstrap';
import { parseDuration } from '../envoy-schema/well-known-types';
import { trafficManifests } from '../kubernetes/workload-manifests';
import { orderService, paymentService } from '../traffic/repo-policies.fixture';

type Json = Record<string, unknown>;

/** A rendered Duration (`"5s"`, `"0.5s"`) in milliseconds. */
function ms(duration: unknown): number {
  const parsed = parseDuration(duration);
  if (!('value' in parsed)) throw new Error(parsed.problem);
  return Number(parsed.value) * 1_000;
}

/** What a proxy makes of the rendered numbers: an Envoy cluster and the default route's timeout and retries. */
interface ProxyView {
  cluster: Json;
  routeTimeout: unknown;
  retries: number;
  perTryTimeout: unknown;
}

/** payment-service as its callers' compose sidecar sees it (no traffic policy: the defaults alone). */
function composeView(): ProxyView {
  const config = envoyBootstrap(orderService, [paymentService], { workload: 'order-service', rules: [{}] });
  const cluster = config.static_resources.clusters.find((candidate) => (candidate as { name: string }).name === 'payment-service') as Json;
  const outbound = config.static_resources.listeners.find((listener) => (listener as { name: string }).name === 'outbound') as {
    filter_chains: { filters: { typed_config: { route_config: { virtual_hosts: { name: string; routes: { name: string; route: Json }[] }[] } } }[] }[];
  };
  const hosts = outbound.filter_chains[0]?.filters[0]?.typed_config.route_config.virtual_hosts ?? [];
  const route = hosts.flatMap((host) => host.routes).find((candidate) => candidate.name === 'idempotent-method')?.route ?? {};
  const retry = route['retry_policy'] as Json;
  return { cluster, routeTimeout: route['timeout'], retries: Number(retry['num_retries']), perTryTimeout: retry['per_try_timeout'] };
}

/** payment-service's DestinationRule as the Envoy cluster Istio makes of it, and its VirtualService's default route. */
function istioView(): ProxyView {
  const [rule, service] = trafficManifests(paymentService) as [
    { spec: { trafficPolicy: Json } },
    { spec: { http: { name: string; timeout: string; retries: Json }[] } },
  ];
  const route = service.spec.http.find((candidate) => candidate.name === 'idempotent-method');
  if (!route) throw new Error('no idempotent-method route');
  return {
    cluster: istioClusterOf(rule.spec.trafficPolicy),
    routeTimeout: route.timeout,
    retries: Number(route.retries['attempts']),
    perTryTimeout: route.retries['perTryTimeout'],
  };
}

describe.each([
  ['the compose sidecars (Envoy)', composeView],
  ['Istio (DestinationRule and VirtualService, as Envoy receives them)', istioView],
])('%s render resilienceDefaults, the numbers the library runs by', (_label, view) => {
  const { timeouts, retries, outlierDetection, connections } = resilienceDefaults;

  it('outlier detection: errors in a row, ejection time, sweep interval, share of the pool', () => {
    const detection = view().cluster['outlier_detection'] as Json;
    expect(detection['consecutive_5xx']).toBe(outlierDetection.consecutiveGatewayErrors);
    expect(detection['consecutive_gateway_failure']).toBe(outlierDetection.consecutiveGatewayErrors);
    expect(ms(detection['base_ejection_time'])).toBe(outlierDetection.baseEjectionMs);
    expect(ms(detection['interval'])).toBe(outlierDetection.intervalMs);
    expect(detection['max_ejection_percent']).toBe(outlierDetection.maxEjectionPercent);
    // Not rendered: Envoy's default max_ejection_time (300 s) must be the library's cap.
    expect(detection['max_ejection_time']).toBeUndefined();
    expect(outlierDetection.maxEjectionMs).toBe(300_000);
  });

  it('connection limits: calls in flight, calls waiting, retries at once, connect timeout', () => {
    const { cluster } = view();
    const [threshold] = (cluster['circuit_breakers'] as { thresholds: Json[] }).thresholds;
    expect(threshold).toMatchObject({
      max_requests: connections.maxConcurrentCalls,
      max_pending_requests: connections.maxQueuedCalls,
      max_connections: connections.maxConcurrentCalls,
      max_retries: retries.maxConcurrent,
    });
    expect(ms(cluster['connect_timeout'])).toBe(timeouts.connectMs);
  });

  it('timeouts and retries of an idempotent call', () => {
    const { routeTimeout, retries: rendered, perTryTimeout } = view();
    expect(ms(routeTimeout)).toBe(timeouts.callMs);
    expect(rendered + 1).toBe(retries.attempts);
    expect(ms(perTryTimeout)).toBe(timeouts.perTryMs);
  });
});
