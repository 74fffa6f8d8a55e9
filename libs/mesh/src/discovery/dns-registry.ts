import { type LookupAddress, promises as dns } from 'node:dns';
import { DiscoveryFailed, type DiscoveryErrorHandler, RegistryClosed, warnOfDiscoveryError } from './discovery-errors';
import { LocalServiceView } from './local-service-view';
import { type Registration, type Registry, type ServiceView } from './registry';
import { endpointOf, type ServiceInstance } from './service-instance';

/** Resolves a host name to every address it has, as `dns.promises.lookup(host, { all: true })` does. */
export type DnsLookup = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>;

export interface DnsRegistryOptions {
  /** The port every instance serves on; DNS A/AAAA records carry none. */
  port: number;
  /** How often each watched name is resolved again, in ms. Default 5000. */
  refreshMs?: number;
  /** The resolver. Default `dns.promises.lookup` (system resolver, so /etc/hosts and search domains apply). */
  lookup?: DnsLookup;
  /** Zone given to every instance found, as DNS does not say. Default `local`. */
  zone?: string;
  /** Failed refreshes and listeners that threw. Default: a process warning. */
  onError?: DiscoveryErrorHandler;
}

// The name does not exist (yet): a service with no instances, not a failure.
const noSuchName = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * The DNS backend of the Registry, for Kubernetes and Compose, where the platform registers
 * instances and a service name resolves to their addresses. Views resolve the service name,
 * then again every `refreshMs`, and tell listeners when the set of addresses changes.
 *
 * @example
 * const registry = new DnsRegistry({ port: 8443 });
 * const view = await registry.watch('inventory-service'); // resolves `inventory-service`
 */
export class DnsRegistry implements Registry {
  private readonly port: number;
  private readonly refreshMs: number;
  private readonly lookup: DnsLookup;
  private readonly zone: string;
  private readonly onError: DiscoveryErrorHandler;
  private readonly views = new Set<LocalServiceView>();
  private closed = false;

  constructor(options: DnsRegistryOptions) {
    const { port, refreshMs = 5_000, zone = 'local' } = options;
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError(`port must be 1-65535, got ${port}`);
    if (!(refreshMs > 0)) throw new RangeError(`refreshMs must be > 0, got ${refreshMs}`);
    this.port = port;
    this.refreshMs = refreshMs;
    this.zone = zone;
    this.lookup = options.lookup ?? ((hostname, lookupOptions) => dns.lookup(hostname, lookupOptions));
    this.onError = options.onError ?? warnOfDiscoveryError;
  }

  /** Nothing to write: the platform (Kubernetes endpoints, Compose DNS) registers instances in this mode. */
  register(instance: ServiceInstance): Promise<Registration> {
    if (this.closed) return Promise.reject(new RegistryClosed('this DnsRegistry is closed'));
    let current = Object.freeze({ ...instance });
    return Promise.resolve({
      get instance() {
        return current;
      },
      update(patch) {
        current = Object.freeze({ ...current, ...patch });
        return Promise.resolve();
      },
      deregister: () => Promise.resolve(),
    } satisfies Registration);
  }

  /** Resolves `service` as a host name; rejects with DiscoveryFailed if the first lookup fails (other than "no such name"). */
  async watch(service: string): Promise<ServiceView> {
    if (this.closed) throw new RegistryClosed('this DnsRegistry is closed');
    let timer: NodeJS.Timeout | undefined;
    const view: LocalServiceView = new LocalServiceView(service, {
      onListenerError: this.onError,
      onClose: () => {
        clearTimeout(timer);
        this.views.delete(view);
        return Promise.resolve();
      },
    });
    view.publish(await this.resolve(service));
    if (this.closed) throw new RegistryClosed('this DnsRegistry is closed');
    this.views.add(view);

    const refresh = async () => {
      try {
        view.publish(await this.resolve(service));
      } catch (error) {
        // Keep the last answer: a resolver hiccup must not empty the upstream list.
        this.onError(error);
      }
      if (this.views.has(view)) schedule();
    };
    // A chain of timeouts, not an interval: a slow resolver never has two lookups in flight.
    const schedule = () => {
      timer = setTimeout(() => void refresh(), this.refreshMs);
      timer.unref();
    };
    schedule();
    return view;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.views].map((view) => view.close()));
  }

  private async resolve(service: string): Promise<ServiceInstance[]> {
    let addresses: LookupAddress[];
    try {
      addresses = await this.lookup(service, { all: true });
    } catch (error) {
      if (noSuchName.has(errorCode(error))) return [];
      throw new DiscoveryFailed(`resolving ${service} failed`, { cause: error });
    }
    const unique = new Set(addresses.map(({ address }) => address));
    return [...unique].map((address) => this.instanceAt(service, address));
  }

  private instanceAt(service: string, address: string): ServiceInstance {
    const endpoint = { address, port: this.port };
    return { id: `${service}@${endpointOf(endpoint)}`, service, address, port: this.port, zone: this.zone, version: 'unknown', weight: 1, healthy: true };
  }
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}
