import type { IstioAuthorizationPolicy } from '@meshmart/mesh/tools';
import { NAMESPACE } from '../platform/platform';

type Json = Record<string, unknown>;
const LINKERD_POLICY = 'policy.linkerd.io';
const labels = (workload: string) => ({ app: workload, 'app.kubernetes.io/part-of': 'meshmart' });

/** The paths the kubelet probes and Prometheus scrapes: no mesh identity, so a network authentication admits them (read-only). */
export const UNMESHED_READ_PATHS = ['/health', '/health/ready', '/metrics'] as const;
/**
 * The edge's caller in the Linkerd variant: a meshed ingress-nginx as its chart names its
 * ServiceAccount (Istio's variant admits Istio's ingress gateway instead).
 */
export const DEFAULT_LINKERD_INGRESS_PRINCIPAL = 'cluster.local/ns/ingress-nginx/sa/ingress-nginx';
/** Linkerd names a workload `<sa>.<ns>.serviceaccount.identity.linkerd.<trust domain>`. */
const LINKERD_IDENTITY_DOMAIN = 'identity.linkerd.cluster.local';

/** An Istio principal (`cluster.local/ns/meshmart/sa/order-service`) as the Linkerd identity of the same ServiceAccount. */
export function linkerdIdentity(principal: string): string {
  if (principal === '*') return '*';
  const parts = /^[^/]+\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
  if (!parts) throw new Error(`principal "${principal}" names no ServiceAccount (trust-domain/ns/<namespace>/sa/<name>)`);
  return `${parts[2] ?? ''}.${parts[1] ?? ''}.serviceaccount.${LINKERD_IDENTITY_DOMAIN}`;
}

/** An Istio operation path (exact, `/docs/*` prefix, `/orders/{*}` template) as a Gateway API path match. */
export function gatewayPath(path: string): Json {
  if (path.includes('{'))
    return {
      type: 'RegularExpression',
      value: `^${path
        .split(/\{\*\*?\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]+')}$`,
    };
  if (path.endsWith('*')) return { type: 'RegularExpression', value: `^${path.slice(0, -1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*$` };
  return { type: 'Exact', value: path };
}

type Rule = IstioAuthorizationPolicy['spec']['rules'][number];

function principalsOf(rule: Rule, where: string): string[] {
  const sources = (rule.from ?? []).map((from) => from.source);
  const unsupported = sources.flatMap((source) => Object.keys(source).filter((key) => key !== 'principals'));
  if (unsupported.length > 0) throw new Error(`${where}: the Linkerd variant renders principals only, not ${unsupported.join(', ')}`);
  return sources.flatMap((source) => source.principals ?? []);
}

function matchesOf(rule: Rule, where: string): Json[] {
  return (rule.to ?? []).flatMap(({ operation }) => {
    const unsupported = Object.keys(operation).filter((key) => key !== 'paths' && key !== 'methods');
    if (unsupported.length > 0) throw new Error(`${where}: the Linkerd variant renders paths and methods only, not ${unsupported.join(', ')}`);
    const paths = (operation.paths ?? ['*']).map((path) => (path === '*' ? { type: 'PathPrefix', value: '/' } : gatewayPath(path)));
    return paths.flatMap((path) => (operation.methods ?? [undefined]).map((method) => ({ path, ...(method ? { method } : {}) })));
  });
}

/**
 * Linkerd's side of one workload's authorization, from the same policy as Istio's (the routes'
 * `@AllowFrom`): a Server on the app's port (with the namespace's `deny` default, nothing is
 * allowed that no AuthorizationPolicy names), per rule an inbound HTTPRoute (parent: the
 * Server) of its operations, the MeshTLSAuthentication of its principals and the
 * AuthorizationPolicy joining the two; and the probes' and scrapes' read-only paths for
 * unauthenticated clients. Reference: https://linkerd.io/2/reference/authorization-policy/
 */
export function linkerdPolicyManifests(policy: IstioAuthorizationPolicy, workload: string): object[] {
  if (policy.spec.action !== 'ALLOW')
    throw new Error(`AuthorizationPolicy ${policy.metadata.name}: Linkerd authorizes, it has no ${policy.spec.action} policies`);
  const metadata = (name: string) => ({ name, namespace: NAMESPACE, labels: labels(workload) });
  const server = {
    apiVersion: `${LINKERD_POLICY}/v1beta3`,
    kind: 'Server',
    metadata: metadata(workload),
    spec: { podSelector: { matchLabels: { app: workload } }, port: 'http', proxyProtocol: 'HTTP/1' },
  };
  const inboundRoute = (name: string, matches: Json[]) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: metadata(name),
    spec: { parentRefs: [{ group: LINKERD_POLICY, kind: 'Server', name: workload }], rules: [{ matches }] },
  });
  const authorization = (name: string, authentication: { kind: string; name: string }) => ({
    apiVersion: `${LINKERD_POLICY}/v1alpha1`,
    kind: 'AuthorizationPolicy',
    metadata: metadata(name),
    spec: {
      targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name },
      requiredAuthenticationRefs: [{ group: LINKERD_POLICY, ...authentication }],
    },
  });
  const objects: object[] = [server];
  policy.spec.rules.forEach((rule, index) => {
    const name = `${workload}-allow-${index}`;
    const where = `AuthorizationPolicy ${policy.metadata.name} rule ${index}`;
    objects.push(
      inboundRoute(name, matchesOf(rule, where)),
      {
        apiVersion: `${LINKERD_POLICY}/v1alpha1`,
        kind: 'MeshTLSAuthentication',
        metadata: metadata(name),
        spec: { identities: [...new Set(principalsOf(rule, where).map(linkerdIdentity))] },
      },
      authorization(name, { kind: 'MeshTLSAuthentication', name }),
    );
  });
  const probes = `${workload}-probes-and-metrics`;
  objects.push(
    inboundRoute(
      probes,
      UNMESHED_READ_PATHS.map((path) => ({ path: { type: 'Exact', value: path }, method: 'GET' })),
    ),
    {
      apiVersion: `${LINKERD_POLICY}/v1alpha1`,
      kind: 'NetworkAuthentication',
      metadata: metadata(probes),
      spec: { networks: [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }] },
    },
    authorization(probes, { kind: 'NetworkAuthentication', name: probes }),
  );
  return objects;
}
