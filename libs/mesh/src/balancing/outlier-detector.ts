import { type ServiceInstance } from '../discovery/service-instance';
import { resilienceDefaults } from '../resilience/resilience-defaults';
import { ListenerSet } from '../common/listener-set';

/**
 * How a request to an instance ended, as outlier detection sees it: a 502/503/504 (or other
 * 5xx) answer is a gateway error, a refused or reset connection a connect error.
 */
export type RequestOutcome = 'success' | 'gateway_error' | 'connect_error';

/** Options of an {@link OutlierDetector}; every default is `resilienceDefaults.outlierDetection`'s, as the deployment files render it. */
export interface OutlierDetectorOptions {
  /** Errors in a row that eject an instance. Default 3. */
  consecutiveGatewayErrors?: number;
  /**
   * When set, connect errors are counted apart, against this threshold (Envoy's
   * `split_external_local_origin_errors`). Unset, they count as gateway errors.
   */
  consecutiveConnectErrors?: number;
  /** First ejection's length; the n-th ejection lasts n times as long. Default 5 000 ms. */
  baseEjectionMs?: number;
  /** No ejection lasts longer. Default 300 000 ms. */
  maxEjectionMs?: number;
  /** Share of the pool that may be ejected at once, rounded down. Default 50 (%). */
  maxEjectionPercent?: number;
  /** Clock in milliseconds; inject a fake one in tests. Default `Date.now`. */
  now?: () => number;
}

interface InstanceRecord {
  gatewayErrors: number;
  connectErrors: number;
  timesEjected: number;
  /** Set while ejected. */
  ejectedUntil?: number;
  /** When it last came back, to forgive old ejections. */
  returnedAt?: number;
  /** When it was last in a pool given to `available` (or first reported). */
  lastSeenAt: number;
}

/**
 * Passive health checking, as Envoy's outlier detection: an instance that fails several
 * requests in a row is taken out of the pool for a while, longer each time it happens again.
 * Why: active checks probe every few seconds, real traffic notices a broken instance at once.
 *
 * Limits: at most `maxEjectionPercent` of the pool is ejected (so a fault shared by all
 * instances, e.g. a database down, cannot empty the pool); each `baseEjectionMs` an instance
 * spends back in the pool forgives one past ejection. Returns are noticed at the next
 * `available` or `report` (no timers to leak); reports about an ejected instance (requests in
 * flight when it was ejected) are ignored.
 *
 * @example
 * const outliers = new OutlierDetector();
 * const picked = balancer.pick(outliers.available(instances));
 * outliers.report(picked.instance.id, status >= 500 ? 'gateway_error' : 'success');
 */
export class OutlierDetector {
  private readonly gatewayThreshold: number;
  private readonly connectThreshold: number | undefined;
  private readonly baseEjectionMs: number;
  private readonly maxEjectionMs: number;
  private readonly maxEjectionPercent: number;
  private readonly now: () => number;
  private readonly records = new Map<string, InstanceRecord>();
  private readonly ejections = new ListenerSet<[instanceId: string, untilMs: number]>();
  private readonly returns = new ListenerSet<[instanceId: string]>();
  /** Size of the pool last given to `available`; unknown until then. */
  private poolSize: number | undefined;

  constructor(options: OutlierDetectorOptions = {}) {
    const defaults = resilienceDefaults.outlierDetection;
    this.gatewayThreshold = options.consecutiveGatewayErrors ?? defaults.consecutiveGatewayErrors;
    this.connectThreshold = options.consecutiveConnectErrors;
    this.baseEjectionMs = options.baseEjectionMs ?? defaults.baseEjectionMs;
    this.maxEjectionMs = Math.max(options.maxEjectionMs ?? defaults.maxEjectionMs, this.baseEjectionMs);
    this.maxEjectionPercent = options.maxEjectionPercent ?? defaults.maxEjectionPercent;
    this.now = options.now ?? (() => Date.now());
  }

