import { randomUUID } from 'node:crypto';
import { useStack } from '@meshmart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_WAIT_MS, waitFor } from './testing/traffic-test-bed';
import { InvalidTrafficPolicy } from './traffic-policy';
import { TrafficPolicyStore } from './traffic-policy-store';
import { TrafficPolicyWatch, type TrafficKeyChange } from './traffic-policy-watch';

const policy = (weights: [number, number]) => ({
  apiVersion: 'meshmart.dev/v1',
  kind: 'TrafficPolicy',
  metadata: { name: 'canary' },
  spec: {
    host: 'payment-service',
    subsets: [
      { name: 'v1', labels: { version: '1' } },
      { name: 'v2', labels: { version: '2' } },
    ],
    http: [
      {
        route: [
          { destination: { subset: 'v1' }, weight: weights[0] },
          { destination: { subset: 'v2' }, weight: weights[1] },
        ],
        timeout: '2s',
      },
    ],
  },
});

describe('TrafficPolicyStore and TrafficPolicyWatch on the real etcd', () => {
  let store: TrafficPolicyStore;
  let watch: TrafficPolicyWatch;
  const changes: TrafficKeyChange[] = [];

  beforeAll(async () => {
    store = new TrafficPolicyStore({ endpoints: (await useStack()).etcd.endpoints, namespace: `t${randomUUID().slice(0, 8)}` });
    watch = await TrafficPolicyWatch.start({ client: store.etcd, namespace: store.namespace, onChange: (change) => changes.push(change) });
  });

  afterAll(async () => {
    await watch.close();
    await store.delete('payment-service');
    store.close();
  });

  it('applies, versions, lists and watches a policy; the document comes back as written', async () => {
    const first = await store.apply(policy([90, 10]));
    expect(first.policy.spec.http[0]?.timeout).toBe(2_000);
    const read = await store.get('payment-service');
    expect(read?.version).toBe(first.version);
    expect(read?.document).toEqual(policy([90, 10]));
    const second = await store.apply(policy([50, 50]));
    expect(BigInt(second.version)).toBeGreaterThan(BigInt(first.version));
    expect((await store.list()).map((stored) => [stored.service, stored.version])).toEqual([['payment-service', second.version]]);
    await waitFor(() => changes.some((change) => change.kind === 'policy' && change.version === second.version), POLICY_WAIT_MS);
  });

  it('refuses an invalid document naming the field, and writes nothing', async () => {
    const before = await store.get('payment-service');
    const invalid = policy([90, 20]);
    await expect(store.apply(invalid)).rejects.toThrow(InvalidTrafficPolicy);
    await expect(store.apply(invalid)).rejects.toThrow('spec.http[0].route: weights must add up to 100 (they add up to 110)');
    await expect(store.apply({ ...policy([90, 10]), metadata: { name: 'canary', namespace: 'elsewhere' } })).rejects.toThrow(/metadata\.namespace/);
    expect((await store.get('payment-service'))?.version).toBe(before?.version);
  });

  it('deletes a policy, and the watch hears it', async () => {
    expect(await store.delete('payment-service')).toBe(true);
    expect(await store.get('payment-service')).toBeUndefined();
    expect(await store.delete('payment-service')).toBe(false);
    await waitFor(() => changes.at(-1)?.kind === 'policy' && changes.at(-1)?.value === undefined, POLICY_WAIT_MS);
  });

  it('injects a fault under a lease that expires by itself', async () => {
    await expect(store.injectFault('inventory-service', { abort: { httpStatus: 503, percentage: { value: 120 } } }, 1)).rejects.toThrow(
      'fault.abort.percentage.value',
    );
    const injected = await store.injectFault('inventory-service', { abort: { httpStatus: 503, percentage: { value: 20 } } }, 1);
    expect((await store.getFault('inventory-service'))?.version).toBe(injected.version);
    await waitFor(
      () => changes.some((change) => change.kind === 'fault' && change.service === 'inventory-service' && change.value !== undefined),
      POLICY_WAIT_MS,
    );
    // etcd may round a 1 s lease up to its minimum TTL; it still goes without anyone deleting it.
    await waitFor(() => changes.at(-1)?.kind === 'fault' && changes.at(-1)?.value === undefined, 8_000);
    expect(await store.getFault('inventory-service')).toBeUndefined();
  });
});
