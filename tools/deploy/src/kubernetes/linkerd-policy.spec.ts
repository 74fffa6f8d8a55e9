import { toIstioAuthorizationPolicy } from '@meshmart/mesh/tools';
import { beforeAll, describe, expect, it } from 'vitest';
import { type KubeObject, schemaProblems } from '../checks/kubernetes-render';
import { gatewayPath, linkerdIdentity, linkerdPolicyManifests } from './linkerd-policy';

const policy = toIstioAuthorizationPolicy(
  {
    workload: 'payment-service',
    rules: [
      { from: [{ source: { principals: ['cluster.local/ns/meshmart/sa/order-service'] } }], to: [{ operation: { methods: ['POST'], paths: ['/payments'] } }] },
      {
        from: [{ source: { principals: ['cluster.local/ns/meshmart/sa/order-service', 'cluster.local/ns/meshmart/sa/operator'] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/payments/{*}'] } }],
      },
    ],
  },
  'meshmart',
);

// Loading the Gateway API and Kubernetes models is a one-time cost of seconds on a busy machine: paid here, with room, not inside a test's budget.
beforeAll(async () => {
  await schemaProblems({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'warm', namespace: 'meshmart' }, spec: {} });
  await schemaProblems({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'warm', namespace: 'meshmart' }, spec: {} });
}, 60_000);

describe("the routes' @AllowFrom as Linkerd policy resources", () => {
  it('names a ServiceAccount as Linkerd does, and refuses a principal that names none', () => {
    expect(linkerdIdentity('cluster.local/ns/meshmart/sa/order-service')).toBe('order-service.meshmart.serviceaccount.identity.linkerd.cluster.local');
    expect(() => linkerdIdentity('spiffe-less')).toThrow(/names no ServiceAccount/);
  });

  it('turns Istio path templates and prefixes into anchored regular expressions', () => {
    expect(gatewayPath('/payments')).toEqual({ type: 'Exact', value: '/payments' });
    expect(gatewayPath('/carts/{*}/lines/{*}')).toEqual({ type: 'RegularExpression', value: '^/carts/[^/]+/lines/[^/]+$' });
    expect(gatewayPath('/docs/*')).toEqual({ type: 'RegularExpression', value: '^/docs/.*$' });
  });

  it('makes per rule an inbound route on the Server, the callers as a MeshTLSAuthentication, and the policy joining them', async () => {
    const objects = linkerdPolicyManifests(policy, 'payment-service') as (KubeObject & { spec: Record<string, unknown> })[];
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'Server/payment-service',
      'HTTPRoute/payment-service-allow-0',
      'MeshTLSAuthentication/payment-service-allow-0',
      'AuthorizationPolicy/payment-service-allow-0',
      'HTTPRoute/payment-service-allow-1',
      'MeshTLSAuthentication/payment-service-allow-1',
      'AuthorizationPolicy/payment-service-allow-1',
      'HTTPRoute/payment-service-probes-and-metrics',
      'NetworkAuthentication/payment-service-probes-and-metrics',
      'AuthorizationPolicy/payment-service-probes-and-metrics',
    ]);
    expect(objects[2]?.spec).toEqual({ identities: ['order-service.meshmart.serviceaccount.identity.linkerd.cluster.local'] });
    expect(objects[4]?.spec).toEqual({
      parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'payment-service' }],
      rules: [{ matches: [{ path: { type: 'RegularExpression', value: '^/payments/[^/]+$' }, method: 'GET' }] }],
    });
    expect(objects[6]?.spec).toEqual({
      targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'payment-service-allow-1' },
      requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'payment-service-allow-1' }],
    });
    expect((await Promise.all(objects.map(schemaProblems))).flat()).toEqual([]);
  });

  it('refuses what Linkerd cannot say: a DENY policy', () => {
    expect(() => linkerdPolicyManifests({ ...policy, spec: { ...policy.spec, action: 'DENY' } }, 'payment-service')).toThrow(/has no DENY policies/);
  });
});
