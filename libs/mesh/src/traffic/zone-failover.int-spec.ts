import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from '@meshmart/platform';
import { seededRandom } from '../balancing/seeded-random';
import type { MeshRuntime } from '../runtime/mesh-runtime';
import type { EchoAnswer } from '../testing/echo-service';
import { MeshTestBed } from '../testing/mesh-test-bed';
import { POLICY_WAIT_MS, policyVersion, waitFor } from './testing/traffic-test-bed';
import { TrafficPolicyStore } from './traffic-policy-store';

const zoneOf = (instance: string) => instance.slice(0, instance.indexOf('-'));

describe('locality-aware balancing: callers keep to their zone and fail over with outlier ejection', () => {
  let bed: MeshTestBed;
  let store: TrafficPolicyStore;
  let caller: MeshRuntime;
  let local: AppProcess[];

  beforeAll(async () => {
    bed = await MeshTestBed.create();
    local = await Promise.all(['east-1', 'east-2'].map((id) => bed.startEcho(id, { MESH_ZONE: 'east' })));
    await Promise.all(['west-1', 'west-2'].map((id) => bed.startEcho(id, { MESH_ZONE: 'west' })));
    caller = await bed.client('mesh-test-client', { MESH_ZONE: 'east', MESH_BALANCER: 'round_robin' }, { trafficRandom: seededRandom(21) });
    await waitFor(() => caller.registryView('echo-service').length === 4, 5_000, 'four instances discovered');
    store = new TrafficPolicyStore({ endpoints: bed.etcd, namespace: bed.namespace });
    const { version } = await store.apply({
      apiVersion: 'meshmart.dev/v1',
      kind: 'TrafficPolicy',
      metadata: { name: 'echo-locality' },
      spec: { host: 'echo-service', trafficPolicy: { locality: { enabled: true } } },
    });
    await waitFor(() => policyVersion(caller) === version, POLICY_WAIT_MS, 'locality policy applied');
  });

  afterAll(async () => {
    store.close();
    await bed.close();
  });

  async function zonesServing(calls: number): Promise<Record<string, number>> {
    const zones: Record<string, number> = {};
    for (let i = 0; i < calls; i++) {
      const { body } = await caller.client('echo-service').get<EchoAnswer>('/echo');
      zones[zoneOf(body.instance)] = (zones[zoneOf(body.instance)] ?? 0) + 1;
    }
    return zones;
  }

  const behave = (instance: AppProcess, to: 'ok' | 'fail') => bed.get(`${instance.url}/behaviour?to=${to}`, { method: 'POST' });

  it("stays in the caller's zone, moves to the other when the local instances are ejected, and comes back when they recover", async () => {
    expect(await zonesServing(40)).toEqual({ east: 40 });

    for (const instance of local) expect((await behave(instance, 'fail')).status).toBe(204);
    // Calls go on (some fail while both local instances still count as healthy) until outlier detection ejects them.
    await waitFor(
      async () => {
        await caller
          .client('echo-service')
          .get('/echo')
          .catch(() => undefined);
        return local.every((instance) => caller.isEjected('echo-service', instance.instanceId));
      },
      5_000,
      'local instances ejected',
    );
    expect(await zonesServing(40)).toEqual({ west: 40 });

    for (const instance of local) await behave(instance, 'ok');
    // Ejections end after their time (5 s for a first one); then the local zone takes every call again.
    await waitFor(
      async () => zoneOf((await caller.client('echo-service').get<EchoAnswer>('/echo')).body.instance) === 'east',
      10_000,
      'back in the local zone',
    );
    await waitFor(() => local.every((instance) => !caller.isEjected('echo-service', instance.instanceId)), POLICY_WAIT_MS, 'both local instances back');
    expect(await zonesServing(40)).toEqual({ east: 40 });
  });

  it('counts only discovered instances: when one of two local instances leaves, the other keeps every call local', async () => {
    await local[1]?.stop('SIGKILL');
    await waitFor(() => caller.registryView('echo-service').length === 3, 6_000, 'the killed instance leaves discovery');
    // 1 of 1 discovered east instance healthy: 100 % × 1.4 ≥ 1, no spill (the proportional spill of a
    // partly unhealthy zone is pinned by locality-selection.spec.ts).
    expect(await zonesServing(40)).toEqual({ east: 40 });
  });
});
