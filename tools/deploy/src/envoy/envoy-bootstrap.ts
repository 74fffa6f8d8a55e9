import { type AuthorizationPolicy, meshConfigSchema, type TrafficPolicy } from '@meshmart/mesh/tools';
import { subsetHostName } from '../traffic/policy-units';
import {
  type DefaultEnvoyRoute,
  envoyPolicyRoutes,
  FAULT_FILTER,
  faultFilterConfig,
  injectsFaults,
  routedSubsets,
  routesToWholeUpstream,
} from './envoy-traffic-routes';
import {
  callPolicy,
  COMPOSE_TRUST_DOMAIN,
  connectionPolicy,
  envoyPorts,
  NAMESPACE,
  outlierPolicy,
  SIDECAR_HOST_SUFFIX,
  type WorkloadDeployment,
} from '../platform/platform';
import { rbacFilters } from './rbac';

/** Where the `certs` job's volume is mounted in every sidecar (the layout of `meshmart certs`). */
export const ENVOY_CERT_DIR = '/etc/meshmart/certs';
export const LOCAL_APP_CLUSTER = 'local-app';
export const ADMIN_CLUSTER = 'envoy-admin';
const WORKLOAD_CERT_SECRET = 'workload-certificate';
const CA_SECRET = 'mesh-ca';

const tlsSocket = (type: 'Downstream' | 'Upstream', context: object) => ({
  name: 'envoy.transport_sockets.tls',
  typed_config: { '@type': `type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.${type}TlsContext`, ...context },
});
const router = (options: object = {}) => ({
  name: 'envoy.filters.http.router',
  typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router', ...options },
});
/**
 * Istio's default path normalization (mesh config `pathNormalization: BASE`) on every HTTP
 * connection manager, as pilot's listener builder sets it: RFC 3986 normalization before any
 * filter sees the path, slashes not merged, escaped slashes left as they are.
 */
export const ISTIO_PATH_NORMALIZATION = { normalize_path: true, merge_slashes: false, path_with_escaped_slashes_action: 'KEEP_UNCHANGED' } as const;

const socket = (address: string, port: number) => ({ socket_address: { address, port_value: port } });
const spiffeIdOf = (workload: string) => `spiffe://${COMPOSE_TRUST_DOMAIN}/ns/${NAMESPACE}/sa/${workload}`;

function httpListener(
  name: string,
  port: number,
  address: string,
  routeConfig: object,
  filters: object[],
  extra: { transport_socket?: object; hcm?: object } = {},
) {
  return {
    name,
    address: socket(address, port),
    filter_chains: [
      {
        ...(extra.transport_socket ? { transport_socket: extra.transport_socket } : {}),
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
              stat_prefix: name,
              ...ISTIO_PATH_NORMALIZATION,
              ...extra.hcm,
              route_config: { name, ...routeConfig },
              http_filters: filters,
            },
          },
        ],
      },
    ],
  };
}

function staticCluster(name: string, port: number) {
  return {
    name,
    type: 'STATIC',
    connect_timeout: '1s',
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: socket('127.0.0.1', port) } }] }] },
  };
}

/** The zone of every compose instance: none sets MESH_ZONE, so each registers the library's default. */
export const COMPOSE_ZONE: string = meshConfigSchema.shape.MESH_ZONE.parse(undefined);

/**
 * One upstream workload, or one subset of it (`payment-service-v2`): the compose DNS name its
 * instances answer (every replica, or the subset's alias), mTLS, balancing, ejection. With
 * locality on, its endpoints carry their zone and priority, and the policy's overprovisioning
 * factor decides when Envoy spills to the next priority (compose runs one zone: the settings
 * hold, the failover has nowhere to go).
 */
