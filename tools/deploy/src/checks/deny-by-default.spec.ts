import { describe, expect, it } from 'vitest';
import { DEFAULT_INGRESS_GATEWAY_PRINCIPAL } from '../authz/edge-policy';
import { agentReachabilityProblems, denyByDefaultProblems, ingressPrincipalOf } from './deny-by-default';
import type { KubeObject } from './kubernetes-render';

const ns = 'shop';
const policy = (name: string, spec: object): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace: ns },
  spec,
});
const deployment = (app: string, annotations: Record<string, string> = {}, probe = true): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: app, namespace: ns },
  spec: {
    template: {
      metadata: { labels: { app }, annotations },
      spec: {
        containers: [
          { name: app, ports: [{ name: 'http', containerPort: 8080 }], ...(probe ? { livenessProbe: { httpGet: { path: '/health', port: 'http' } } } : {}) },
        ],
      },
    },
  },
});
const allowNothing = policy('allow-nothing', {});
const cart = policy('cart', {
  selector: { matchLabels: { app: 'cart' } },
  action: 'ALLOW',
  rules: [{ from: [{ source: { principals: ['td/ns/shop/sa/gateway'] } }] }],
});

describe('denyByDefaultProblems', () => {
  it('passes a namespace with allow-nothing and a policy opening each Deployment', () => {
    expect(denyByDefaultProblems([allowNothing, cart, deployment('cart')], ns)).toEqual([]);
  });

  it('does not take a selecting or rule-bearing policy, or a DENY one, for allow-nothing', () => {
    const selecting = policy('allow-nothing', { selector: { matchLabels: { app: 'cart' } } });
    const deny = policy('deny-all', { action: 'DENY', rules: [{}] });
    expect(denyByDefaultProblems([selecting, deny, cart, deployment('cart')], ns)).toEqual([
      'namespace shop has no allow-nothing AuthorizationPolicy (spec: {}): a workload that no policy selects accepts every caller',
    ]);
  });

  it('names a Deployment that only allow-nothing selects (or a policy with no rules, which matches nothing)', () => {
    const empty = policy('orders', { selector: { matchLabels: { app: 'orders' } }, action: 'ALLOW' });
    expect(denyByDefaultProblems([allowNothing, empty, deployment('orders')], ns)).toEqual([
      'Deployment shop/orders is selected by no ALLOW AuthorizationPolicy: allow-nothing refuses every call to it',
    ]);
  });

  it('names a Deployment that a second ALLOW policy opens beyond its own', () => {
    const extra = policy('cart-debug', {
      selector: { matchLabels: { app: 'cart' } },
      rules: [{ from: [{ source: { principals: ['td/ns/shop/sa/debug'] } }] }],
    });
    expect(denyByDefaultProblems([allowNothing, cart, extra, deployment('cart')], ns)).toEqual([
      'Deployment shop/cart is opened by 2 ALLOW AuthorizationPolicies (cart, cart-debug): only the one its routes make may open it',
    ]);
  });

  it('names an ALLOW policy with rules but no selector, which opens the whole namespace', () => {
    const wide = policy('from-gateway', { rules: [{ from: [{ source: { principals: ['td/ns/shop/sa/gateway'] } }] }] });
    expect(denyByDefaultProblems([allowNothing, cart, wide, deployment('cart')], ns)).toEqual([
      'AuthorizationPolicy shop/from-gateway has rules but no selector, so it opens every workload of namespace shop',
    ]);
  });

  it('names allow-all rules: no from, an empty from, a source naming no one', () => {
    const open = policy('cart', {
      selector: { matchLabels: { app: 'cart' } },
      rules: [{ to: [{ operation: { paths: ['/x'] } }] }, { from: [] }, { from: [{ source: { principals: [] } }] }],
    });
    expect(denyByDefaultProblems([allowNothing, open, deployment('cart')], ns)).toEqual([
      'AuthorizationPolicy shop/cart: rule 0 has an empty from, so it allows every caller',
      'AuthorizationPolicy shop/cart: rule 1 has an empty from, so it allows every caller',
      'AuthorizationPolicy shop/cart: rule 2 has a source that names no one, so it allows every caller',
    ]);
  });
});

describe('agentReachabilityProblems', () => {
  const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } };
  const agentService: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'mesh-metrics', namespace: ns },
    spec: { selector: { app: 'cart' }, ports: [{ port: 15020, targetPort: 15020 }] },
  };
  const reachable = {
    'sidecar.istio.io/rewriteAppHTTPProbers': 'true',
    'prometheus.istio.io/merge-metrics': 'true',
    'prometheus.io/scrape': 'true',
    'prometheus.io/port': '8080',
  };

  it('passes probes rewritten and metrics merged on a published 15020', () => {
    expect(agentReachabilityProblems([namespace, agentService, deployment('cart', reachable)], ns)).toEqual([]);
  });

  it('names probes left on the sidecar, metrics not merged, a wrong metrics port and no 15020 Service', () => {
    const broken = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' };
    expect(agentReachabilityProblems([namespace, deployment('cart', broken)], ns)).toEqual([
      'Deployment shop/cart: its probes would pass the sidecar, which refuses the kubelet (no mesh identity): annotate the pod sidecar.istio.io/rewriteAppHTTPProbers: "true"',
      "Deployment shop/cart: prometheus.io/port 9090 is no container port, so Istio's agent has no metrics to merge",
      'Deployment shop/cart: its metrics would be scraped through the sidecar, which refuses Prometheus (no mesh identity): annotate the pod prometheus.istio.io/merge-metrics: "true"',
      "Deployment shop/cart: no Service publishes its pods' port 15020, where Prometheus scrapes the merged metrics",
    ]);
  });

  it('needs no rewrite where nothing is probed, and names a namespace without sidecars', () => {
    expect(agentReachabilityProblems([namespace, deployment('shell', {}, false)], ns)).toEqual([]);
    expect(agentReachabilityProblems([deployment('cart', reachable)], ns)).toEqual([
      'namespace shop is not labelled istio-injection: enabled, so its pods run without a sidecar and nothing enforces its policies',
    ]);
  });
});

describe('ingressPrincipalOf', () => {
  it("reads the overlay's ConfigMap, else Istio's default ingress gateway", () => {
    const map: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'meshmart-ingress', namespace: ns },
      data: { principal: 'td/ns/edge/sa/ingress' },
    };
    expect(ingressPrincipalOf([map], ns)).toBe('td/ns/edge/sa/ingress');
    expect(ingressPrincipalOf([], ns)).toBe(DEFAULT_INGRESS_GATEWAY_PRINCIPAL);
  });
});
