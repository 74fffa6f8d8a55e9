import { describe, expect, it } from 'vitest';
import { destinationRuleProblems, istioClusterOf } from './istio-envoy-clusters';
import type { KubeObject } from './kubernetes-render';

const MAX = 4_294_967_295;
const rule = (trafficPolicy: object, subsets: object[] = []): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'cart', namespace: 'shop' },
  spec: { host: 'cart.shop.svc.cluster.local', trafficPolicy, subsets },
});

describe('DestinationRule traffic policies as Istio translates them into Envoy clusters', () => {
  it("puts the connection pool over Istio's unlimited defaults, leaving zero (unset) values at the default", () => {
    const cluster = istioClusterOf({
      connectionPool: { tcp: { maxConnections: 100, connectTimeout: '2s' }, http: { http1MaxPendingRequests: 10, maxRetries: 0, maxRequestsPerConnection: 0 } },
    });
    expect(cluster).toEqual({
      lb_policy: 'LEAST_REQUEST',
      connect_timeout: '2s',
      circuit_breakers: { thresholds: [{ max_connections: 100, max_pending_requests: 10, max_requests: MAX, max_retries: MAX, track_remaining: true }] },
    });
  });

  it('keeps per-connection limits and idle timeouts in the HTTP protocol options', () => {
    const cluster = istioClusterOf({ connectionPool: { http: { maxRequestsPerConnection: 5, idleTimeout: '30s' } } });
    expect(cluster['typed_extension_protocol_options']).toMatchObject({
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { common_http_protocol_options: { idle_timeout: '30s', max_requests_per_connection: 5 } },
    });
  });

  it('enforces every counted ejection fully, turns success-rate ejection off and sets the panic threshold', () => {
    expect(
      istioClusterOf({
        loadBalancer: { simple: 'ROUND_ROBIN' },
        outlierDetection: { consecutive5xxErrors: 3, consecutiveGatewayErrors: 0, interval: '5s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      }),
    ).toEqual({
      lb_policy: 'ROUND_ROBIN',
      outlier_detection: {
        enforcing_success_rate: 0,
        consecutive_5xx: 3,
        enforcing_consecutive_5xx: 100,
        consecutive_gateway_failure: 0,
        enforcing_consecutive_gateway_failure: 0,
        interval: '5s',
        base_ejection_time: '30s',
        max_ejection_percent: 50,
      },
      common_lb_config: { healthy_panic_threshold: { value: 0 } },
    });
  });

  it("checks each policy, subsets' too, with Envoy's rules", () => {
    expect(
      destinationRuleProblems([
        rule({ outlierDetection: { interval: '5' } }, [{ name: 'v2', trafficPolicy: { connectionPool: { tcp: { connectTimeout: '0s' } } } }]),
      ]),
    ).toEqual([
      'DestinationRule shop/cart spec.trafficPolicy (as Istio\'s Envoy cluster): outlier_detection.interval: "5" is not a Duration',
      "DestinationRule shop/cart spec.subsets[0].trafficPolicy (as Istio's Envoy cluster): connect_timeout: 0s must be > 0s",
    ]);
    expect(
      destinationRuleProblems([rule({ loadBalancer: { simple: 'LEAST_REQUEST' }, outlierDetection: { consecutive5xxErrors: 3, maxEjectionPercent: 50 } })]),
    ).toEqual([]);
  });
});