function upstreamCluster(upstream: WorkloadDeployment, policy: TrafficPolicy | undefined, dnsName: string = upstream.name) {
  const locality = policy?.spec.trafficPolicy?.locality;
  const lbEndpoints = [{ endpoint: { address: socket(dnsName, envoyPorts.inbound) } }];
  return {
    name: dnsName,
    type: 'STRICT_DNS',
    dns_lookup_family: 'V4_ONLY',
    connect_timeout: `${connectionPolicy.connectTimeoutSeconds}s`,
    lb_policy: upstream.balancer,
    load_assignment: locality?.enabled
      ? {
          cluster_name: dnsName,
          endpoints: [{ locality: { zone: COMPOSE_ZONE }, priority: 0, lb_endpoints: lbEndpoints }],
          policy: { overprovisioning_factor: locality.overprovisioningFactor },
        }
      : { cluster_name: dnsName, endpoints: [{ lb_endpoints: lbEndpoints }] },
    circuit_breakers: {
      thresholds: [
        {
          max_connections: connectionPolicy.maxConnections,
          max_pending_requests: connectionPolicy.maxPendingRequests,
          max_requests: connectionPolicy.maxRequests,
          max_retries: connectionPolicy.maxRetries,
        },
      ],
    },
    // Envoy enforces gateway-failure ejection 0 % of the time unless told; Istio (and the library) 100 %, success-rate ejection off.
    outlier_detection: {
      consecutive_5xx: outlierPolicy.consecutiveErrors,
      enforcing_consecutive_5xx: 100,
      consecutive_gateway_failure: outlierPolicy.consecutiveErrors,
      enforcing_consecutive_gateway_failure: 100,
      enforcing_success_rate: 0,
      interval: `${outlierPolicy.intervalSeconds}s`,
      base_ejection_time: `${outlierPolicy.baseEjectionSeconds}s`,
      max_ejection_percent: outlierPolicy.maxEjectionPercent,
    },
    health_checks: [{ timeout: '1s', interval: '5s', unhealthy_threshold: 2, healthy_threshold: 1, http_health_check: { path: '/health' } }],
    transport_socket: tlsSocket('Upstream', {
      common_tls_context: {
        tls_certificate_sds_secret_configs: [{ name: WORKLOAD_CERT_SECRET }],
        combined_validation_context: {
          default_validation_context: { match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: spiffeIdOf(upstream.name) } }] },
          validation_context_sds_secret_config: { name: CA_SECRET },
        },
      },
    }),
  };
}

/**
 * Retries as the library allows them: idempotent methods and calls with an idempotency key
 * are retried on 5xx and resets; any other call only when it never reached the upstream.
 */
function upstreamRoutes(upstream: string): DefaultEnvoyRoute[] {
  const route = (retryOn: string, attempts: number) => ({
    cluster: upstream,
    timeout: `${callPolicy.timeoutSeconds}s`,
    retry_policy: {
      retry_on: retryOn,
      num_retries: attempts - 1,
      per_try_timeout: `${callPolicy.perTryTimeoutSeconds}s`,
      retry_host_predicate: [
        {
          name: 'envoy.retry_host_predicates.previous_hosts',
          typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' },
        },
      ],
      host_selection_retry_max_attempts: 3,
    },
  });
  const idempotent = route('5xx,reset,connect-failure,refused-stream', callPolicy.idempotentAttempts);
  return [
    {
      name: 'idempotent-method',
      match: { prefix: '/', headers: [{ name: ':method', string_match: { safe_regex: { regex: '^(GET|HEAD|OPTIONS|PUT|DELETE)$' } } }] },
      route: idempotent,
    },
    { name: 'idempotency-key', match: { prefix: '/', headers: [{ name: 'idempotency-key', present_match: true }] }, route: idempotent },
    { name: 'other', match: { prefix: '/' }, route: route('connect-failure,refused-stream', callPolicy.idempotentAttempts) },
  ];
}

/**
 * The Envoy sidecar of one workload in compose. Listeners: `inbound` (mTLS with the mesh
 * certificates, RBAC from the library's policy, to the app on loopback) or, for the public
 * edge, `edge` (plaintext); `outbound` (loopback, one virtual host per upstream named
 * `<upstream>.sidecar`); `prometheus` (the app's /metrics and Envoy's stats, plaintext, as
 * Istio's port 15020). Admin stays on loopback.
 */
