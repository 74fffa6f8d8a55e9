import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../balancing/seeded-random';
import { MeshTestBed } from '../testing/mesh-test-bed';
import type { MeshRuntime } from '../runtime/mesh-runtime';
import { echoSpread, POLICY_WAIT_MS, policyVersion, waitFor } from './testing/traffic-test-bed';
import { InvalidTrafficPolicy } from './traffic-policy';
import { TrafficPolicyStore } from './traffic-policy-store';
import { trafficKeys } from './traffic-keys';

const canary = (weights: [number, number]) => ({
  apiVersion: 'meshmart.dev/v1',
  kind: 'TrafficPolicy',
  metadata: { name: 'echo-canary' },
  spec: {
    host: 'echo-service',
    subsets: [
      { name: 'v1', labels: { version: '0.1.0' } },
      { name: 'v2', labels: { version: '0.2.0' } },
    ],
    http: [
      { name: 'testers', match: [{ headers: { 'x-canary': { exact: 'always' } } }], route: [{ destination: { subset: 'v2' } }] },
      {
        name: 'split',
        route: [
          { destination: { subset: 'v1' }, weight: weights[0] },
          { destination: { subset: 'v2' }, weight: weights[1] },
        ],
      },
    ],
  },
});

const v2Share = (counts: Record<string, number>) => (counts['echo-v2'] ?? 0) / Object.values(counts).reduce((sum, n) => sum + n, 0);

describe('canary split and header routing, applied live from etcd to real callers over mTLS', () => {
  let bed: MeshTestBed;
  let store: TrafficPolicyStore;
  let callers: MeshRuntime[];
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);

  beforeAll(async () => {
    bed = await MeshTestBed.create();
    await Promise.all([bed.startEcho('echo-v1a'), bed.startEcho('echo-v1b'), bed.startEcho('echo-v2', { MESH_VERSION: '0.2.0' })]);
    // Seeded draws: the split's share over a fixed number of calls is the same on every run.
    callers = await Promise.all(
      [1, 2, 3].map((seed) => bed.client('mesh-test-client', { MESH_BALANCER: 'round_robin' }, { trafficRandom: seededRandom(seed) })),
    );
    for (const caller of callers) await waitFor(() => caller.registryView('echo-service').length === 3, 5_000, 'three instances discovered');
    store = new TrafficPolicyStore({ endpoints: bed.etcd, namespace: bed.namespace });
    process.on('warning', onWarning);
  });

  afterAll(async () => {
    process.off('warning', onWarning);
    store.close();
    await bed.close();
  });

  it('splits 90/10 by version within ±3 points over 2,000 calls, and sends 100 % of x-canary: always to v2', async () => {
    const { version } = await store.apply(canary([90, 10]));
    const [caller] = callers as [MeshRuntime];
    await waitFor(() => policyVersion(caller) === version, POLICY_WAIT_MS, 'policy applied');

    const counts = await echoSpread(caller, 2_000);
    expect(Math.abs(v2Share(counts) - 0.1)).toBeLessThanOrEqual(0.03);
    // Both v1 instances share the 90 %: the split chooses the subset, the balancer the instance in it.
    expect(counts['echo-v1a']).toBeGreaterThan(700);
    expect(counts['echo-v1b']).toBeGreaterThan(700);

    expect(await echoSpread(caller, 200, { headers: { 'x-canary': 'always' } })).toEqual({ 'echo-v2': 200 });
    const metrics = await caller.metrics.metricsText();
    expect(metrics).toMatch(/istio_requests_total\{[^}]*destination_version="0\.2\.0"[^}]*\} \d+/);
    expect(metrics).toMatch(/meshmart_traffic_routed_total\{destination_service="echo-service",route="testers",destination_subset="v2"\} 200/);
    expect(metrics).toMatch(new RegExp(`meshmart_traffic_policy_version\\{destination_service="echo-service"\\} ${version}`));
  });

  it('reaches three callers within 1 s of a change, with no restart', async () => {
    const applied = Date.now();
    const { version } = await store.apply(canary([50, 50]));
    await Promise.all(callers.map((caller) => waitFor(() => policyVersion(caller) === version, 1_000, 'change seen by every caller')));
    expect(Date.now() - applied).toBeLessThanOrEqual(1_000);
    const share = v2Share(await echoSpread(callers[2] as MeshRuntime, 400));
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.6);
  });

  it('refuses an invalid file naming the field, and nothing changes', async () => {
    const before = await store.get('echo-service');
    const invalid = canary([50, 50]);
    (invalid.spec.http[1]?.route[1] as { destination: { subset: string } }).destination.subset = 'v3';
    await expect(store.apply(invalid)).rejects.toThrow(InvalidTrafficPolicy);
    await expect(store.apply(invalid)).rejects.toThrow('spec.http[1].route[1].destination.subset: no subset named "v3" (defined: v1, v2)');
    expect((await store.get('echo-service'))?.version).toBe(before?.version);
    for (const caller of callers) expect(policyVersion(caller)).toBe(before?.version);
  });

  it("ignores a malformed document written to etcd behind the CLI's back, keeping the last good policy", async () => {
    const before = policyVersion(callers[0] as MeshRuntime);
    const written = await store.etcd
      .put(trafficKeys.policy(bed.namespace, 'echo-service'))
      .value('{"apiVersion":"meshmart.dev/v1","kind":"TrafficPolicy"')
      .exec();
    await waitFor(
      () => warnings.filter((warning) => warning.includes(`version ${written.header.revision} ignored`)).length === callers.length,
      POLICY_WAIT_MS,
      'every caller refused it',
    );
    for (const caller of callers) expect(policyVersion(caller)).toBe(before);
    expect(await echoSpread(callers[0] as MeshRuntime, 50, { headers: { 'x-canary': 'always' } })).toEqual({ 'echo-v2': 50 });
  });

  it('restores plain balancing when the policy is deleted', async () => {
    await store.apply(canary([90, 10]));
    expect(await store.delete('echo-service')).toBe(true);
    await Promise.all(callers.map((caller) => waitFor(() => policyVersion(caller) === undefined, POLICY_WAIT_MS, 'deletion seen')));
    // Round robin over all three again, header or not.
    expect(await echoSpread(callers[1] as MeshRuntime, 30, { concurrency: 1, headers: { 'x-canary': 'always' } })).toEqual({
      'echo-v1a': 10,
      'echo-v1b': 10,
      'echo-v2': 10,
    });
    expect(await callers[1]?.metrics.metricsText()).toMatch(/meshmart_traffic_policy_version\{destination_service="echo-service"\} 0/);
  });

  it("answers 404 NR, calling nobody, when the policy's routes all miss", async () => {
    const testersOnly = canary([90, 10]);
    testersOnly.spec.http = testersOnly.spec.http.slice(0, 1);
    const { version } = await store.apply(testersOnly);
    const [caller] = callers as [MeshRuntime];
    await waitFor(() => policyVersion(caller) === version, POLICY_WAIT_MS, 'policy applied');
    await expect(caller.client('echo-service').get('/echo')).rejects.toMatchObject({ status: 404, code: 'no_route' });
    expect(await caller.metrics.metricsText()).toMatch(/istio_requests_total\{[^}]*response_code="404"[^}]*response_flags="NR"[^}]*\} 1/);
    await store.delete('echo-service');
  });
});
