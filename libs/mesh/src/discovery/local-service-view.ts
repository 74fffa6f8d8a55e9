import { type DiscoveryErrorHandler, warnOfDiscoveryError } from './discovery-errors';
import { type ServiceView } from './registry';
import { type ServiceInstance } from './service-instance';

type InstancesListener = (instances: readonly ServiceInstance[]) => void;

export interface LocalServiceViewOptions {
  /** Releases what feeds the view (a watcher, a timer); run once, on the first `close()`. */
  onClose?: () => Promise<void>;
  /** Where a listener's exception goes, so one bad listener cannot starve the others. Default: a process warning. */
  onListenerError?: DiscoveryErrorHandler;
}

/**
 * The in-memory half every backend's ServiceView shares: backends push whole lists with
 * `publish`, and listeners hear only of real changes (same instances, same fields: no call).
 */
export class LocalServiceView implements ServiceView {
  private current: readonly ServiceInstance[] = Object.freeze([]);
  // One entry object per subscription, so the same function subscribed twice unsubscribes once.
  private readonly listeners = new Set<{ listener: InstancesListener }>();
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(
    readonly service: string,
    private readonly options: LocalServiceViewOptions = {},
  ) {}

  instances(): readonly ServiceInstance[] {
    return this.current;
  }

  onChange(listener: InstancesListener): () => void {
    const entry = { listener };
    if (!this.closed) this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Replaces the list; returns whether it changed (and listeners were called). */
  publish(instances: readonly ServiceInstance[]): boolean {
    if (this.closed) return false;
    const next = [...instances].sort(byId).map((instance) => Object.freeze({ ...instance }));
    if (sameInstances(this.current, next)) return false;
    this.current = Object.freeze(next);
    for (const { listener } of [...this.listeners]) {
      try {
        listener(this.current);
      } catch (error) {
        (this.options.onListenerError ?? warnOfDiscoveryError)(error);
      }
    }
    return true;
  }

  close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.closing ??= this.options.onClose?.() ?? Promise.resolve();
    return this.closing;
  }
}

function byId(a: ServiceInstance, b: ServiceInstance): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function sameInstances(a: readonly ServiceInstance[], b: readonly ServiceInstance[]): boolean {
  return a.length === b.length && a.every((instance, index) => sameInstance(instance, b[index]));
}

function sameInstance(a: ServiceInstance, b: ServiceInstance | undefined): boolean {
  return (
    b !== undefined &&
    a.id === b.id &&
    a.service === b.service &&
    a.address === b.address &&
    a.port === b.port &&
    a.zone === b.zone &&
    a.version === b.version &&
    a.weight === b.weight &&
    a.healthy === b.healthy
  );
}
