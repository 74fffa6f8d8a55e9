import type { ServiceInstance } from '../discovery/service-instance';
import { currentServiceLogger } from '../telemetry/logger';
import { createMirrorSender, type MirroredRequest } from './mirror-sender';
import { TrafficPolicyStore } from './traffic-policy-store';
import { TrafficPolicyWatch } from './traffic-policy-watch';
import type { RouteDecision } from './traffic-router';
import { UpstreamTraffic, type ActiveTrafficPolicy } from './upstream-traffic';

export interface MeshTrafficOptions {
  /** etcd endpoints; none (sidecar mode) leaves traffic to the proxy: no policy is ever applied here. */
  endpoints: readonly string[] | undefined;
  namespace: string;
  /** The caller's zone, which locality-aware balancing prefers. */
  zone: string;
  /** How long a mirrored copy may take before it is abandoned (the call timeout). */
  mirrorTimeoutMs: number;
  /** Uniform numbers in [0, 1) for splits, faults, mirroring and locality. Default `Math.random`. */
  random?: () => number;
  /** A call was routed by a policy. */
  onRouted?: (service: string, route: RouteDecision) => void;
  /** A policy's version changed (`undefined`: none is set). */
  onVersion?: (service: string, active: ActiveTrafficPolicy) => void;
  /** A document in etcd was ignored, or the watch failed; the last good policy stays. */
  onProblem?: (problem: string) => void;
}

/** What one upstream's traffic needs of the client to mirror: its healthy instances and its transport. */
export interface UpstreamTrafficParts {
  healthy: () => readonly ServiceInstance[];
  send: (instance: ServiceInstance, request: MirroredRequest & { signal: AbortSignal }) => Promise<unknown>;
}

/**
 * The traffic policies of one process's upstreams, applied live: one watch over the namespace's
 * policy and fault keys feeds each upstream's {@link UpstreamTraffic}, which swaps its compiled
 * router on every change (no restart). Policies of services this process does not call are
 * ignored.
 */
export class MeshTraffic {
  private starting: Promise<void> | undefined;
  private readonly upstreams = new Map<string, UpstreamTraffic>();
  private store: TrafficPolicyStore | undefined;
  private watch: TrafficPolicyWatch | undefined;

  constructor(private readonly options: MeshTrafficOptions) {}

  /** The traffic of an upstream, before `start`; the client consults it on every call. */
  forUpstream(service: string, parts: UpstreamTrafficParts): UpstreamTraffic {
    const { options } = this;
    const report = options.onProblem ?? reportProblem;
    const traffic = new UpstreamTraffic({
      service,
      callerZone: options.zone,
      ...(options.random ? { random: options.random } : {}),
      onRejected: report,
      onApplied: (active) => options.onVersion?.(service, active),
      ...(options.onRouted ? { onRouted: (route: RouteDecision) => options.onRouted?.(service, route) } : {}),
      mirror: createMirrorSender({
        service,
        healthy: parts.healthy,
        send: parts.send,
        timeoutMs: options.mirrorTimeoutMs,
        ...(options.random ? { random: options.random } : {}),
      }),
    });
    this.upstreams.set(service, traffic);
    options.onVersion?.(service, traffic.active);
    return traffic;
  }

  /**
   * Reads the current policies and watches them, in the background: a starting instance does
   * not wait for them to listen (until the first read, its calls balance plainly, as with no
   * policy); a failure to read goes to `onProblem`, and the instance runs without policies.
   */
  startInBackground(): void {
    this.starting ??= this.start().catch((error: unknown) => (this.options.onProblem ?? reportProblem)(`traffic policies not read: ${String(error)}`));
  }

  /** Reads the current policies and watches them; resolves once they are in force. */
  async start(): Promise<void> {
    const { endpoints, namespace } = this.options;
    const onProblem = this.options.onProblem ?? reportProblem;
    if (!endpoints?.length || this.upstreams.size === 0) return;
    this.store = new TrafficPolicyStore({ endpoints, namespace });
    this.watch = await TrafficPolicyWatch.start({
      client: this.store.etcd,
      namespace,
      onChange: (change) => this.upstreams.get(change.service)?.update(change),
      onError: (error: unknown) => onProblem(`traffic policy watch: ${String(error)}`),
    });
  }

  /** The policy version (and injected fault) in force per upstream, for `/health`. */
  active(): Record<string, ActiveTrafficPolicy> {
    return Object.fromEntries([...this.upstreams].map(([service, traffic]) => [service, traffic.active]));
  }

  async close(): Promise<void> {
    await this.starting;
    await this.watch?.close();
    this.store?.close();
  }
}

/** The service's log when it runs as one (pino, with its trace ids), else a process warning (tests, tools). */
function reportProblem(problem: string): void {
  const logger = currentServiceLogger();
  if (logger) logger.warn({ code: 'MESHMART_TRAFFIC_POLICY' }, problem);
  else process.emitWarning(problem, { code: 'MESHMART_TRAFFIC_POLICY' });
}