  /** Records how a request to the instance ended; may eject it. */
  report(instanceId: string, outcome: RequestOutcome): void {
    this.returnDue();
    let record = this.records.get(instanceId);
    if (!record) {
      record = { gatewayErrors: 0, connectErrors: 0, timesEjected: 0, lastSeenAt: this.now() };
      this.records.set(instanceId, record);
    }
    if (record.ejectedUntil !== undefined) return;
    if (outcome === 'success') {
      record.gatewayErrors = 0;
      record.connectErrors = 0;
    } else if (outcome === 'connect_error' && this.connectThreshold !== undefined) {
      if (++record.connectErrors >= this.connectThreshold) this.eject(instanceId, record);
    } else if (++record.gatewayErrors >= this.gatewayThreshold) {
      this.eject(instanceId, record);
    }
  }

  /**
   * The instances of the pool that are not ejected, never leaving out more than
   * `maxEjectionPercent` of the pool: its size is what bounds the ejections. An instance that
   * stays out of the pools given here for `maxEjectionMs` (it left discovery) is forgotten;
   * not sooner, so that one passing a filtered pool or flapping in discovery keeps its history.
   */
  available(instances: readonly ServiceInstance[]): ServiceInstance[] {
    this.poolSize = instances.length;
    this.returnDue();
    this.forgetDeparted(instances);
    const ejected = instances
      .filter((instance) => this.isEjected(instance.id))
      .sort((a, b) => this.ejectedUntil(b.id) - this.ejectedUntil(a.id))
      .slice(0, this.maxEjectable(instances.length));
    const excluded = new Set(ejected.map((instance) => instance.id));
    return instances.filter((instance) => !excluded.has(instance.id));
  }

  isEjected(instanceId: string): boolean {
    return this.ejectedUntil(instanceId) > this.now();
  }

  /** Listens to ejections (`untilMs` on the detector's clock); returns the removal. */
  onEject(listener: (instanceId: string, untilMs: number) => void): () => void {
    return this.ejections.add(listener);
  }

  /** Listens to returns to the pool; returns the removal. */
  onReturn(listener: (instanceId: string) => void): () => void {
    return this.returns.add(listener);
  }

  private ejectedUntil(instanceId: string): number {
    return this.records.get(instanceId)?.ejectedUntil ?? Number.NEGATIVE_INFINITY;
  }

  private maxEjectable(poolSize: number): number {
    return Math.floor((poolSize * this.maxEjectionPercent) / 100);
  }

  private eject(instanceId: string, record: InstanceRecord): void {
    const ejectedNow = [...this.records.values()].filter((other) => other.ejectedUntil !== undefined).length;
    // Refused ejections keep their error count: the next error tries again, if room has been made.
    if (this.poolSize !== undefined && ejectedNow + 1 > this.maxEjectable(this.poolSize)) return;
    const now = this.now();
    const maxMultiplier = Math.ceil(this.maxEjectionMs / this.baseEjectionMs);
    const forgiven = record.returnedAt === undefined ? 0 : Math.floor((now - record.returnedAt) / this.baseEjectionMs);
    record.timesEjected = Math.min(Math.max(0, record.timesEjected - forgiven) + 1, maxMultiplier);
    record.ejectedUntil = now + Math.min(this.baseEjectionMs * record.timesEjected, this.maxEjectionMs);
    record.gatewayErrors = 0;
    record.connectErrors = 0;
    this.ejections.emit(instanceId, record.ejectedUntil);
  }

  private returnDue(): void {
    const now = this.now();
    for (const [instanceId, record] of this.records) {
      if (record.ejectedUntil === undefined || record.ejectedUntil > now) continue;
      record.returnedAt = record.ejectedUntil;
      delete record.ejectedUntil;
      this.returns.emit(instanceId);
    }
  }

  private forgetDeparted(instances: readonly ServiceInstance[]): void {
    if (this.records.size === 0) return;
    const now = this.now();
    for (const instance of instances) {
      const record = this.records.get(instance.id);
      if (record) record.lastSeenAt = now;
    }
    for (const [instanceId, record] of this.records) {
      if (record.ejectedUntil === undefined && now - record.lastSeenAt >= this.maxEjectionMs) this.records.delete(instanceId);
    }
  }
}
