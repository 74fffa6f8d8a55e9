import { type DiscoveryErrorHandler } from './discovery-errors';
import { DnsRegistry, type DnsRegistryOptions } from './dns-registry';
import { EtcdRegistry, type EtcdRegistryOptions } from './etcd-registry';
import { type Registry } from './registry';
import { type ServiceInstance } from './service-instance';
import { StaticRegistry } from './static-registry';

/**
 * Which discovery backend a process uses, as validated configuration gives it: etcd in local
 * and compose modes, DNS under Kubernetes (or for Envoy clusters), static for tests and fixed
 * topologies. Omitted fields take each backend's documented defaults.
 */
export type RegistryConfig =
  | ({ kind: 'etcd' } & Pick<EtcdRegistryOptions, 'endpoints' | 'prefix' | 'leaseTtlSeconds'>)
  | ({ kind: 'dns' } & Pick<DnsRegistryOptions, 'port' | 'refreshMs' | 'zone'>)
  | { kind: 'static'; instances: Record<string, ServiceInstance[]> };

export interface CreateRegistryOptions {
  /** Background failures (and listeners that threw), whatever the backend. Default: a process warning. */
  onError?: DiscoveryErrorHandler;
}

/**
 * The one place a registry backend is chosen, so the rest of the mesh only sees `Registry`.
 *
 * @example
 * const registry = createRegistry({ kind: 'etcd', endpoints: ['http://127.0.0.1:2379'] });
 */
export function createRegistry(config: RegistryConfig, options: CreateRegistryOptions = {}): Registry {
  switch (config.kind) {
    case 'etcd': {
      const { kind: _kind, ...etcd } = config;
      return new EtcdRegistry({ ...etcd, ...options });
    }
    case 'dns': {
      const { kind: _kind, ...dns } = config;
      return new DnsRegistry({ ...dns, ...options });
    }
    case 'static':
      return new StaticRegistry(config.instances, options);
    default:
      return unknownKind(config);
  }
}

function unknownKind(config: never): never {
  throw new RangeError(`unknown registry kind: ${JSON.stringify(config)}`);
}
