import type { HttpMatch, HttpRoute, TrafficPolicy } from '@meshmart/mesh/tools';

/** Milliseconds as a protobuf Duration string (`0.25s`, `2s`): what Istio and Envoy both read. */
export function protoDuration(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/** Milliseconds as a Gateway API Duration (GEP-2257: whole units only, `250ms`, `2s`). */
export function gatewayDuration(ms: number): string {
  return Number.isInteger(ms / 1000) ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}

export type FractionalPercent = { numerator: number; denominator: 'HUNDRED' | 'TEN_THOUSAND' | 'MILLION' };

/**
 * Istio's `Percent` (0–100, fractional) as Envoy's FractionalPercent: the coarsest denominator
 * that holds the value exactly (12.5 % → 1250/10000), rounded to millionths below that (Istio
 * renders every percentage in millionths; the coarser denominators read better and mean the same).
 */
export function fractionalPercent(value: number): FractionalPercent {
  if (Number.isInteger(value)) return { numerator: value, denominator: 'HUNDRED' };
  const tenThousandths = value * 100;
  if (Math.abs(tenThousandths - Math.round(tenThousandths)) < 1e-9) return { numerator: Math.round(tenThousandths), denominator: 'TEN_THOUSAND' };
  return { numerator: Math.round(value * 10_000), denominator: 'MILLION' };
}

/**
 * The name of a subset's own pool where the platform cannot select by label: the compose
 * network alias and Envoy cluster, and the Kubernetes Service the Linkerd variant's HTTPRoutes
 * weigh (`payment-service-v2`).
 */
export function subsetHostName(host: string, subset: string): string {
  return `${host}-${subset}`;
}

/** The library's retry-safe methods: a 5xx may be retried only for these (or with an idempotency key). */
export const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'] as const;
/** What may be retried: anything that never reached the upstream, and 5xx/resets of idempotent calls. */
export const RETRY_ON = { idempotent: '5xx,reset,connect-failure,refused-stream', any: 'connect-failure,refused-stream' } as const;

const isIdempotentMethod = (match: HttpMatch) => match.method?.exact !== undefined && (IDEMPOTENT_METHODS as readonly string[]).includes(match.method.exact);
/** The idempotent methods as one method match (Istio, Envoy); Gateway API, which has no method regex, lists them. */
export const IDEMPOTENT_METHOD_MATCH = { regex: `^(${IDEMPOTENT_METHODS.join('|')})$` } as const;
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** One retry class of a route: the matches it narrows to, and what may be retried there. */
export interface RetryClass {
  /** Appended to the route's name (`-idempotent-method`, `-idempotency-key`, or nothing for the rest). */
  suffix: string;
  match: HttpMatch[];
  retryOn: keyof typeof RETRY_ON;
}

/**
 * A matched policy route split into the library's retry classes, as the default routes are:
 * its idempotent-method calls and its idempotency-keyed calls retry on 5xx, the rest only where
 * the call never reached the upstream (README: Resilience). A route whose matches name only
 * idempotent methods is one class.
 */
export function retryClasses(match: readonly HttpMatch[]): RetryClass[] {
  if (match.length > 0 && match.every(isIdempotentMethod)) return [{ suffix: '', match: [...match], retryOn: 'idempotent' }];
  const byMethod = match.flatMap((candidate) =>
    candidate.method === undefined ? [{ ...candidate, method: { ...IDEMPOTENT_METHOD_MATCH } }] : isIdempotentMethod(candidate) ? [candidate] : [],
  );
  const byKey = match
    .filter((candidate) => candidate.headers?.[IDEMPOTENCY_KEY_HEADER] === undefined)
    .map((candidate) => ({ ...candidate, headers: { ...candidate.headers, [IDEMPOTENCY_KEY_HEADER]: { regex: '.+' } } }));
  return [
    ...(byMethod.length > 0 ? [{ suffix: '-idempotent-method', match: byMethod, retryOn: 'idempotent' as const }] : []),
    ...(byKey.length > 0 ? [{ suffix: '-idempotency-key', match: byKey, retryOn: 'idempotent' as const }] : []),
    { suffix: '', match: [...match], retryOn: 'any' },
  ];
}

/** The policy's last route when it has no match: it catches everything, so it takes the place of the default routes. */
export function catchAllRoute(policy: TrafficPolicy | undefined): HttpRoute | undefined {
  const last = policy?.spec.http.at(-1);
  return last && last.match === undefined ? last : undefined;
}

/** The routes that match something, in order: each is rendered before the default routes. */
export function matchedRoutes(policy: TrafficPolicy | undefined): HttpRoute[] {
  return (policy?.spec.http ?? []).filter((route) => route.match !== undefined);
}

/** A route's name as rendered: its own, or its position (`route-2`). */
export function routeName(policy: TrafficPolicy, route: HttpRoute): string {
  return route.name ?? `route-${policy.spec.http.indexOf(route)}`;
}
