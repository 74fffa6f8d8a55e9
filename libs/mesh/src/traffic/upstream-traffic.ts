import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceInstance } from '../discovery/service-instance';
import { MeshError } from '../errors/mesh-error';
import { parseTrafficPolicy, type FaultInjection, type TrafficPolicy } from './traffic-policy';
import { withInjectedFault } from './fault-overlay';
import { selectSubset, type Labels } from './instance-labels';
import type { MirroredRequest } from './mirror-sender';
import { selectLocality } from './locality-selection';
import { compileTrafficRouter, drawFault, NO_ROUTE, type FaultDraw, type RouteDecision, type TrafficRouter } from './traffic-router';
import { storedFault } from './traffic-policy-store';
import type { TrafficKeyChange } from './traffic-policy-watch';

/** The destination's policy has routes and none matches the call: Envoy's 404 `NR`. */
export class NoRoute extends MeshError {
  readonly code = 'no_route';
  readonly retryable = false;
  readonly status = 404;
}

/** One try outlived the route's `retries.perTryTimeout`: transient, so the retry stage may try again (Envoy's `UT` with a retry). */
export class PerTryTimeout extends MeshError {
  readonly code = 'per_try_timeout';
  readonly retryable = true;
  readonly status = 504;
}

/** What is in force for one upstream, for `/health` and the console. */
export interface ActiveTrafficPolicy {
  /** The policy's version (etcd mod revision); undefined when none is set. */
  version: string | undefined;
  /** The version of an injected fault merged onto every route, with its expiry. */
  fault: { version: string; expiresAt: string } | undefined;
}

export interface UpstreamTrafficOptions {
  service: string;
  /** The caller's own zone, which locality-aware balancing prefers. */
  callerZone: string;
  /** Uniform numbers in [0, 1) for splits, locality and fault draws. Default `Math.random`. */
  random?: () => number;
  /** A document in etcd that does not validate: it is ignored and the last good one stays. */
  onRejected?: (problem: string) => void;
  /** Sends a copy of a call to an instance of the mirror subset, fire and forget. */
  mirror?: (labels: Labels, request: MirroredRequest) => void;
  /** Told of each routed call (metrics: calls per route and subset). */
  onRouted?: (route: RouteDecision) => void;
  /** Told after each swap of the compiled router. */
  onApplied?: (active: ActiveTrafficPolicy) => void;
}

/**
 * The traffic of one upstream as the client applies it: the policy and injected fault last
 * read from etcd, compiled into one router and swapped whole on each change, so a call sees one
 * policy from start to end. Without a policy `route` returns undefined at once (no allocation),
 * and the client balances as it always did.
 */
export class UpstreamTraffic {
  private router: TrafficRouter | undefined;
  private locality: { overprovisioningFactor: number } | undefined;
  private policy: { version: string; policy: TrafficPolicy } | undefined;
  private fault: { version: string; fault: FaultInjection; expiresAt: string } | undefined;
  private readonly random: () => number;

  constructor(private readonly options: UpstreamTrafficOptions) {
    this.random = options.random ?? Math.random;
  }

  get active(): ActiveTrafficPolicy {
    return { version: this.policy?.version, fault: this.fault && { version: this.fault.version, expiresAt: this.fault.expiresAt } };
  }

  /** Applies a change of this service's policy or fault key, as the watch reports it. */
  update(change: TrafficKeyChange): void {
    if (change.service !== this.options.service) return;
    if (change.kind === 'policy') {
      if (change.value === undefined) this.policy = undefined;
      else {
        try {
          this.policy = { version: change.version, policy: parseTrafficPolicy(JSON.parse(change.value)) };
        } catch (error) {
          return this.reject(
            `traffic policy of ${change.service} at version ${change.version} ignored, keeping version ${this.policy?.version ?? 'none'}: ${(error as Error).message}`,
          );
        }
      }
    } else if (change.value === undefined) this.fault = undefined;
    else {
      const stored = storedFault(change.service, change.value, change.version);
      if (!stored) return this.reject(`injected fault of ${change.service} at version ${change.version} does not validate; ignored`);
      this.fault = stored;
    }
    this.compile();
  }

  /**
   * The route of one call, before balancing: undefined without a policy. Throws NoRoute when
   * the policy's routes all miss.
   */
  route(method: string, path: string, headers: IncomingHttpHeaders | Readonly<Record<string, string>>): RouteDecision | undefined {
    if (this.router === undefined) return undefined;
    const decision = this.router.decide(method, path, headers);
    if (decision === NO_ROUTE) throw new NoRoute(`no route of the traffic policy of ${this.options.service} matches ${method} ${path}`);
    this.options.onRouted?.(decision);
    return decision;
  }

  /**
   * The instances this call may be balanced over: the route's subset, then (when the policy
   * enables it) the zone Envoy's locality load picks. `all` is every discovered instance,
   * `healthy` the ones health checks and outlier detection still allow.
   */
  candidates(route: RouteDecision, all: readonly ServiceInstance[], healthy: readonly ServiceInstance[]): readonly ServiceInstance[] {
    const inSubset = selectSubset(healthy, route.labels);
    if (!this.locality) return inSubset;
    return selectLocality(selectSubset(all, route.labels), inSubset, this.options.callerZone, this.locality.overprovisioningFactor, this.random);
  }

  /**
   * The signal one try runs under: the call's, and the route's per-try timeout when it has one;
   * aborted by that timeout, its reason is a retryable {@link PerTryTimeout}.
   */
  trySignal(route: RouteDecision, signal: AbortSignal): AbortSignal {
    const limitMs = route.perTryTimeoutMs;
    if (limitMs === undefined) return signal;
    const perTry = new AbortController();
    setTimeout(() => perTry.abort(new PerTryTimeout(`a try of ${this.options.service} took over its ${limitMs} ms`)), limitMs).unref();
    return AbortSignal.any([signal, perTry.signal]);
  }

  /** Sends the call's copy when the route's mirror draw said so; never waits, never fails the call. */
  mirror(route: RouteDecision, request: MirroredRequest): void {
    if (route.mirror) this.options.mirror?.(route.mirror.labels, request);
  }

  /**
   * One attempt's faults, as Envoy's fault filter applies them before the router: draws the
   * delay and the abort, waits out the delay (or until `signal`, the call's deadline, fires),
   * and returns the draw so the client can abort and mark the request `DI`/`FI`.
   */
  async applyFault(route: RouteDecision, signal: AbortSignal): Promise<FaultDraw | undefined> {
    if (!route.fault) return undefined;
    const draw = drawFault(route.fault, this.random);
    if (draw.delayMs > 0) await sleep(draw.delayMs, undefined, { signal });
    return draw;
  }

  private compile(): void {
    const base = this.policy?.policy;
    const effective = this.fault ? withInjectedFault(base, this.options.service, this.fault.fault) : base;
    const locality = effective?.spec.trafficPolicy?.locality;
    this.locality = locality?.enabled ? { overprovisioningFactor: locality.overprovisioningFactor } : undefined;
    this.router = effective && compileTrafficRouter(effective, this.random);
    this.options.onApplied?.(this.active);
  }

  private reject(problem: string): void {
    (this.options.onRejected ?? ((text: string) => process.emitWarning(text, { code: 'MESHMART_TRAFFIC_POLICY' })))(problem);
  }
}
