import { type DiscoveryErrorHandler, RegistryClosed } from './discovery-errors';
import { LocalServiceView } from './local-service-view';
import { type Registration, type Registry, type ServiceView } from './registry';
import { type ServiceInstance } from './service-instance';

/**
 * An in-memory Registry: instances come from configuration (a fixed upstream list) or from
 * `register` calls in the same process, and views are told at once. For tests and for setups
 * where the topology is known in advance; nothing is shared between processes.
 *
 * @example
 * const registry = new StaticRegistry({ 'inventory-service': [inventoryInstance] });
 * const view = await registry.watch('inventory-service');
 */
export class StaticRegistry implements Registry {
  private readonly byService = new Map<string, Map<string, ServiceInstance>>();
  private readonly views = new Set<LocalServiceView>();
  private closed = false;

  /**
   * `initial` maps each service name to its instances; each instance's `service` must be that name.
   * `onError` receives exceptions thrown by view listeners (default: a process warning).
   */
  constructor(
    initial: Record<string, ServiceInstance[]> = {},
    private readonly options: { onError?: DiscoveryErrorHandler } = {},
  ) {
    for (const [service, instances] of Object.entries(initial)) {
      for (const instance of instances) {
        if (instance.service !== service) {
          throw new RangeError(`instance ${instance.id} is listed under "${service}" but says it is "${instance.service}"`);
        }
        this.instancesOf(service).set(instance.id, Object.freeze({ ...instance }));
      }
    }
  }

  register(instance: ServiceInstance): Promise<Registration> {
    if (this.closed) return Promise.reject(new RegistryClosed('this StaticRegistry is closed'));
    this.put(instance);
    return Promise.resolve(new StaticRegistration(instance, { put: (changed) => this.put(changed), remove: (gone) => this.remove(gone) }));
  }

  watch(service: string): Promise<ServiceView> {
    if (this.closed) return Promise.reject(new RegistryClosed('this StaticRegistry is closed'));
    const view: LocalServiceView = new LocalServiceView(service, {
      onListenerError: this.options.onError,
      onClose: () => {
        this.views.delete(view);
        return Promise.resolve();
      },
    });
    this.views.add(view);
    view.publish([...this.instancesOf(service).values()]);
    return Promise.resolve(view);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.views].map((view) => view.close()));
  }

  /** Stores an instance (new or changed) and tells the service's views. */
  private put(instance: ServiceInstance): void {
    this.instancesOf(instance.service).set(instance.id, Object.freeze({ ...instance }));
    this.publish(instance.service);
  }

  /** Forgets an instance and tells the service's views. */
  private remove(instance: ServiceInstance): void {
    if (this.instancesOf(instance.service).delete(instance.id)) this.publish(instance.service);
  }

  private publish(service: string): void {
    const instances = [...this.instancesOf(service).values()];
    for (const view of this.views) if (view.service === service) view.publish(instances);
  }

  private instancesOf(service: string): Map<string, ServiceInstance> {
    let instances = this.byService.get(service);
    if (!instances) {
      instances = new Map();
      this.byService.set(service, instances);
    }
    return instances;
  }
}

interface InstanceStore {
  put(instance: ServiceInstance): void;
  remove(instance: ServiceInstance): void;
}

class StaticRegistration implements Registration {
  private current: ServiceInstance;
  private deregistered = false;

  constructor(
    instance: ServiceInstance,
    private readonly store: InstanceStore,
  ) {
    this.current = Object.freeze({ ...instance });
  }

  get instance(): ServiceInstance {
    return this.current;
  }

  update(patch: Partial<Pick<ServiceInstance, 'healthy' | 'weight'>>): Promise<void> {
    if (this.deregistered) return Promise.reject(new RegistryClosed(`${this.current.id} is deregistered`));
    this.current = Object.freeze({ ...this.current, ...patch });
    this.store.put(this.current);
    return Promise.resolve();
  }

  deregister(): Promise<void> {
    if (!this.deregistered) this.store.remove(this.current);
    this.deregistered = true;
    return Promise.resolve();
  }
}
