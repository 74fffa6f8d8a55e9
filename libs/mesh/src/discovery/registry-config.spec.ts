import { describe, expect, it } from 'vitest';
import { DnsRegistry } from './dns-registry';
import { EtcdRegistry } from './etcd-registry';
import { createRegistry, type RegistryConfig } from './registry-config';
import { type ServiceInstance } from './service-instance';
import { StaticRegistry } from './static-registry';

const orderInstance: ServiceInstance = {
  id: 'order-1',
  service: 'order-service',
  address: '127.0.0.1',
  port: 8100,
  zone: 'local',
  version: '0.1.0',
  weight: 1,
  healthy: true,
};

describe('createRegistry', () => {
  it('builds a static registry that serves the configured instances', async () => {
    const registry = createRegistry({ kind: 'static', instances: { 'order-service': [orderInstance] } });
    expect(registry).toBeInstanceOf(StaticRegistry);
    expect((await registry.watch('order-service')).instances()).toEqual([orderInstance]);
  });

  it('builds a dns registry with the given port', async () => {
    const registry = createRegistry({ kind: 'dns', port: 8100 });
    expect(registry).toBeInstanceOf(DnsRegistry);
    await registry.close();
  });

  it('builds an etcd registry, validating its options (no connection is made before use)', async () => {
    const registry = createRegistry({ kind: 'etcd', endpoints: ['http://127.0.0.1:2379'], leaseTtlSeconds: 3 });
    expect(registry).toBeInstanceOf(EtcdRegistry);
    await registry.close();
    expect(() => createRegistry({ kind: 'etcd', endpoints: [] })).toThrow(RangeError);
    expect(() => createRegistry({ kind: 'etcd', endpoints: ['http://127.0.0.1:2379'], leaseTtlSeconds: 0.5 })).toThrow(RangeError);
  });

  it('refuses an unknown kind', () => {
    expect(() => createRegistry({ kind: 'consul' } as unknown as RegistryConfig)).toThrow(/unknown registry kind/);
  });
});
