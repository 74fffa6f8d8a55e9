import { type ServiceInstance } from './service-instance';

/**
 * Where instances announce themselves and where callers learn who serves a service. One port,
 * three backends (etcd, dns, static), so the rest of the mesh never knows which one runs.
 *
 * @example
 * const registration = await registry.register(self);
 * const inventory = await registry.watch('inventory-service');
 * balancer.pick(inventory.instances()); // local read, no round trip
 * await registration.deregister(); // on drain: callers stop picking us at once
 */
export interface Registry {
  /** Announces an instance; it stays visible until `deregister`, `close` or (etcd) the process dies. */
  register(instance: ServiceInstance): Promise<Registration>;
  /**
   * A view of one service that keeps itself current. Resolves once the first read is done, so
   * `instances()` is meaningful at once; rejects if the backend cannot be read at all.
   */
  watch(service: string): Promise<ServiceView>;
  /** Deregisters what this registry registered and closes its views and connections. */
  close(): Promise<void>;
}

/** One instance's presence in a registry, owned by the process that registered it. */
export interface Registration {
  /** The instance as last registered or updated. */
  readonly instance: ServiceInstance;
  /** Changes what callers see of this instance (e.g. unhealthy while draining, a new weight). */
  update(patch: Partial<Pick<ServiceInstance, 'healthy' | 'weight'>>): Promise<void>;
  /** Removes the instance at once (not at lease expiry), so callers stop picking it. Idempotent. */
  deregister(): Promise<void>;
}

/**
 * A local, watched view of one service: `instances()` reads memory and never makes a registry
 * round trip, so a balancer can call it on every request.
 */
export interface ServiceView {
  readonly service: string;
  /** Current instances, sorted by id, healthy or not (balancers filter); an immutable snapshot. */
  instances(): readonly ServiceInstance[];
  /** Called with the new list each time it changes (not at subscription); returns the unsubscribe. */
  onChange(listener: (instances: readonly ServiceInstance[]) => void): () => void;
  /** Stops watching; the list stays as it was and listeners are no longer called. Idempotent. */
  close(): Promise<void>;
}
