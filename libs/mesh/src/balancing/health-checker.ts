import { type ServiceInstance } from '../discovery/service-instance';
import { ListenerSet } from '../common/listener-set';

/** Options of an {@link ActiveHealthChecker}; every field but `probe` has the default shown. */
export interface ActiveHealthCheckerOptions {
  /** Pause between the end of one round of probes and the start of the next. Default 5 000 ms. */
  intervalMs?: number;
  /** A probe not answered by then counts as failed, and its signal is aborted. Default 1 000 ms. */
  timeoutMs?: number;
  /** Failed probes in a row that mark a healthy instance unhealthy. Default 2. */
  unhealthyThreshold?: number;
  /** Passed probes in a row that mark an unhealthy instance healthy again. Default 1. */
  healthyThreshold?: number;
  /**
   * Asks one instance whether it is ready (e.g. `GET /health/ready` over mTLS). Resolving `true`
   * passes; `false`, a rejection, a throw or no answer within `timeoutMs` fails.
   */
  probe: (instance: ServiceInstance, signal: AbortSignal) => Promise<boolean>;
}

interface HealthRecord {
  healthy: boolean;
  failures: number;
  passes: number;
}

/**
 * Active health checking, as Envoy does it: every instance is probed each interval, and its
 * verdict changes only after `unhealthyThreshold` failures or `healthyThreshold` passes in a
 * row, so one lost probe does not flap it. Why, besides outlier detection: it also finds broken
 * instances that get no traffic, and brings ejected-looking ones back only once they answer.
 *
 * Instances are healthy until probes say otherwise (discovery just vouched for them); one that
 * leaves the list given by `getInstances` is forgotten. Timers are unref'd.
 *
 * @example
 * const health = new ActiveHealthChecker({ probe: (i, signal) => ping(i, signal) });
 * health.start(() => registry.instances('inventory'));
 * const candidates = health.available(instances);
 */
export class ActiveHealthChecker {
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly unhealthyThreshold: number;
  private readonly healthyThreshold: number;
  private readonly probe: ActiveHealthCheckerOptions['probe'];
  private readonly records = new Map<string, HealthRecord>();
  private readonly changes = new ListenerSet<[instanceId: string, healthy: boolean]>();
  private readonly inFlight = new Set<AbortController>();
  private timer: NodeJS.Timeout | undefined;
  /** Bumped by start and stop, so that a round started before does not report after. */
  private generation = 0;

  constructor(options: ActiveHealthCheckerOptions) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.unhealthyThreshold = options.unhealthyThreshold ?? 2;
    this.healthyThreshold = options.healthyThreshold ?? 1;
    this.probe = options.probe;
  }

  /** Probes the instances `getInstances` returns now, then again after each interval, until `stop`. */
  start(getInstances: () => readonly ServiceInstance[]): void {
    this.stop();
    const generation = this.generation;
    const loop = (): void => {
      this.round(getInstances, generation)
        .catch(() => undefined) // a failing instance list skips the round, it does not stop checking
        .finally(() => {
          if (generation !== this.generation) return;
          this.timer = setTimeout(loop, this.intervalMs);
          this.timer.unref();
        });
    };
    loop();
  }

  /** Stops probing and aborts probes in flight; the last verdicts stay. */
  stop(): void {
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  isHealthy(instanceId: string): boolean {
    return this.records.get(instanceId)?.healthy ?? true;
  }

  /** The instances whose probes say they are healthy (or that have not been probed yet). */
  available(instances: readonly ServiceInstance[]): ServiceInstance[] {
    return instances.filter((instance) => this.isHealthy(instance.id));
  }

  /** Listens to verdict changes, for metrics and logs; returns the removal. */
  onHealthChange(listener: (instanceId: string, healthy: boolean) => void): () => void {
    return this.changes.add(listener);
  }

  private async round(getInstances: () => readonly ServiceInstance[], generation: number): Promise<void> {
    const instances = getInstances();
    const present = new Set(instances.map((instance) => instance.id));
    for (const instanceId of this.records.keys()) if (!present.has(instanceId)) this.records.delete(instanceId);
    await Promise.all(
      instances.map(async (instance) => {
        const passed = await this.check(instance);
        if (generation === this.generation) this.record(instance.id, passed);
      }),
    );
  }

  private async check(instance: ServiceInstance): Promise<boolean> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve(false);
      }, this.timeoutMs);
    });
    try {
      const answered = (async () => (await this.probe(instance, controller.signal)) === true)();
      return await Promise.race([answered, timedOut]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private record(instanceId: string, passed: boolean): void {
    const record = this.records.get(instanceId) ?? { healthy: true, failures: 0, passes: 0 };
    this.records.set(instanceId, record);
    if (passed) {
      record.failures = 0;
      record.passes++;
      if (!record.healthy && record.passes >= this.healthyThreshold) this.change(instanceId, record, true);
    } else {
      record.passes = 0;
      record.failures++;
      if (record.healthy && record.failures >= this.unhealthyThreshold) this.change(instanceId, record, false);
    }
  }

  private change(instanceId: string, record: HealthRecord, healthy: boolean): void {
    record.healthy = healthy;
    this.changes.emit(instanceId, healthy);
  }
}
