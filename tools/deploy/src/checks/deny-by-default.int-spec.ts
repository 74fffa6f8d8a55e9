import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_INGRESS_GATEWAY_PRINCIPAL } from '../authz/edge-policy';
import { checkWithFault, removeFaultCopies, workspaceRoot } from './deployment-fault';
import type { KubeObject } from './kubernetes-render';

afterEach(removeFaultCopies);

const policies = 'k8s/istio/authorization-policies.yaml';

/** The staging overlay as kubectl renders it. */
function renderStaging(): KubeObject[] {
  const output = execFileSync('kubectl', ['kustomize', join(workspaceRoot, 'k8s', 'overlays', 'staging')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return parseAllDocuments(output).map((document) => document.toJS() as KubeObject);
}

describe('deny by default in Kubernetes', () => {
  it('renders allow-nothing for the namespace, and the gateway open to the ingress gateway only, on its public routes', () => {
    const objects = renderStaging();
    const authz = objects.filter((object) => object.kind === 'AuthorizationPolicy');
    expect(authz.find((policy) => policy.metadata.name === 'allow-nothing')).toMatchObject({ metadata: { namespace: 'meshmart' }, spec: {} });
    expect(authz.find((policy) => policy.metadata.name === 'allow-nothing')?.['spec']).toEqual({});
    const gateway = authz.find((policy) => policy.metadata.name === 'gateway')?.['spec'] as {
      rules: { from: { source: { principals: string[] } }[]; to: { operation: { methods: string[]; paths: string[] } }[] }[];
    };
    expect(gateway.rules.map((rule) => rule.from)).toEqual([[{ source: { principals: [DEFAULT_INGRESS_GATEWAY_PRINCIPAL] } }]]);
    const operations = gateway.rules.flatMap((rule) => rule.to).map(({ operation }) => `${operation.methods.join(',')} ${operation.paths.join(',')}`);
    expect(operations).toEqual([
      'GET /products',
      'GET /products/{*}',
      'GET /cart',
      'PUT /cart/lines/{*}',
      'DELETE /cart/lines/{*}',
      'POST /cart/checkout',
      'GET /orders',
      'GET /orders/{*}',
      'GET /docs,/docs/*',
    ]);
  });

  it("leaves every probe and metrics scrape to Istio's agent: probes rewritten, app metrics merged on 15020", () => {
    for (const deployment of renderStaging().filter((object) => object.kind === 'Deployment' && object.metadata.namespace === 'meshmart')) {
      const template = (deployment['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template;
      expect(template.metadata.annotations, deployment.metadata.name).toMatchObject({
        'sidecar.istio.io/rewriteAppHTTPProbers': 'true',
        'prometheus.istio.io/merge-metrics': 'true',
        'prometheus.io/scrape': 'true',
      });
    }
  });

  it("fails without the namespace's allow-nothing policy", async () => {
    const report = await checkWithFault(policies, (text) =>
      text.replace(/apiVersion: security\.istio\.io\/v1\nkind: AuthorizationPolicy\nmetadata:\n {2}name: allow-nothing\n[\s\S]*?spec: \{\}\n---\n/, ''),
    );
    expect(report.problems).toContain(
      'namespace meshmart has no allow-nothing AuthorizationPolicy (spec: {}): a workload that no policy selects accepts every caller',
    );
  });

  it('fails on a workload that no ALLOW policy selects', async () => {
    const debugShell = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: debug-shell',
      '  namespace: meshmart',
      'spec:',
      '  selector:',
      '    matchLabels: { app: debug-shell }',
      '  template:',
      '    metadata:',
      '      labels: { app: debug-shell }',
      '    spec:',
      '      containers:',
      '        - name: shell',
      '          image: busybox:1.37',
    ].join('\n');
    const report = await checkWithFault('k8s/base/operator.yaml', (text) => `${text}---\n${debugShell}\n`);
    expect(report.problems).toContain('Deployment meshmart/debug-shell is selected by no ALLOW AuthorizationPolicy: allow-nothing refuses every call to it');
  });

  it('fails on an ALLOW rule with an empty from (allow-all)', async () => {
    const report = await checkWithFault(policies, (text) =>
      text.replace('    - from:\n        - source:\n            principals:\n              - cluster.local/ns/meshmart/sa/gateway\n      to:\n', '    - to:\n'),
    );
    expect(report.problems).toContain('AuthorizationPolicy meshmart/cart-service: rule 0 has an empty from, so it allows every caller');
  });

  it("fails when a workload's probes would pass the sidecar", async () => {
    const report = await checkWithFault('k8s/base/workloads/order-service.yaml', (text) =>
      text.replace('        sidecar.istio.io/rewriteAppHTTPProbers: "true"\n', ''),
    );
    expect(report.problems).toContain(
      'Deployment meshmart/order-service: its probes would pass the sidecar, which refuses the kubelet (no mesh identity): annotate the pod sidecar.istio.io/rewriteAppHTTPProbers: "true"',
    );
  });

  it("takes the ingress gateway's principal from the overlay, and refuses an unknown one elsewhere", async () => {
    const custom = 'cluster.local/ns/edge/sa/shop-ingress';
    const report = await checkWithFault('k8s/overlays/staging/kustomization.yaml', (text) =>
      text.replace(`principal=${DEFAULT_INGRESS_GATEWAY_PRINCIPAL}`, `principal=${custom}`),
    );
    expect(report.problems).toEqual([]);
    const stray = await checkWithFault(policies, (text) =>
      text.replace('              - cluster.local/ns/meshmart/sa/gateway\n', '              - cluster.local/ns/edge/sa/shop-ingress\n'),
    );
    expect(stray.problems).toContain('AuthorizationPolicy meshmart/cart-service: principal cluster.local/ns/edge/sa/shop-ingress names no ServiceAccount');
  });
});

describe('deny by default in compose', () => {
  it('fails when an app listens beyond loopback, where callers would bypass its sidecar', async () => {
    const report = await checkWithFault('docker-compose.yml', (text) => text.replace('  HOST: 127.0.0.1\n', '  HOST: 0.0.0.0\n'));
    expect(report.problems).toContain(
      "docker-compose.yml: service cart-service listens on 0.0.0.0 (HOST), not 127.0.0.1: its callers would reach the app without its sidecar's mTLS and RBAC",
    );
  });

  it("fails when the gateway's sidecar admits mesh callers beside its public listener", async () => {
    const inbound = [
      '    - name: inbound',
      '      address:',
      '        socket_address:',
      '          address: 0.0.0.0',
      '          port_value: 15006',
      '      filter_chains:',
      '        - filters:',
      '            - name: envoy.filters.network.tcp_proxy',
      '              typed_config:',
      '                "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
      '                stat_prefix: inbound',
      '                cluster: local-app',
      '',
    ].join('\n');
    const report = await checkWithFault('infra/envoy/gateway.yaml', (text) => text.replace('  listeners:\n', `  listeners:\n${inbound}`));
    expect(report.problems).toContain(
      'infra/envoy/gateway.yaml: listener "inbound" admits callers on port 15006, but gateway is the public edge: its sidecar admits its public listener (10000) only',
    );
  });

  it("fails when a sidecar's scrape listener passes more than the metrics", async () => {
    const report = await checkWithFault('infra/envoy/payment-service.yaml', (text) =>
      text.replace('                            path: /metrics\n', '                            prefix: /\n'),
    );
    expect(report.problems).toContain(
      'infra/envoy/payment-service.yaml: listener "prometheus" routes {"prefix":"/"} without mTLS: only /metrics and /stats/prometheus may pass there',
    );
  });
});
