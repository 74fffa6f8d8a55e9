import type { IncomingHttpHeaders } from 'node:http';
import type { Labels } from './instance-labels';
import { compileStringMatch, type StringMatcher } from './string-matcher';
import type { FaultInjection, HttpMatch, HttpRoute, TrafficPolicy } from './traffic-policy';

/** One call's route, decided before balancing; the same object for every call that takes it. */
export interface RouteDecision {
  /** The route's name, or `http[<index>]` when it has none (metrics and logs). */
  readonly route: string;
  /** The subset the weighted split chose; undefined: every instance of the service. */
  readonly subset: string | undefined;
  readonly labels: Labels | undefined;
  readonly timeoutMs: number | undefined;
  /** Tries in all (Istio's `attempts` are retries, so this is attempts + 1). */
  readonly maxAttempts: number | undefined;
  /** Istio's `retries.perTryTimeout`: one try that takes longer is abandoned and may be retried. */
  readonly perTryTimeoutMs: number | undefined;
  readonly fault: CompiledFault | undefined;
  /** Where a copy of the call goes, when the mirror percentage's draw said so. */
  readonly mirror: { readonly subset: string; readonly labels: Labels } | undefined;
}

export interface CompiledFault {
  readonly delayMs: number;
  readonly delayPercent: number;
  readonly abortStatus: number;
  readonly abortPercent: number;
}

/** What the fault draws of one attempt said: 0 / undefined when that fault does not strike. */
export interface FaultDraw {
  delayMs: number;
  abortStatus: number | undefined;
}

/** No route of the policy matched: Envoy answers 404 with response flag `NR`. */
export const NO_ROUTE = 'no_route' as const;

/**
 * A policy compiled once: matchers, cumulative weights and subsets resolved to labels, so a
 * call only runs comparisons and draws.
 */
export interface TrafficRouter {
  decide(method: string, path: string, headers: CallHeaders): RouteDecision | typeof NO_ROUTE;
}

type CallHeaders = IncomingHttpHeaders | Readonly<Record<string, string>>;
type CompiledMatch = (method: string, path: string, headers: CallHeaders) => boolean;

interface CompiledRoute {
  matches: CompiledMatch[] | undefined;
  /** One decision per destination, made here so a call allocates nothing. */
  decisions: { upTo: number; plain: RouteDecision; mirrored: RouteDecision | undefined }[];
  mirrorPercent: number;
}

/**
 * Compiles a policy's routes. `random` gives uniform numbers in [0, 1) for the weighted split
 * and the mirror's draw; inject a seeded one in tests. A policy without routes sends every call
 * to the whole service (its subsets and locality still apply).
 */
export function compileTrafficRouter(policy: TrafficPolicy, random: () => number = Math.random): TrafficRouter {
  const subsets = new Map(policy.spec.subsets.map((subset) => [subset.name, subset.labels] as const));
  const routes = policy.spec.http.map((route, index) => compileRoute(route, `http[${index}]`, subsets));
  if (routes.length === 0) routes.push(compileRoute({ route: [{ destination: {} }] }, 'default', subsets));
  return {
    decide(method, path, headers) {
      for (const route of routes) {
        if (route.matches && !route.matches.some((matches) => matches(method, path, headers))) continue;
        const decision = pickWeighted(route.decisions, random() * 100);
        if (!decision) return NO_ROUTE;
        return decision.mirrored && random() * 100 < route.mirrorPercent ? decision.mirrored : decision.plain;
      }
      return NO_ROUTE;
    },
  };
}

/**
 * Draws one attempt's faults. The delay and the abort are drawn independently, as Envoy's
 * fault filter does: an attempt may be delayed, aborted, both or neither.
 */
export function drawFault(fault: CompiledFault, random: () => number = Math.random): FaultDraw {
  const delayMs = fault.delayPercent > 0 && random() * 100 < fault.delayPercent ? fault.delayMs : 0;
  const abortStatus = fault.abortPercent > 0 && random() * 100 < fault.abortPercent ? fault.abortStatus : undefined;
  return { delayMs, abortStatus };
}

export function compileFault(fault: FaultInjection | undefined): CompiledFault | undefined {
  if (!fault) return undefined;
  return {
    delayMs: fault.delay?.fixedDelay ?? 0,
    delayPercent: fault.delay?.percentage.value ?? 0,
    abortStatus: fault.abort?.httpStatus ?? 0,
    abortPercent: fault.abort?.percentage.value ?? 0,
  };
}

function compileRoute(route: HttpRoute, fallbackName: string, subsets: ReadonlyMap<string, Labels>): CompiledRoute {
  const name = route.name ?? fallbackName;
  const mirrorSubset = route.mirror?.subset;
  const mirror = mirrorSubset !== undefined ? { subset: mirrorSubset, labels: subsets.get(mirrorSubset) ?? {} } : undefined;
  let upTo = 0;
  const decisions = route.route.map((destination): CompiledRoute['decisions'][number] => {
    upTo += destination.weight ?? 100;
    const subset = destination.destination.subset;
    const plain: RouteDecision = {
      route: name,
      subset,
      labels: subset === undefined ? undefined : subsets.get(subset),
      timeoutMs: route.timeout,
      maxAttempts: route.retries ? route.retries.attempts + 1 : undefined,
      perTryTimeoutMs: route.retries?.perTryTimeout,
      fault: compileFault(route.fault),
      mirror: undefined,
    };
    return { upTo, plain, mirrored: mirror ? { ...plain, mirror } : undefined };
  });
  return {
    matches: route.match?.map(compileMatch),
    decisions,
    // Istio mirrors 100 % when a mirror is given without a percentage.
    mirrorPercent: route.mirrorPercentage?.value ?? 100,
  };
}

function compileMatch(match: HttpMatch): CompiledMatch {
  const uri = match.uri ? compileStringMatch(match.uri) : undefined;
  const method = match.method ? compileStringMatch(match.method) : undefined;
  const headers: [string, StringMatcher][] = Object.entries(match.headers ?? {}).map(([name, header]) => [name, compileStringMatch(header)]);
  return (callMethod, path, callHeaders) => {
    if (method && !method(callMethod)) return false;
    if (uri && !uri(pathOf(path))) return false;
    for (const [name, matches] of headers) if (!matches(headerValue(callHeaders, name))) return false;
    return true;
  };
}

function pickWeighted<T extends { upTo: number }>(slices: readonly T[], draw: number): T | undefined {
  for (const slice of slices) if (draw < slice.upTo) return slice;
  // Weights of 0 everywhere leave nothing to pick.
  return undefined;
}

/** Istio matches `uri` on the path without its query string. */
function pathOf(path: string): string {
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}

/** A header by its lower-case name; callers may have spelt it `X-Canary`, as HTTP/1 allows. */
function headerValue(headers: CallHeaders, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const key in headers) if (key.toLowerCase() === name) value = headers[key];
  }
  return Array.isArray(value) ? value.join(',') : value;
}
