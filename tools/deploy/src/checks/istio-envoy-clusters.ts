import { envoyMessageProblems } from '../envoy-schema/envoy-config';
import { describe, type KubeObject } from './kubernetes-render';

type Json = Record<string, unknown>;

const UINT32_MAX = 4_294_967_295;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const positive = (value: unknown) => typeof value === 'number' && value > 0;
/** Istio's wrappers (`consecutive5xxErrors`) come as a number; a `{ value }` object is accepted too. */
const wrapped = (value: unknown) => (isObject(value) ? value['value'] : value);

/**
 * A DestinationRule `trafficPolicy` as the Envoy cluster fields Istio's translation makes of it
 * (pilot/pkg/networking/core/cluster_traffic_policy.go): the connection pool becomes one
 * circuit-breaker threshold over Istio's defaults (2^32-1 each, remaining tracked), the
 * connect timeout and HTTP protocol options; outlier detection keeps Istio's enforcing
 * percentages (100 where a count is set, success rate off) and sets the panic threshold from
 * minHealthPercent; the simple balancer becomes lb_policy. Values are copied as the rule states
 * them, so a wrong one reaches Envoy's own rules.
 */
export function istioClusterOf(trafficPolicy: Json): Json {
  const cluster: Json = { lb_policy: lbPolicy(trafficPolicy['loadBalancer']) };
  const pool = trafficPolicy['connectionPool'];
  if (isObject(pool)) Object.assign(cluster, connectionPoolFields(pool));
  const outlier = trafficPolicy['outlierDetection'];
  if (isObject(outlier)) Object.assign(cluster, outlierFields(outlier));
  return cluster;
}

function lbPolicy(loadBalancer: unknown): string {
  const simple = isObject(loadBalancer) ? loadBalancer['simple'] : undefined;
  if (simple === 'RANDOM' || simple === 'ROUND_ROBIN') return simple;
  if (simple === 'PASSTHROUGH') return 'CLUSTER_PROVIDED';
  return 'LEAST_REQUEST'; // LEAST_REQUEST, LEAST_CONN and Istio's default
}

function connectionPoolFields(pool: Json): Json {
  const http = isObject(pool['http']) ? pool['http'] : {};
  const tcp = isObject(pool['tcp']) ? pool['tcp'] : {};
  const threshold: Json = {
    max_retries: UINT32_MAX,
    max_requests: UINT32_MAX,
    max_connections: UINT32_MAX,
    max_pending_requests: UINT32_MAX,
    track_remaining: true,
  };
  if (positive(http['http2MaxRequests'])) threshold['max_requests'] = http['http2MaxRequests'];
  if (positive(http['http1MaxPendingRequests'])) threshold['max_pending_requests'] = http['http1MaxPendingRequests'];
  if (positive(http['maxRetries'])) threshold['max_retries'] = http['maxRetries'];
  if (positive(tcp['maxConnections'])) threshold['max_connections'] = tcp['maxConnections'];
  const fields: Json = { circuit_breakers: { thresholds: [threshold] } };
  if (tcp['connectTimeout'] !== undefined) fields['connect_timeout'] = tcp['connectTimeout'];
  const common: Json = {};
  const idleTimeout = http['idleTimeout'] ?? tcp['idleTimeout'];
  if (idleTimeout !== undefined) common['idle_timeout'] = idleTimeout;
  if (positive(http['maxRequestsPerConnection'])) common['max_requests_per_connection'] = http['maxRequestsPerConnection'];
  if (tcp['maxConnectionDuration'] !== undefined) common['max_connection_duration'] = tcp['maxConnectionDuration'];
  if (Object.keys(common).length > 0) {
    // Istio picks the protocol from the Service port; HTTP/1.1 stands in for it here.
    fields['typed_extension_protocol_options'] = {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        common_http_protocol_options: common,
        explicit_http_config: { http_protocol_options: {} },
      },
    };
  }
  return fields;
}

function outlierFields(outlier: Json): Json {
  const detection: Json = { enforcing_success_rate: 0 };
  const counted = (count: unknown, field: string, enforcing: string) => {
    const value = wrapped(count);
    if (value === undefined) return;
    detection[field] = value;
    detection[enforcing] = positive(value) ? 100 : value;
  };
  counted(outlier['consecutive5xxErrors'], 'consecutive_5xx', 'enforcing_consecutive_5xx');
  counted(outlier['consecutiveGatewayErrors'], 'consecutive_gateway_failure', 'enforcing_consecutive_gateway_failure');
  if (outlier['interval'] !== undefined) detection['interval'] = outlier['interval'];
  if (outlier['baseEjectionTime'] !== undefined) detection['base_ejection_time'] = outlier['baseEjectionTime'];
  if (positive(outlier['maxEjectionPercent'])) detection['max_ejection_percent'] = outlier['maxEjectionPercent'];
  if (outlier['splitExternalLocalOriginErrors'] === true) {
    detection['split_external_local_origin_errors'] = true;
    const local = wrapped(outlier['consecutiveLocalOriginFailures']);
    if (positive(local)) Object.assign(detection, { consecutive_local_origin_failure: local, enforcing_consecutive_local_origin_failure: 100 });
    detection['enforcing_local_origin_success_rate'] = 0;
  }
  const minHealthPercent = outlier['minHealthPercent'] ?? 0;
  return { outlier_detection: detection, common_lb_config: { healthy_panic_threshold: { value: minHealthPercent } } };
}

/** The traffic policies of a DestinationRule: the rule's own, then each subset's. */
function trafficPolicies(rule: KubeObject): [string, Json][] {
  const spec = isObject(rule['spec']) ? rule['spec'] : {};
  const subsets = Array.isArray(spec['subsets']) ? spec['subsets'].filter(isObject) : [];
  return [
    ...(isObject(spec['trafficPolicy']) ? [['spec.trafficPolicy', spec['trafficPolicy']] as [string, Json]] : []),
    ...subsets.flatMap((subset, index) =>
      isObject(subset['trafficPolicy']) ? [[`spec.subsets[${index}].trafficPolicy`, subset['trafficPolicy']] as [string, Json]] : [],
    ),
  ];
}

/**
 * Every DestinationRule's traffic policies, translated as Istio does, checked by the same
 * validator as the compose sidecars' configs: outlier detection and connection pools are the
 * same Envoy messages (Cluster.OutlierDetection, CircuitBreakers) in both renderings.
 */
export function destinationRuleProblems(objects: readonly KubeObject[]): string[] {
  return objects
    .filter((object) => object.kind === 'DestinationRule')
    .flatMap((rule) => {
      const host = isObject(rule['spec']) && typeof rule['spec']['host'] === 'string' ? rule['spec']['host'] : rule.metadata.name;
      return trafficPolicies(rule).flatMap(([where, policy]) =>
        envoyMessageProblems(`${describe(rule)} ${where} (as Istio's Envoy cluster)`, 'envoy.config.cluster.v3.Cluster', {
          name: `outbound||${host}`,
          ...istioClusterOf(policy),
        }),
      );
    });
}
