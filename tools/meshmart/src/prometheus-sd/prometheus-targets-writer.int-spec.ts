import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdRegistry, type ServiceInstance } from '@meshmart/mesh/tools';
import { useStack } from '@meshmart/testing';
import { PrometheusTargetsWriter } from './prometheus-targets-writer';
import type { TargetGroup } from './target-groups';

async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

describe('PrometheusTargetsWriter (real etcd)', () => {
  const namespace = `sd-${randomUUID().slice(0, 8)}`;
  let dir: string;
  let endpoints: string[];

  beforeAll(async () => {
    endpoints = (await useStack()).etcd.endpoints;
    dir = await mkdtemp(join(tmpdir(), 'meshmart-sd-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const instance = (id: string, port: number): ServiceInstance => ({
    id,
    service: 'inventory-service',
    address: '127.0.0.1',
    port,
    zone: 'local',
    version: '0.1.0',
    weight: 1,
    healthy: true,
    scheme: 'https',
  });

  it('follows the registry: instances registered before and after it starts, a graceful leave and an expired lease', async () => {
    const file = join(dir, 'meshmart.json');
    const registry = new EtcdRegistry({ endpoints, prefix: `meshmart/${namespace}/services/`, leaseTtlSeconds: 2 });
    const raw = new Etcd3({ hosts: endpoints });
    const early = await registry.register(instance('inventory-1', 7101));
    const writer = await PrometheusTargetsWriter.start({ etcdEndpoints: endpoints, file, prefix: `meshmart/${namespace}/` });
    const ours = async () => (JSON.parse(await readFile(file, 'utf8')) as TargetGroup[]).map((group) => group.targets[0]);
    try {
      expect(await ours()).toEqual(['127.0.0.1:7101']);

      await registry.register(instance('inventory-2', 7102));
      // A process that will crash: its key hangs on a 2 s lease that nobody keeps alive.
      const doomed = raw.lease(2, { autoKeepAlive: false });
      await doomed.put(`meshmart/${namespace}/services/inventory-service/inventory-3`).value(JSON.stringify(instance('inventory-3', 7103)));
      await eventually(ours, (targets) => expect(targets).toEqual(['127.0.0.1:7101', '127.0.0.1:7102', '127.0.0.1:7103']));

      await early.deregister();
      await eventually(ours, (targets) => expect(targets).toEqual(['127.0.0.1:7102', '127.0.0.1:7103']));

      // Nobody revokes that lease: etcd deletes the key when it expires, and the target goes.
      await eventually(ours, (targets) => expect(targets).toEqual(['127.0.0.1:7102']), 15_000);
    } finally {
      await writer.stop();
      await registry.close();
      raw.close();
    }
  });
});
