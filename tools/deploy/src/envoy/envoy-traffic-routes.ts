import type { HttpMatch, HttpRoute, StringMatch, TrafficPolicy } from '@meshmart/mesh/tools';
import { catchAllRoute, fractionalPercent, matchedRoutes, protoDuration, RETRY_ON, retryClasses, routeName, subsetHostName } from '../traffic/policy-units';

type Json = Record<string, unknown>;

/** The HTTP filter that injects a route's faults; it does nothing where a route configures none. */
export const FAULT_FILTER = 'envoy.filters.http.fault';
const FAULT_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault';

/** One of the sidecar's default routes to an upstream (a retry class of the library). */
export interface DefaultEnvoyRoute {
  name: string;
  match: Json;
  route: { cluster: string; timeout: string; retry_policy: Json & { retry_on: string; num_retries: number; per_try_timeout: string } };
}

/** The HTTP fault filter's config in Envoy's words (the filter, or a route's `typed_per_filter_config`). */
export function faultFilterConfig(fault: NonNullable<HttpRoute['fault']> | undefined): Json {
  return {
    '@type': FAULT_TYPE,
    ...(fault?.delay ? { delay: { fixed_delay: protoDuration(fault.delay.fixedDelay), percentage: fractionalPercent(fault.delay.percentage.value) } } : {}),
    ...(fault?.abort ? { abort: { http_status: fault.abort.httpStatus, percentage: fractionalPercent(fault.abort.percentage.value) } } : {}),
  };
}

/** Whether a policy injects faults anywhere: the outbound listener then needs the fault filter. */
export function injectsFaults(policy: TrafficPolicy | undefined): boolean {
  return (policy?.spec.http ?? []).some((route) => route.fault !== undefined);
}

const stringMatcher = (match: StringMatch): Json =>
  match.exact !== undefined ? { exact: match.exact } : match.prefix !== undefined ? { prefix: match.prefix } : { safe_regex: { regex: match.regex } };

/** One policy match as an Envoy RouteMatch (a path is required: `/` when the match names none). */
export function envoyRouteMatch(match: HttpMatch): Json {
  const uri = match.uri;
  const path =
    uri?.exact !== undefined
      ? { path: uri.exact }
      : uri?.prefix !== undefined
        ? { prefix: uri.prefix }
        : uri?.regex !== undefined
          ? { safe_regex: { regex: uri.regex } }
          : { prefix: '/' };
  const headers = [
    ...(match.method ? [{ name: ':method', string_match: stringMatcher(match.method) }] : []),
    ...Object.entries(match.headers ?? {}).map(([name, value]) => ({ name, string_match: stringMatcher(value) })),
  ];
  return { ...path, ...(headers.length > 0 ? { headers } : {}) };
}

/** A subset's Envoy cluster (`payment-service-v2`), or the whole upstream's without one. */
const clusterOf = (upstream: string, subset: string | undefined) => (subset ? subsetHostName(upstream, subset) : upstream);

/** A default route's action with a policy route's destinations, overrides, mirror and fault applied. */
function applied(upstream: string, route: HttpRoute, base: DefaultEnvoyRoute, retryOn: string): Json {
  const { cluster: _whole, ...rest } = base.route;
  const targets = route.route;
  const action: Json = {
    ...(targets.length === 1
      ? { cluster: clusterOf(upstream, targets[0]?.destination.subset) }
      : { weighted_clusters: { clusters: targets.map((target) => ({ name: clusterOf(upstream, target.destination.subset), weight: target.weight ?? 0 })) } }),
    ...rest,
    ...(route.timeout !== undefined ? { timeout: protoDuration(route.timeout) } : {}),
    retry_policy: {
      ...base.route.retry_policy,
      retry_on: retryOn,
      ...(route.retries ? { num_retries: route.retries.attempts } : {}),
      ...(route.retries?.perTryTimeout !== undefined ? { per_try_timeout: protoDuration(route.retries.perTryTimeout) } : {}),
    },
    // Fire and forget, as Envoy mirrors: the shadow's answer never reaches the caller.
    ...(route.mirror
      ? {
          request_mirror_policies: [
            { cluster: clusterOf(upstream, route.mirror.subset), runtime_fraction: { default_value: fractionalPercent(route.mirrorPercentage?.value ?? 100) } },
          ],
        }
      : {}),
  };
  return { route: action, ...(route.fault ? { typed_per_filter_config: { [FAULT_FILTER]: faultFilterConfig(route.fault) } } : {}) };
}

/**
 * An upstream's routes in the sidecar: the policy's matched routes first, each split into the
 * library's retry classes (one Envoy route per match, since a route's matches are OR-ed), then
 * the default routes, which take the policy's catch-all route while keeping those classes — as
 * the Istio rendering.
 */
export function envoyPolicyRoutes(upstream: string, policy: TrafficPolicy | undefined, defaults: readonly DefaultEnvoyRoute[]): object[] {
  const fallback = defaults.at(-1);
  if (!policy || !fallback) return [...defaults];
  const matched = matchedRoutes(policy).flatMap((route) =>
    retryClasses(route.match ?? []).flatMap((retryClass) =>
      retryClass.match.map((match, index) => ({
        name: `${routeName(policy, route)}${retryClass.suffix}${retryClass.match.length > 1 ? `-${index}` : ''}`,
        match: envoyRouteMatch(match),
        ...applied(upstream, route, fallback, RETRY_ON[retryClass.retryOn]),
      })),
    ),
  );
  const catchAll = catchAllRoute(policy);
  const tail = catchAll
    ? defaults.map((base) => ({
        name: `${routeName(policy, catchAll)}-${base.name}`,
        match: base.match,
        ...applied(upstream, catchAll, base, base.route.retry_policy.retry_on),
      }))
    : defaults;
  return [...matched, ...tail];
}

/** The subsets of a policy that have their own cluster: the ones its routes send or mirror to. */
export function routedSubsets(policy: TrafficPolicy | undefined): string[] {
  const used = (policy?.spec.http ?? []).flatMap((route) => [...route.route.map((target) => target.destination.subset), route.mirror?.subset]);
  return (policy?.spec.subsets ?? []).map((subset) => subset.name).filter((name) => used.includes(name));
}

/**
 * Whether any route still sends to the whole upstream (no subset): without a catch-all route
 * the default routes do; else a destination or mirror without a subset. Envoy refuses nothing
 * for an unused cluster, but an unused cluster is a forgotten upstream (check:deploy).
 */
export function routesToWholeUpstream(policy: TrafficPolicy | undefined): boolean {
  if (!policy || !catchAllRoute(policy)) return true;
  return policy.spec.http.some(
    (route) => route.route.some((target) => target.destination.subset === undefined) || (route.mirror !== undefined && route.mirror.subset === undefined),
  );
}
