import { afterEach, describe, expect, it } from 'vitest';
import { checkDeployment } from './check-deployment';
import { checkWithFault, checkWithFaults, ciEnv as env, removeFaultCopies, workspaceRoot } from './deployment-fault';

afterEach(removeFaultCopies);

describe('npm run check:deploy', () => {
  it('passes on the workspace as committed, with every tool present (as on CI)', async () => {
    const report = await checkDeployment({ root: workspaceRoot, workspaceRoot, env });
    expect(report.problems).toEqual([]);
    expect(report.checks.length).toBeGreaterThan(10);
  });

  it("fails, naming the file, on a workload list that differs from the apps' descriptors", async () => {
    const report = await checkWithFaults([
      [
        'libs/contracts/src/workload-registry.ts',
        (text) => text.replace("{ name: 'inventory-service', port: 8083,", "{ name: 'inventory-service', port: 8093,"),
      ],
      ['docker-compose.yml', (text) => text.replace('  inventory-service-2:\n', '  inventory-service-3:\n')],
    ]);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        'libs/contracts/src/workload-registry.ts differs from what its sources generate: run `npm run deploy:generate`',
        'docker-compose.yml differs from what its sources generate: run `npm run deploy:generate`',
      ]),
    );
  });

  it('fails on a Deployment port that no Service targets', async () => {
    const report = await checkWithFault('k8s/base/workloads/cart-service.yaml', (text) =>
      text.replace(
        '              containerPort: 8081\n              protocol: TCP\n',
        '              containerPort: 8081\n              protocol: TCP\n            - name: debug\n              containerPort: 9229\n',
      ),
    );
    expect(report.problems).toContain('Deployment meshmart/cart-service: container port 9229 ("debug") is targeted by no Service');
  });

  it('fails on an AuthorizationPolicy principal that names no ServiceAccount', async () => {
    const report = await checkWithFault('k8s/istio/authorization-policies.yaml', (text) =>
      text.replace('cluster.local/ns/meshmart/sa/order-service', 'cluster.local/ns/meshmart/sa/orders'),
    );
    expect(report.problems).toContain('AuthorizationPolicy meshmart/inventory-service: principal cluster.local/ns/meshmart/sa/orders names no ServiceAccount');
  });

  it('fails on a compose service whose environment lacks a variable the app requires', async () => {
    const report = await checkWithFault('docker-compose.yml', (text) =>
      text.replace('  DATABASE_URL: postgres://postgres:${POSTGRES_PASSWORD:-meshmart-dev}@postgres:5432/postgres\n', ''),
    );
    expect(report.problems).toContainEqual(
      expect.stringMatching(/^docker-compose\.yml: service order-service lacks DATABASE_URL, which order-service requires \(persistenceConfigSchema: /),
    );
  });

  it('fails on an Envoy cluster that no route uses', async () => {
    const report = await checkWithFault('infra/envoy/order-service.yaml', (text) =>
      text.replace('\n  clusters:\n', '\n  clusters:\n    - name: payment-service-canary\n      type: STRICT_DNS\n      connect_timeout: 1s\n'),
    );
    expect(report.problems).toContain('infra/envoy/order-service.yaml: cluster "payment-service-canary" is used by no route');
  });

  // Envoy's own API, from its protos: each fault is one Envoy refuses at start, which no reference check sees.
  const CART_ENVOY = 'infra/envoy/cart-service.yaml';
  const ORDER_CLUSTER = 'infra/envoy/cart-service.yaml: static_resources.clusters[2]';

  it("fails on an unknown field deep inside a typed_config (Envoy's protos)", async () => {
    const report = await checkWithFault(CART_ENVOY, (text) =>
      text.replace('                    matcher:\n', '                    matcher:\n                      ignore_cas: true\n'),
    );
    expect(report.problems).toContain(
      `${ORDER_CLUSTER}.transport_socket.typed_config.common_tls_context.combined_validation_context.default_validation_context.match_typed_subject_alt_names[0].matcher.ignore_cas: no such field in envoy.type.matcher.v3.StringMatcher`,
    );
  });

  it("fails on a typed_config whose @type names no message of Envoy's API", async () => {
    const report = await checkWithFault(CART_ENVOY, (text) => text.replace('tls.v3.UpstreamTlsContext', 'tls.v3.UpstreamTLSContext'));
    expect(report.problems).toContain(
      `${ORDER_CLUSTER}.transport_socket.typed_config: @type "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTLSContext" names no message of Envoy's API`,
    );
  });

  it('fails on a duration written without its unit', async () => {
    const report = await checkWithFault(CART_ENVOY, (text) =>
      text.replace('        interval: 5s\n        base_ejection_time', '        interval: "5"\n        base_ejection_time'),
    );
    expect(report.problems).toContain(`${ORDER_CLUSTER}.outlier_detection.interval: "5" is not a Duration`);
  });

  it('fails on a value outside the range Envoy allows', async () => {
    const report = await checkWithFault(CART_ENVOY, (text) => text.replace('max_ejection_percent: 50', 'max_ejection_percent: 150'));
    expect(report.problems).toContain(`${ORDER_CLUSTER}.outlier_detection.max_ejection_percent: 150 must be <= 100`);
  });

  it('fails on two members of one oneof', async () => {
    const report = await checkWithFault(CART_ENVOY, (text) =>
      text.replace('                            path: /metrics\n', '                            path: /metrics\n                            prefix: /\n'),
    );
    expect(report.problems).toContain(
      'infra/envoy/cart-service.yaml: static_resources.listeners[2].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[1].match: prefix and path are one oneof (path_specifier): set only one',
    );
  });

  it('fails when a compose sidecar and Istio would eject differently', async () => {
    const report = await checkWithFault(CART_ENVOY, (text) => text.replace('        enforcing_consecutive_gateway_failure: 100\n', ''));
    expect(report.problems).toContain(
      'infra/envoy/cart-service.yaml: cluster "inventory-service" and DestinationRule meshmart/inventory-service (as Istio\'s Envoy cluster) differ on outlier_detection.enforcing_consecutive_gateway_failure: 0 (Envoy\'s default) in compose, 100 under Istio',
    );
  });

  it('fails on a DestinationRule value the Envoy cluster Istio makes of it would refuse', async () => {
    const report = await checkWithFault('k8s/istio/traffic/cart-service.yaml', (text) => text.replace('maxEjectionPercent: 50', 'maxEjectionPercent: 150'));
    expect(report.problems).toContain(
      "DestinationRule meshmart/cart-service spec.trafficPolicy (as Istio's Envoy cluster): outlier_detection.max_ejection_percent: 150 must be <= 100",
    );
  });

  it('fails on traffic-policy renderings that refer to what does not exist, in every mode', async () => {
    const report = await checkWithFaults([
      ['k8s/istio/traffic/payment-service.yaml', (text) => text.replace('            subset: v2\n', '            subset: v3\n')],
      [
        'k8s/linkerd/traffic/payment-service.yaml',
        (text) => text.replace('  name: payment-service-v2\n  namespace: meshmart\n', '  name: payment-service-canary\n  namespace: meshmart\n'),
      ],
      ['k8s/linkerd/kustomization.yaml', (text) => text.replace('default-inbound-policy: deny', 'default-inbound-policy: all-unauthenticated')],
      ['k8s/linkerd/policy/cart-service.yaml', (text) => text.replace('proxyProtocol: HTTP/1', 'proxyProtocol: HTTP/3')],
      ['docker-compose.yml', (text) => text.replace('MESH_VERSION: 0.2.0', 'MESH_VERSION: 0.3.0')],
      [
        'k8s/base/workloads/payment-service.yaml',
        (text) => text.replace('- name: MESH_VERSION\n              value: 0.2.0', '- name: MESH_VERSION\n              value: 0.3.0'),
      ],
    ]);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        'VirtualService meshmart/payment-service: http[0] sends to subset v3 of payment-service.meshmart.svc.cluster.local, which no DestinationRule defines',
        'HTTPRoute meshmart/payment-service-canary-testers: rules[0] sends to Service payment-service-v2, which does not exist',
        'Namespace meshmart: config.linkerd.io/default-inbound-policy is not deny',
        expect.stringMatching(/^Server meshmart\/cart-service: spec\.proxyProtocol: /),
        'docker-compose.yml runs no payment-service instance with {"version":"0.2.0"}: subset v2 (cluster payment-service-v2) has nothing to send to',
        'Deployment meshmart/payment-service-v2: pods are labelled version 0.2.0 but register MESH_VERSION 0.3.0',
      ]),
    );
  });
});
