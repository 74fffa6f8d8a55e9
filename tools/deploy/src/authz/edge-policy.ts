import { type DeclaredRoute, type IstioAuthorizationPolicy, policyFromRoutes, toIstioAuthorizationPolicy } from '@meshmart/mesh/tools';
import { ISTIO_TRUST_DOMAIN, NAMESPACE, type PlatformModel } from '../platform/platform';
import { publicRoutes } from './enforced-policy';

/** The identity of Istio's default ingress gateway (`istio-system/istio-ingressgateway-service-account`). */
export const DEFAULT_INGRESS_GATEWAY_PRINCIPAL = `${ISTIO_TRUST_DOMAIN}/ns/istio-system/sa/istio-ingressgateway-service-account`;

/**
 * Where an overlay names its ingress gateway's principal: a ConfigMap (key `principal`) that
 * kustomize `replacements` copy into the edge workload's AuthorizationPolicy, and that
 * check:deploy reads to know which principal outside the namespace's ServiceAccounts is allowed.
 */
export const INGRESS_IDENTITY = { configMap: 'meshmart-ingress', key: 'principal' } as const;

/** The namespace-wide policy that matches nothing: a workload no other ALLOW policy selects refuses every call. */
export const ALLOW_NOTHING = 'allow-nothing';

/** `spec: {}`: no selector (every workload of the namespace), action ALLOW, no rules (matches nothing). */
export function allowNothingPolicy(namespace: string): object {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: ALLOW_NOTHING, namespace, labels: { 'app.kubernetes.io/part-of': 'meshmart', 'app.kubernetes.io/managed-by': 'meshmart' } },
    spec: {},
  };
}

/**
 * The public edge's policy: the ingress gateway, and only it, on the edge's public routes
 * (those without `@AllowFrom`) and its documentation. The routes become operations exactly as
 * the library turns routes into rules; the edge's health and metrics are not among them, since
 * the kubelet and Prometheus reach those through Istio's agent on 15020, never the sidecar.
 */
export function edgeAuthorizationPolicy(
  workload: string,
  routes: readonly DeclaredRoute[],
  documentationPaths: readonly string[],
  namespace: string,
  ingressPrincipal: string,
): IstioAuthorizationPolicy {
  const naming = { trustDomain: ISTIO_TRUST_DOMAIN, namespace };
  const operations = policyFromRoutes(
    workload,
    routes.map((route) => ({ ...route, access: { kind: 'any-peer' as const } })),
    naming,
  ).rules.flatMap((rule) => rule.to ?? []);
  const documentation = documentationPaths.length > 0 ? [{ operation: { methods: ['GET'], paths: [...documentationPaths] } }] : [];
  return toIstioAuthorizationPolicy(
    { workload, rules: [{ from: [{ source: { principals: [ingressPrincipal] } }], to: [...operations, ...documentation] }] },
    namespace,
  );
}

/** The edge workload's policy as the platform's sources define it, for the given ingress gateway. */
export async function edgePolicyOf(platform: PlatformModel, workload: string, ingressPrincipal: string): Promise<IstioAuthorizationPolicy> {
  const routes = await publicRoutes(platform.sources, workload);
  return edgeAuthorizationPolicy(workload, routes, await platform.sources.documentationPaths(workload), NAMESPACE, ingressPrincipal);
}
