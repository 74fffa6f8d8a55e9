import type { HttpMatch, HttpRoute, StringMatch, TrafficPolicy } from '@meshmart/mesh/tools';
import { NAMESPACE, callPolicy, type WorkloadDeployment } from '../platform/platform';
import {
  catchAllRoute,
  gatewayDuration,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_METHOD_MATCH,
  IDEMPOTENT_METHODS,
  matchedRoutes,
  retryClasses,
  routeName,
  subsetHostName,
} from '../traffic/policy-units';
import { SERVICE_PORT } from './workload-manifests';

type Json = Record<string, unknown>;
const GATEWAY_API = 'gateway.networking.k8s.io/v1';

/** What the Linkerd variant cannot say of a policy: Linkerd injects no faults, mirrors nothing and has no zone failover of its own. */
export function linkerdUnsupported(policy: TrafficPolicy | undefined, file: string): string[] {
  const locality = policy?.spec.trafficPolicy?.locality?.enabled
    ? [`${file}: spec.trafficPolicy.locality: Linkerd balances by latency (EWMA), with no zone priorities; the Linkerd variant leaves it out`]
    : [];
  return [
    ...locality,
    ...(policy?.spec.http ?? []).flatMap((route, index) => [
      ...(route.fault ? [`${file}: spec.http[${index}].fault: Linkerd injects no faults; the Linkerd variant leaves it out`] : []),
      ...(route.mirror ? [`${file}: spec.http[${index}].mirror: Linkerd mirrors nothing; the Linkerd variant leaves it out`] : []),
    ]),
  ];
}

/** Gateway API's header/path matches have Exact and RegularExpression: a prefix becomes an anchored regex. */
const quote = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const headerMatch = (name: string, match: StringMatch) =>
  match.exact !== undefined
    ? { type: 'Exact', name, value: match.exact }
    : { type: 'RegularExpression', name, value: match.prefix !== undefined ? `^${quote(match.prefix)}.*` : `^(?:${match.regex ?? ''})$` };
const pathMatch = (match: StringMatch) =>
  match.exact !== undefined
    ? { type: 'Exact', value: match.exact }
    : match.prefix !== undefined
      ? { type: 'PathPrefix', value: match.prefix }
      : { type: 'RegularExpression', value: `^(?:${match.regex ?? ''})$` };

/**
 * One policy match as HTTPRouteMatches: Gateway API names one exact method per match, so the
 * idempotent-methods class lists its methods, and any other method regex cannot be rendered.
 */
function gatewayMatches(match: HttpMatch, file: string, where: string): Json[] {
  const base = {
    ...(match.uri ? { path: pathMatch(match.uri) } : {}),
    ...(match.headers ? { headers: Object.entries(match.headers).map(([name, value]) => headerMatch(name, value)) } : {}),
  };
  if (match.method === undefined) return [base];
  if (match.method.exact !== undefined) return [{ ...base, method: match.method.exact }];
  if (match.method.regex === IDEMPOTENT_METHOD_MATCH.regex) return IDEMPOTENT_METHODS.map((method) => ({ ...base, method }));
  throw new Error(`${file}: ${where}.method: Gateway API matches one exact method; ${JSON.stringify(match.method)} cannot be rendered for Linkerd`);
}

/** Linkerd's retry and timeout annotations (https://linkerd.io/2/reference/retries, https://linkerd.io/2/reference/timeouts). */
function reliability(retry5xx: boolean, route: HttpRoute | undefined): Record<string, string> {
  const timeout = route?.timeout ?? callPolicy.timeoutSeconds * 1000;
  const attempts = route?.retries?.attempts ?? callPolicy.idempotentAttempts - 1;
  const perTry = route?.retries?.perTryTimeout ?? callPolicy.perTryTimeoutSeconds * 1000;
  return {
    'timeout.linkerd.io/request': gatewayDuration(timeout),
    ...(retry5xx ? { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': String(attempts), 'retry.linkerd.io/timeout': gatewayDuration(perTry) } : {}),
  };
}

/**
 * A workload's outbound HTTPRoutes (GAMMA: the Service is the parent) and the Services of its
 * subsets, which the routes' `backendRefs` weigh. Linkerd sets retries per HTTPRoute, so each
 * retry class is its own route: the policy's matched routes split into the library's classes
 * (each class adds a method or header to the policy's match, so Gateway API's precedence — more
 * specific matches first — keeps them ahead of the defaults), then the default classes
 * carrying the policy's catch-all.
 */
export function linkerdTrafficManifests(workload: WorkloadDeployment, policy: TrafficPolicy | undefined, file: string): object[] {
  const name = workload.name;
  const labels = { app: name, 'app.kubernetes.io/part-of': 'meshmart' };
  const backends = (route: HttpRoute | undefined) =>
    route
      ? route.route.map((target) => ({
          name: target.destination.subset ? subsetHostName(name, target.destination.subset) : name,
          port: SERVICE_PORT,
          weight: target.weight ?? 100,
        }))
      : [{ name, port: SERVICE_PORT }];
  const httpRoute = (routeName: string, matches: Json[], route: HttpRoute | undefined, retry5xx: boolean) => ({
    apiVersion: GATEWAY_API,
    kind: 'HTTPRoute',
    metadata: { name: `${name}-${routeName}`, namespace: NAMESPACE, labels, annotations: reliability(retry5xx, route) },
    spec: { parentRefs: [{ group: '', kind: 'Service', name, port: SERVICE_PORT }], rules: [{ matches, backendRefs: backends(route) }] },
  });
  const subsets = (policy?.spec.subsets ?? []).map((subset) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: subsetHostName(name, subset.name), namespace: NAMESPACE, labels },
    spec: {
      selector: { app: name, ...subset.labels },
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
    },
  }));
  const matched = policy
    ? matchedRoutes(policy).flatMap((route) => {
        const index = policy.spec.http.indexOf(route);
        // Checked on the policy's own matches, so an error names the field the file has.
        (route.match ?? []).forEach((match, at) => gatewayMatches(match, file, `spec.http[${index}].match[${at}]`));
        return retryClasses(route.match ?? []).map((retryClass) =>
          httpRoute(
            `${routeName(policy, route)}${retryClass.suffix}`,
            retryClass.match.flatMap((match) => gatewayMatches(match, file, `spec.http[${index}].match`)),
            route,
            retryClass.retryOn === 'idempotent',
          ),
        );
      })
    : [];
  const catchAll = catchAllRoute(policy);
  const prefix = catchAll && policy ? `${routeName(policy, catchAll)}-` : '';
  const defaults = [
    httpRoute(
      `${prefix}idempotent-method`,
      IDEMPOTENT_METHODS.map((method) => ({ path: { type: 'PathPrefix', value: '/' }, method })),
      catchAll,
      true,
    ),
    httpRoute(
      `${prefix}idempotency-key`,
      [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'RegularExpression', name: IDEMPOTENCY_KEY_HEADER, value: '.+' }] }],
      catchAll,
      true,
    ),
    httpRoute(`${prefix}other`, [{ path: { type: 'PathPrefix', value: '/' } }], catchAll, false),
  ];
  return [...subsets, ...matched, ...defaults];
}
