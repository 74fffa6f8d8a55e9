import { describe, expect, it } from 'vitest';
import type { KubeObject } from './kubernetes-render';
import { istioSubsetProblems, linkerdReferenceProblems } from './traffic-references';

const meta = (name: string, extra: object = {}) => ({ name, namespace: 'meshmart', ...extra });
const deployment = (name: string, labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta(name),
  spec: { template: { metadata: { labels, annotations } } },
});
const rule = (subsets: object[]): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: meta('pay'),
  spec: { host: 'pay.meshmart.svc.cluster.local', subsets },
});
const virtualService = (subset: string, mirror?: string): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: meta('pay'),
  spec: {
    http: [
      {
        route: [{ destination: { host: 'pay.meshmart.svc.cluster.local', subset } }],
        ...(mirror ? { mirror: { host: 'pay.meshmart.svc.cluster.local', subset: mirror } } : {}),
      },
    ],
  },
});

describe('Istio subset references', () => {
  const pods = [deployment('pay', { app: 'pay', version: '0.1.0' })];

  it('passes a route to a defined subset that selects pods', () => {
    expect(istioSubsetProblems([...pods, rule([{ name: 'v1', labels: { version: '0.1.0' } }]), virtualService('v1')])).toEqual([]);
  });

  it('names a routed or mirrored subset no DestinationRule defines, and a subset that selects no pods', () => {
    expect(
      istioSubsetProblems([
        ...pods,
        rule([
          { name: 'v1', labels: { version: '0.1.0' } },
          { name: 'v2', labels: { version: '0.2.0' } },
        ]),
        virtualService('v1', 'v3'),
      ]),
    ).toEqual([
      'DestinationRule meshmart/pay: subset v2 selects no Deployment\'s pods ({"app":"pay","version":"0.2.0"})',
      'VirtualService meshmart/pay: http[0] sends to subset v3 of pay.meshmart.svc.cluster.local, which no DestinationRule defines',
    ]);
  });
});

describe('Linkerd variant references', () => {
  const namespace: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'meshmart', annotations: { 'config.linkerd.io/default-inbound-policy': 'deny' } } as KubeObject['metadata'],
  };
  const injected = deployment('pay', { app: 'pay', version: '0.1.0' }, { 'linkerd.io/inject': 'enabled' });
  const service = (name: string, selector: object): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec: { selector } });
  const route = (backends: object[]): KubeObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: meta('pay-split'),
    spec: { parentRefs: [{ group: '', kind: 'Service', name: 'pay' }], rules: [{ backendRefs: backends }] },
  });

  it('passes routes to Services that select pods in a namespace that denies by default', () => {
    expect(
      linkerdReferenceProblems([
        namespace,
        injected,
        service('pay', { app: 'pay' }),
        service('pay-v1', { app: 'pay', version: '0.1.0' }),
        route([{ name: 'pay-v1', weight: 100 }]),
      ]),
    ).toEqual([]);
  });

  it('names a missing backend, a backend selecting no pods, a Server nobody is admitted to, and an Istio-injected pod', () => {
    const server: KubeObject = { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: meta('pay'), spec: {} };
    const istioPod = deployment('cart', { app: 'cart' }, { 'linkerd.io/inject': 'enabled', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' });
    expect(
      linkerdReferenceProblems([
        namespace,
        injected,
        istioPod,
        server,
        service('pay', { app: 'pay' }),
        service('pay-v2', { app: 'pay', version: '0.2.0' }),
        route([
          { name: 'pay-v2', weight: 10 },
          { name: 'pay-v3', weight: 90 },
        ]),
      ]),
    ).toEqual([
      "HTTPRoute meshmart/pay-split: rules[0] sends to Service meshmart/pay-v2, which selects no Deployment's pods",
      'HTTPRoute meshmart/pay-split: rules[0] sends to Service pay-v3, which does not exist',
      'Server meshmart/pay: no AuthorizationPolicy admits anyone to it',
      "Deployment meshmart/cart: pods keep Istio's annotations sidecar.istio.io/rewriteAppHTTPProbers",
    ]);
  });
});
