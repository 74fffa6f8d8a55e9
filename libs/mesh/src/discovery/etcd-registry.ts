import { Etcd3 } from 'etcd3';
import { type DiscoveryErrorHandler, RegistryClosed, warnOfDiscoveryError } from './discovery-errors';
import { EtcdRegistration } from './etcd-registration';
import { EtcdServiceWatch } from './etcd-service-watch';
import { type Registration, type Registry, type ServiceView } from './registry';
import { type ServiceInstance } from './service-instance';

export interface EtcdRegistryOptions {
  /** etcd client URLs, e.g. `['http://127.0.0.1:2379']`. */
  endpoints: string[];
  /** Where instances live: `<prefix><service>/<id>`. Default `meshmart/services/`; a missing trailing `/` is added. */
  prefix?: string;
  /**
   * Lease TTL in seconds (at least 1; etcd may round very short ones up). Default 5: a killed
   * process's instance disappears within that, and keep-alives go every TTL / 3.
   */
  leaseTtlSeconds?: number;
  /** Deadline of each single etcd call (read, put, grant, revoke); streams have none. Default 5000. */
  callTimeoutMs?: number;
  /** Background failures: lost leases, failed re-registrations, re-reads, listeners that threw. Default: a process warning. */
  onError?: DiscoveryErrorHandler;
}

/**
 * The etcd backend of the Registry: each registered instance is a JSON key under a lease
 * kept alive by this process, and each view is a range read plus a watch. Deregistration
 * revokes the lease, so the key goes at once; a crashed process's key goes when its lease expires.
 *
 * @example
 * const registry = new EtcdRegistry({ endpoints: ['http://127.0.0.1:2379'] });
 * const registration = await registry.register({ id: 'inventory-1', service: 'inventory-service', address: '10.0.0.7', port: 8443, zone: 'local', version: '0.1.0', weight: 1, healthy: true });
 * const view = await registry.watch('inventory-service');
 */
export class EtcdRegistry implements Registry {
  private readonly client: Etcd3;
  private readonly prefix: string;
  private readonly leaseTtlSeconds: number;
  private readonly onError: DiscoveryErrorHandler;
  private readonly registrations = new Set<EtcdRegistration>();
  private readonly watches = new Set<EtcdServiceWatch>();
  private closing: Promise<void> | undefined;

  constructor(options: EtcdRegistryOptions) {
    const { endpoints, prefix = 'meshmart/services/', leaseTtlSeconds = 5, callTimeoutMs = 5_000 } = options;
    if (endpoints.length === 0) throw new RangeError('EtcdRegistry needs at least one etcd endpoint');
    if (!Number.isInteger(leaseTtlSeconds) || leaseTtlSeconds < 1) throw new RangeError(`leaseTtlSeconds must be a whole number ≥ 1, got ${leaseTtlSeconds}`);
    if (!(callTimeoutMs > 0)) throw new RangeError(`callTimeoutMs must be > 0, got ${callTimeoutMs}`);
    this.prefix = prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.leaseTtlSeconds = leaseTtlSeconds;
    this.onError = options.onError ?? warnOfDiscoveryError;
    this.client = new Etcd3({
      hosts: endpoints,
      // A deadline on streams (watch, keep-alive) would end them; every other call gets one.
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    });
  }

  async register(instance: ServiceInstance): Promise<Registration> {
    this.assertOpen();
    const registration = new EtcdRegistration(instance, {
      client: this.client,
      key: `${this.keyPrefixOf(instance.service)}${instance.id}`,
      leaseTtlSeconds: this.leaseTtlSeconds,
      onError: this.onError,
      onDeregistered: (done) => this.registrations.delete(done),
    });
    // Tracked before the first write, so a close() meanwhile still deregisters it.
    this.registrations.add(registration);
    try {
      await registration.start();
    } catch (error) {
      await registration.deregister();
      throw error;
    }
    this.assertOpen();
    return registration;
  }

  async watch(service: string): Promise<ServiceView> {
    this.assertOpen();
    const watch = new EtcdServiceWatch({
      client: this.client,
      keyPrefix: this.keyPrefixOf(service),
      service,
      onError: this.onError,
      onClosed: (closed) => this.watches.delete(closed),
    });
    this.watches.add(watch);
    try {
      await watch.start();
    } catch (error) {
      await watch.view.close();
      throw error;
    }
    this.assertOpen();
    return watch.view;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.registrations].map((registration) => registration.deregister()));
      await Promise.all([...this.watches].map((watch) => watch.view.close()));
      this.client.close();
    })();
    return this.closing;
  }

  private keyPrefixOf(service: string): string {
    return `${this.prefix}${service}/`;
  }

  private assertOpen(): void {
    if (this.closing) throw new RegistryClosed('this EtcdRegistry is closed');
  }
}
