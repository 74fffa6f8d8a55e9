import { describe, expect, it } from 'vitest';
import type { KubeObject } from './kubernetes-render';
import { trafficParityProblems } from './traffic-policy-parity';

const rule = (trafficPolicy: object): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'cart', namespace: 'shop' },
  spec: { host: 'cart.shop.svc.cluster.local', trafficPolicy },
});
const policy = {
  loadBalancer: { simple: 'ROUND_ROBIN' },
  connectionPool: { tcp: { maxConnections: 10, connectTimeout: '1s' }, http: { http1MaxPendingRequests: 10, http2MaxRequests: 10, maxRetries: 3 } },
  outlierDetection: { consecutive5xxErrors: 3, consecutiveGatewayErrors: 3, interval: '5s', baseEjectionTime: '5s', maxEjectionPercent: 50 },
};
const compose = {
  name: 'cart',
  lb_policy: 'ROUND_ROBIN',
  connect_timeout: '1.000s',
  circuit_breakers: { thresholds: [{ max_connections: 10, max_pending_requests: 10, max_requests: 10, max_retries: 3 }] },
  outlier_detection: {
    consecutive_5xx: 3,
    enforcing_consecutive_5xx: 100,
    consecutive_gateway_failure: 3,
    enforcing_consecutive_gateway_failure: 100,
    enforcing_success_rate: 0,
    interval: '5s',
    base_ejection_time: '5s',
    max_ejection_percent: 50,
  },
};

describe("a DestinationRule against the compose sidecars' cluster for the same workload", () => {
  it('agrees when both mean the same to Envoy, durations compared by length', () => {
    expect(trafficParityProblems([rule(policy)], [{ file: 'envoy.yaml', cluster: compose }])).toEqual([]);
  });

  it("names a field one rendering leaves at Envoy's default where the other sets it", () => {
    const { enforcing_consecutive_gateway_failure: _left, ...outlier } = compose.outlier_detection;
    expect(trafficParityProblems([rule(policy)], [{ file: 'envoy.yaml', cluster: { ...compose, outlier_detection: outlier } }])).toEqual([
      'envoy.yaml: cluster "cart" and DestinationRule shop/cart (as Istio\'s Envoy cluster) differ on outlier_detection.enforcing_consecutive_gateway_failure: 0 (Envoy\'s default) in compose, 100 under Istio',
    ]);
    const { http2MaxRequests: _unset, ...http } = policy.connectionPool.http;
    expect(
      trafficParityProblems([rule({ ...policy, connectionPool: { ...policy.connectionPool, http } })], [{ file: 'envoy.yaml', cluster: compose }]),
    ).toEqual([
      'envoy.yaml: cluster "cart" and DestinationRule shop/cart (as Istio\'s Envoy cluster) differ on circuit_breakers.thresholds[0].max_requests: 10 in compose, 4294967295 under Istio',
    ]);
  });

  it('names outlier detection that only one rendering has, once', () => {
    const { outlier_detection: _none, ...withoutEjection } = compose;
    expect(trafficParityProblems([rule(policy)], [{ file: 'envoy.yaml', cluster: withoutEjection }])).toEqual([
      'envoy.yaml: cluster "cart" lacks outlier_detection, which DestinationRule shop/cart sets under Istio',
    ]);
  });

  it("compares a subset's own compose cluster (cart-v2) with the rule it inherits its policy from", () => {
    const withSubsets: KubeObject = { ...rule(policy), spec: { ...(rule(policy)['spec'] as object), subsets: [{ name: 'v2', labels: { version: '0.2.0' } }] } };
    expect(trafficParityProblems([withSubsets], [{ file: 'envoy.yaml', cluster: { ...compose, name: 'cart-v2' } }])).toEqual([]);
    expect(trafficParityProblems([withSubsets], [{ file: 'envoy.yaml', cluster: { ...compose, name: 'cart-v2', lb_policy: 'RANDOM' } }])).toEqual([
      'envoy.yaml: cluster "cart-v2" and DestinationRule shop/cart (as Istio\'s Envoy cluster) differ on lb_policy: "RANDOM" in compose, "ROUND_ROBIN" under Istio',
    ]);
  });
});
