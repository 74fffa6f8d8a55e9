import type { HttpMatch, HttpRoute, StringMatch, TrafficPolicy } from '@meshmart/mesh/tools';
import { catchAllRoute, matchedRoutes, protoDuration, RETRY_ON, retryClasses, routeName } from '../traffic/policy-units';

type Json = Record<string, unknown>;

/** One of the per-service default routes (a retry class of the library: idempotent method, idempotency key, other). */
export interface DefaultIstioRoute {
  name: string;
  match?: Json[];
  timeout: string;
  retries: { attempts: number; perTryTimeout: string; retryOn: string };
}

/** Envoy's default overprovisioning factor, which Istio leaves as it is: no DestinationRule field sets another. */
const ISTIO_OVERPROVISIONING_FACTOR = 140;

/**
 * The DestinationRule parts a policy adds: its subsets (instances by label) and, with
 * locality on, `localityLbSetting` beside the balancer. Istio fails over between localities
 * only with outlier detection in the same traffic policy, which every rule here keeps.
 */
export function istioDestinationRuleParts(policy: TrafficPolicy | undefined, file: string): { subsets?: Json[]; localityLbSetting?: Json } {
  if (!policy) return {};
  const locality = policy.spec.trafficPolicy?.locality;
  if (locality?.enabled && locality.overprovisioningFactor !== ISTIO_OVERPROVISIONING_FACTOR) {
    throw new Error(
      `${file}: spec.trafficPolicy.locality.overprovisioningFactor: Istio keeps Envoy's ${ISTIO_OVERPROVISIONING_FACTOR} (no DestinationRule field sets it); ${locality.overprovisioningFactor} cannot be rendered for Istio`,
    );
  }
  return {
    ...(policy.spec.subsets.length > 0 ? { subsets: policy.spec.subsets.map((subset) => ({ name: subset.name, labels: subset.labels })) } : {}),
    ...(locality?.enabled ? { localityLbSetting: { enabled: true } } : {}),
  };
}

const stringMatch = (match: StringMatch): Json =>
  match.exact !== undefined ? { exact: match.exact } : match.prefix !== undefined ? { prefix: match.prefix } : { regex: match.regex };

function istioMatch(match: HttpMatch): Json {
  return {
    ...(match.name ? { name: match.name } : {}),
    ...(match.uri ? { uri: stringMatch(match.uri) } : {}),
    ...(match.method ? { method: stringMatch(match.method) } : {}),
    ...(match.headers ? { headers: Object.fromEntries(Object.entries(match.headers).map(([name, value]) => [name, stringMatch(value)])) } : {}),
  };
}

/** What a policy route does to the calls it catches: where they go, faults, mirroring. */
function routeAction(route: HttpRoute, destinationOf: (subset?: string) => Json): Json {
  const several = route.route.length > 1;
  return {
    route: route.route.map((target) => ({
      destination: destinationOf(target.destination.subset),
      ...(several || target.weight !== undefined ? { weight: target.weight ?? 100 } : {}),
    })),
    ...(route.fault
      ? {
          fault: {
            ...(route.fault.delay
              ? { delay: { fixedDelay: protoDuration(route.fault.delay.fixedDelay), percentage: { value: route.fault.delay.percentage.value } } }
              : {}),
            ...(route.fault.abort ? { abort: { httpStatus: route.fault.abort.httpStatus, percentage: { value: route.fault.abort.percentage.value } } } : {}),
          },
        }
      : {}),
    ...(route.mirror ? { mirror: destinationOf(route.mirror.subset), mirrorPercentage: { value: route.mirrorPercentage?.value ?? 100 } } : {}),
  };
}

/**
 * The VirtualService's ordered http routes: the policy's matched routes first (in its order),
 * each split into the library's retry classes, then the default routes, which take the
 * policy's catch-all route (weights, faults, mirror, timeout and retry overrides) while keeping
 * those classes.
 */
export function istioHttpRoutes(policy: TrafficPolicy | undefined, defaults: readonly DefaultIstioRoute[], destinationOf: (subset?: string) => Json): Json[] {
  const overridden = (route: HttpRoute, base: { timeout: string; retries: DefaultIstioRoute['retries'] }) => ({
    timeout: route.timeout !== undefined ? protoDuration(route.timeout) : base.timeout,
    retries: {
      ...base.retries,
      ...(route.retries ? { attempts: route.retries.attempts } : {}),
      ...(route.retries?.perTryTimeout !== undefined ? { perTryTimeout: protoDuration(route.retries.perTryTimeout) } : {}),
    },
  });
  const fallback = defaults.at(-1);
  if (!fallback) throw new Error('a VirtualService needs its default routes');
  const matched = policy
    ? matchedRoutes(policy).flatMap((route) =>
        retryClasses(route.match ?? []).map((retryClass) => ({
          name: `${routeName(policy, route)}${retryClass.suffix}`,
          match: retryClass.match.map(istioMatch),
          ...routeAction(route, destinationOf),
          ...overridden(route, { timeout: fallback.timeout, retries: { ...fallback.retries, retryOn: RETRY_ON[retryClass.retryOn] } }),
        })),
      )
    : [];
  const catchAll = catchAllRoute(policy);
  const plain = { route: [{ destination: destinationOf() }] };
  const tail = defaults.map((base) => ({
    name: catchAll && policy ? `${routeName(policy, catchAll)}-${base.name}` : base.name,
    ...(base.match ? { match: base.match } : {}),
    ...(catchAll ? routeAction(catchAll, destinationOf) : plain),
    ...(catchAll ? overridden(catchAll, base) : { timeout: base.timeout, retries: base.retries }),
  }));
  return [...matched, ...tail];
}
