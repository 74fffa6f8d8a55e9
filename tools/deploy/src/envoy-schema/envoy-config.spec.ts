import { beforeAll, describe, expect, it } from 'vitest';
import { envoyBootstrapProblems, envoyMessageProblems } from './envoy-config';
import { envoyApi } from './envoy-protos';

const ROUTER = { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } };

/** A small bootstrap in the shape the generator writes, with one listener and one cluster. */
const bootstrap = (cluster: object = {}, hcm: object = {}) => `
static_resources:
  listeners:
    - name: inbound
      address: { socket_address: { address: 0.0.0.0, port_value: 15006 } }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config: ${JSON.stringify({
                '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                stat_prefix: 'inbound',
                route_config: {
                  name: 'inbound',
                  virtual_hosts: [{ name: 'app', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'app', timeout: '0s' } }] }],
                },
                http_filters: [ROUTER],
                ...hcm,
              })}
  clusters:
    - ${JSON.stringify({ name: 'app', type: 'STATIC', connect_timeout: '1s', load_assignment: { cluster_name: 'app', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 8080 } } } }] }] }, ...cluster })}
`;
const HCM = 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config';

beforeAll(() => {
  envoyApi(); // loads Envoy's protos once (about half a second)
});

describe("an Envoy bootstrap checked against Envoy's v3 API", () => {
  it('passes a well-formed bootstrap, field names in either JSON spelling', () => {
    expect(envoyBootstrapProblems('envoy.yaml', bootstrap())).toEqual([]);
    expect(envoyBootstrapProblems('envoy.yaml', bootstrap({ connect_timeout: null, connectTimeout: '0.250s', dnsLookupFamily: 'V4_ONLY' }))).toEqual([]);
  });

  it('refuses unknown fields at any depth, inside a typed_config too', () => {
    expect(envoyBootstrapProblems('envoy.yaml', bootstrap({ outlier_detection: { intervall: '5s' } }))).toEqual([
      'envoy.yaml: static_resources.clusters[0].outlier_detection.intervall: no such field in envoy.config.cluster.v3.OutlierDetection',
    ]);
    expect(envoyBootstrapProblems('envoy.yaml', bootstrap({}, { use_remote_adress: true }))).toEqual([
      `envoy.yaml: ${HCM}.use_remote_adress: no such field in envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
    ]);
    expect(envoyBootstrapProblems('envoy.yaml', `${bootstrap()}\nadmn: {}\n`)).toEqual([
      'envoy.yaml: admn: no such field in envoy.config.bootstrap.v3.Bootstrap',
    ]);
  });

  it('refuses a field set under both its spellings', () => {
    expect(envoyBootstrapProblems('envoy.yaml', bootstrap({ connectTimeout: '2s' }))).toEqual([
      'envoy.yaml: static_resources.clusters[0].connectTimeout: sets the same field as connect_timeout',
    ]);
  });

  it('resolves every typed_config through its @type, and refuses one Envoy does not know', () => {
    const unknown = { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Routr' } };
    expect(envoyBootstrapProblems('envoy.yaml', bootstrap({}, { http_filters: [unknown] }))).toEqual([
      `envoy.yaml: ${HCM}.http_filters[0].typed_config: @type "type.googleapis.com/envoy.extensions.filters.http.router.v3.Routr" names no message of Envoy's API`,
    ]);
    const untyped = { name: 'envoy.filters.http.router', typed_config: { suppress_envoy_headers: true } };
    expect(envoyBootstrapProblems('envoy.yaml', bootstrap({}, { http_filters: [untyped] }))).toEqual([
      `envoy.yaml: ${HCM}.http_filters[0].typed_config: has no @type`,
    ]);
    const wrongField = { ...ROUTER, typed_config: { ...ROUTER.typed_config, respect_expected_rq_timeout: 'yes' } };
    expect(envoyBootstrapProblems('envoy.yaml', bootstrap({}, { http_filters: [wrongField] }))).toEqual([
      `envoy.yaml: ${HCM}.http_filters[0].typed_config.respect_expected_rq_timeout: "yes" is not a boolean`,
    ]);
  });

  it("checks a TypedStruct's value as the message its type_url names", () => {
    const typedStruct = {
      name: 'envoy.filters.http.router',
      typed_config: {
        '@type': 'type.googleapis.com/xds.type.v3.TypedStruct',
        type_url: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
        value: { dynamic_stats: 'no' },
      },
    };
    expect(envoyBootstrapProblems('envoy.yaml', bootstrap({}, { http_filters: [typedStruct] }))).toEqual([
      `envoy.yaml: ${HCM}.http_filters[0].typed_config.value.dynamic_stats: "no" is not a boolean`,
    ]);
  });

  it('reads durations, wrappers, enums and integers by their JSON forms', () => {
    expect(
      envoyBootstrapProblems(
        'envoy.yaml',
        bootstrap({
          connect_timeout: 1,
          lb_policy: 'LEAST_REQUESTS',
          per_connection_buffer_limit_bytes: '32768',
          circuit_breakers: { thresholds: [{ max_connections: 1.5 }] },
        }),
      ),
    ).toEqual([
      'envoy.yaml: static_resources.clusters[0].connect_timeout: 1 is not a Duration',
      'envoy.yaml: static_resources.clusters[0].lb_policy: "LEAST_REQUESTS" is no value of envoy.config.cluster.v3.Cluster.LbPolicy (ROUND_ROBIN, LEAST_REQUEST, RING_HASH, RANDOM, MAGLEV, CLUSTER_PROVIDED, LOAD_BALANCING_POLICY_CONFIG)',
      'envoy.yaml: static_resources.clusters[0].circuit_breakers.thresholds[0].max_connections: 1.5 is not an integer (uint32)',
    ]);
  });

  it('allows one member of a oneof, and requires one where Envoy does', () => {
    expect(envoyMessageProblems('route', 'envoy.config.route.v3.RouteMatch', { prefix: '/', path: '/health' })).toEqual([
      'route: prefix and path are one oneof (path_specifier): set only one',
    ]);
    expect(envoyMessageProblems('route', 'envoy.config.route.v3.RouteMatch', { headers: [] })).toEqual([
      'route: sets none of path_specifier (prefix, path, safe_regex, connect_matcher, path_separated_prefix, path_match_policy), and Envoy requires one',
    ]);
    expect(envoyMessageProblems('route', 'envoy.config.route.v3.RouteMatch', { prefix: '/', path: null })).toEqual([]);
  });

  it("enforces the protoc-gen-validate rules written beside Envoy's fields, on unset scalars too", () => {
    expect(
      envoyBootstrapProblems(
        'envoy.yaml',
        bootstrap({
          name: '',
          outlier_detection: { max_ejection_percent: 150 },
          health_checks: [{ timeout: '1s', interval: '0s', unhealthy_threshold: 1, healthy_threshold: 1, http_health_check: { path: '/health' } }],
        }),
      ),
    ).toEqual([
      'envoy.yaml: static_resources.clusters[0].name: "" must be at least 1 character long',
      'envoy.yaml: static_resources.clusters[0].outlier_detection.max_ejection_percent: 150 must be <= 100',
      'envoy.yaml: static_resources.clusters[0].health_checks[0].interval: 0s must be > 0s',
    ]);
    expect(envoyBootstrapProblems('envoy.yaml', bootstrap({}, { stat_prefix: null }))).toEqual([
      `envoy.yaml: ${HCM}.stat_prefix: is unset, and "" must be at least 1 character long`,
    ]);
    expect(
      envoyMessageProblems('check', 'envoy.config.core.v3.HealthCheck', {
        timeout: '1s',
        interval: '5s',
        healthy_threshold: 1,
        http_health_check: { path: '/health' },
      }),
    ).toEqual(['check: unhealthy_threshold: is required']);
    expect(envoyMessageProblems('policy', 'envoy.config.rbac.v3.Policy', { permissions: [], principals: [{ any: true }] })).toEqual([
      'policy: permissions: has 0 items, at least 1 required',
    ]);
    expect(envoyMessageProblems('socket', 'envoy.config.core.v3.SocketAddress', { address: '0.0.0.0', port_value: 70000 })).toEqual([
      'socket: port_value: 70000 must be <= 65535',
    ]);
    expect(envoyMessageProblems('socket', 'envoy.config.core.v3.SocketAddress', { address: '0.0.0.0', port_value: 80, protocol: 7 })).toEqual([
      'socket: protocol: 7 is no value of envoy.config.core.v3.SocketAddress.Protocol',
    ]);
    expect(envoyMessageProblems('socket', 'envoy.config.core.v3.SocketAddress', { address: '0.0.0.0', port_value: 80, protocol: 1 })).toEqual([]);
  });

  it('checks map values by their message type', () => {
    const rbac = {
      rules: { policies: { 'rule-0': { permissions: [{ any: true }], principals: [{ authenticated: { principal_name: { exact: 'x', prefix: 'y' } } }] } } },
    };
    expect(envoyMessageProblems('rbac', 'envoy.extensions.filters.http.rbac.v3.RBAC', rbac)).toEqual([
      'rbac: rules.policies["rule-0"].principals[0].authenticated.principal_name: exact and prefix are one oneof (match_pattern): set only one',
    ]);
  });

  it('names deprecated fields, which Envoy warns on and drops in a later release', () => {
    expect(envoyMessageProblems('header', 'envoy.config.route.v3.HeaderMatcher', { name: ':method', exact_match: 'GET' })).toEqual([
      'header: exact_match: is deprecated in envoy.config.route.v3.HeaderMatcher (Envoy warns and will drop it)',
    ]);
  });

  it('reports YAML that does not parse', () => {
    expect(envoyBootstrapProblems('envoy.yaml', 'static_resources: [')[0]).toMatch(/^envoy\.yaml is not valid YAML: /);
  });
});
