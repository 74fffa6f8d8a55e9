import { describe, expect, it } from 'vitest';
import { EtcdRegistry } from './etcd-registry';
import { type ServiceInstance } from './service-instance';
import { etcdTestContext } from './testing/etcd-test-context';
import { listsInstance, waitForInstances } from './testing/wait-for-instances';

const etcd = etcdTestContext('discovery');
const { registryAt, rawClient, uniquePrefix } = etcd;

function inventoryInstance(n: number, overrides: Partial<ServiceInstance> = {}): ServiceInstance {
  return {
    id: `inventory-${n}`,
    service: 'inventory-service',
    address: `10.0.0.${n}`,
    port: 8440 + n,
    zone: `zone-${n % 2 === 0 ? 'a' : 'b'}`,
    version: `0.${n}.0`,
    weight: n,
    healthy: n !== 3,
    ...overrides,
  };
}

describe('EtcdRegistry against a real etcd', () => {
  it('shows three instances registered by one registry, with all their metadata, to a view of another', async () => {
    const prefix = uniquePrefix();
    const owner = registryAt(prefix);
    const instances = [inventoryInstance(1), inventoryInstance(2), inventoryInstance(3)];
    await Promise.all(instances.map((instance) => owner.register(instance)));
    await owner.register({ ...inventoryInstance(9), id: 'cart-9', service: 'cart-service' });

    const view = await registryAt(prefix).watch('inventory-service');

    // The initial read already has them: no waiting for watch events.
    expect(view.instances()).toEqual(instances);
  });

  it('tells another view of a registration, a deregistration (within 1 s) and an update', async () => {
    const prefix = uniquePrefix();
    const owner = registryAt(prefix);
    await owner.register(inventoryInstance(1));
    const view = await registryAt(prefix).watch('inventory-service');
    const heard: string[][] = [];
    view.onChange((instances) => heard.push(instances.map((instance) => instance.id)));

    const second = await owner.register(inventoryInstance(2));
    await waitForInstances(view, listsInstance('inventory-2'), 2_000, 'listing inventory-2');

    await second.update({ healthy: false, weight: 7 });
    const updated = await waitForInstances(view, (all) => all.some((i) => i.id === 'inventory-2' && !i.healthy), 2_000, 'seeing inventory-2 unhealthy');
    expect(updated.find((instance) => instance.id === 'inventory-2')).toEqual(inventoryInstance(2, { healthy: false, weight: 7 }));
    expect(second.instance).toEqual(inventoryInstance(2, { healthy: false, weight: 7 }));

    await second.deregister();
    await waitForInstances(view, (all) => !listsInstance('inventory-2')(all), 1_000, 'without inventory-2');

    expect(view.instances().map((instance) => instance.id)).toEqual(['inventory-1']);
    expect(heard).toEqual([['inventory-1', 'inventory-2'], ['inventory-1', 'inventory-2'], ['inventory-1']]);
  });

  it('removes everything it registered when closed, and rejects further use', async () => {
    const prefix = uniquePrefix();
    const owner = new EtcdRegistry({ endpoints: etcd.endpoints(), prefix });
    await owner.register(inventoryInstance(1));
    await owner.register(inventoryInstance(2));
    const view = await registryAt(prefix).watch('inventory-service');
    expect(view.instances()).toHaveLength(2);

    await owner.close();

    await waitForInstances(view, (all) => all.length === 0, 1_000, 'empty after close');
    await expect(owner.register(inventoryInstance(3))).rejects.toMatchObject({ code: 'registry_closed' });
    await expect(owner.watch('inventory-service')).rejects.toMatchObject({ code: 'registry_closed' });
  });

  it('skips keys that hold no valid instance and keeps watching', async () => {
    const prefix = uniquePrefix();
    const raw = rawClient();
    etcd.onCleanup(async () => void (await raw.delete().prefix(prefix).exec()));
    await raw.put(`${prefix}inventory-service/garbage`).value('{not json');
    const owner = registryAt(prefix);
    await owner.register(inventoryInstance(1));

    const view = await registryAt(prefix).watch('inventory-service');
    expect(view.instances().map((instance) => instance.id)).toEqual(['inventory-1']);

    await raw.put(`${prefix}inventory-service/wrong-shape`).value(JSON.stringify({ id: 'x', port: 'eighty' }));
    await raw.put(`${prefix}inventory-service/other-service`).value(JSON.stringify({ ...inventoryInstance(5), service: 'cart-service' }));
    await owner.register(inventoryInstance(2));

    await waitForInstances(view, listsInstance('inventory-2'), 2_000, 'listing inventory-2 after bad keys');
    expect(view.instances().map((instance) => instance.id)).toEqual(['inventory-1', 'inventory-2']);
  });

  it('stops telling a closed view, while other views of the same registry go on', async () => {
    const prefix = uniquePrefix();
    const owner = registryAt(prefix);
    const watcher = registryAt(prefix);
    const closed = await watcher.watch('inventory-service');
    const open = await watcher.watch('inventory-service');
    let closedCalls = 0;
    closed.onChange(() => (closedCalls += 1));
    await closed.close();

    await owner.register(inventoryInstance(1));

    await waitForInstances(open, listsInstance('inventory-1'), 2_000, 'listing inventory-1');
    expect(closed.instances()).toEqual([]);
    expect(closedCalls).toBe(0);
  });

  it('leaves nothing behind when closed while a register and a watch are under way', async () => {
    const prefix = uniquePrefix();
    const owner = new EtcdRegistry({ endpoints: etcd.endpoints(), prefix });
    // Assertions attached at once, so the rejections are handled the moment they happen.
    const registerRejected = expect(owner.register(inventoryInstance(1))).rejects.toMatchObject({ code: 'registry_closed' });
    const watchRejected = expect(owner.watch('inventory-service')).rejects.toMatchObject({ code: 'registry_closed' });

    await owner.close();

    await registerRejected;
    await watchRejected;
    const view = await registryAt(prefix).watch('inventory-service');
    expect(view.instances()).toEqual([]);
  });
});