export function envoyBootstrap(
  workload: WorkloadDeployment,
  upstreams: readonly WorkloadDeployment[],
  policy: AuthorizationPolicy | undefined,
  traffic: ReadonlyMap<string, TrafficPolicy> = new Map(),
) {
  const listeners: object[] = [];
  const toApp = {
    virtual_hosts: [{ name: workload.name, domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: LOCAL_APP_CLUSTER, timeout: '0s' } }] }],
  };
  if (workload.edge) {
    listeners.push(httpListener('edge', envoyPorts.edge, '0.0.0.0', toApp, [router()], { hcm: { use_remote_address: true } }));
  } else {
    if (!policy) throw new Error(`${workload.name} serves over mTLS but has no authorization policy`);
    listeners.push(
      httpListener('inbound', envoyPorts.inbound, '0.0.0.0', toApp, [...rbacFilters([policy]), router()], {
        transport_socket: tlsSocket('Downstream', {
          require_client_certificate: true,
          common_tls_context: {
            tls_certificate_sds_secret_configs: [{ name: WORKLOAD_CERT_SECRET }],
            validation_context_sds_secret_config: { name: CA_SECRET },
          },
        }),
        // The app learns its caller's identity from the verified certificate, as behind Istio.
        hcm: { forward_client_cert_details: 'SANITIZE_SET', set_current_client_cert_details: { uri: true } },
      }),
    );
  }
  if (upstreams.length > 0) {
    const virtualHosts = upstreams.map((upstream) => {
      const host = `${upstream.name}.${SIDECAR_HOST_SUFFIX}`;
      return {
        name: upstream.name,
        domains: [host, `${host}:${envoyPorts.outbound}`],
        routes: envoyPolicyRoutes(upstream.name, traffic.get(upstream.name), upstreamRoutes(upstream.name)),
      };
    });
    // Faults are injected on the caller's side, as Istio does: the fault filter before the router, configured per route.
    const faults = upstreams.some((upstream) => injectsFaults(traffic.get(upstream.name)))
      ? [{ name: FAULT_FILTER, typed_config: faultFilterConfig(undefined) }]
      : [];
    // The caller's deadline (x-envoy-expected-rq-timeout-ms, set by the library) bounds the call.
    listeners.push(
      httpListener('outbound', envoyPorts.outbound, '127.0.0.1', { virtual_hosts: virtualHosts }, [...faults, router({ respect_expected_rq_timeout: true })]),
    );
  }
  const scrape = {
    virtual_hosts: [
      {
        name: 'prometheus',
        domains: ['*'],
        routes: [
          { match: { path: '/stats/prometheus' }, route: { cluster: ADMIN_CLUSTER } },
          { match: { path: '/metrics' }, route: { cluster: LOCAL_APP_CLUSTER } },
        ],
      },
    ],
  };
  listeners.push(httpListener('prometheus', envoyPorts.prometheus, '0.0.0.0', scrape, [router()]));

  const secrets =
    workload.edge && upstreams.length === 0
      ? []
      : [
          {
            name: WORKLOAD_CERT_SECRET,
            tls_certificate: {
              certificate_chain: { filename: `${ENVOY_CERT_DIR}/${workload.name}/tls.crt` },
              private_key: { filename: `${ENVOY_CERT_DIR}/${workload.name}/tls.key` },
            },
          },
          { name: CA_SECRET, validation_context: { trusted_ca: { filename: `${ENVOY_CERT_DIR}/ca.crt` } } },
        ];
  const localityAware = upstreams.some((upstream) => traffic.get(upstream.name)?.spec.trafficPolicy?.locality?.enabled);
  const clusters = upstreams.flatMap((upstream) => {
    const policy = traffic.get(upstream.name);
    return [
      ...(routesToWholeUpstream(policy) ? [upstreamCluster(upstream, policy)] : []),
      ...routedSubsets(policy).map((subset) => upstreamCluster(upstream, policy, subsetHostName(upstream.name, subset))),
    ];
  });
  return {
    // Envoy ranks localities by the caller's own: every compose sidecar is in the one zone.
    node: { id: workload.name, cluster: workload.name, ...(localityAware ? { locality: { zone: COMPOSE_ZONE } } : {}) },
    admin: { address: socket('127.0.0.1', envoyPorts.admin) },
    static_resources: {
      secrets,
      listeners,
      clusters: [staticCluster(LOCAL_APP_CLUSTER, workload.port), staticCluster(ADMIN_CLUSTER, envoyPorts.admin), ...clusters],
    },
  };
}
