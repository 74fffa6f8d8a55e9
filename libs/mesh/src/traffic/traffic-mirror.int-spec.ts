import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../balancing/seeded-random';
import type { MeshRuntime } from '../runtime/mesh-runtime';
import type { EchoAnswer } from '../testing/echo-service';
import { MeshTestBed } from '../testing/mesh-test-bed';
import { POLICY_WAIT_MS, policyVersion, waitFor } from './testing/traffic-test-bed';
import { TrafficPolicyStore } from './traffic-policy-store';

/** Calls carrying `x-mirror: yes` are copied to the candidate; the others are not. */
const policy = {
  apiVersion: 'meshmart.dev/v1',
  kind: 'TrafficPolicy',
  metadata: { name: 'echo-mirror' },
  spec: {
    host: 'echo-service',
    subsets: [
      { name: 'live', labels: { version: '0.1.0' } },
      { name: 'candidate', labels: { version: '0.2.0' } },
    ],
    http: [
      {
        name: 'mirrored',
        match: [{ headers: { 'x-mirror': { exact: 'yes' } } }],
        route: [{ destination: { subset: 'live' } }],
        mirror: { subset: 'candidate' },
        mirrorPercentage: { value: 100 },
      },
      { name: 'plain', route: [{ destination: { subset: 'live' } }] },
    ],
  },
};

describe('mirroring to a candidate that sleeps 1 s', () => {
  let bed: MeshTestBed;
  let store: TrafficPolicyStore;
  let caller: MeshRuntime;
  let candidateUrl: string;

  beforeAll(async () => {
    bed = await MeshTestBed.create();
    const [, candidate] = await Promise.all([
      bed.startEcho('echo-live'),
      bed.startEcho('echo-candidate', { MESH_VERSION: '0.2.0', ECHO_BEHAVIOUR: 'slow:1000' }),
    ]);
    candidateUrl = candidate.url;
    caller = await bed.client('mesh-test-client', {}, { trafficRandom: seededRandom(5) });
    await waitFor(() => caller.registryView('echo-service').length === 2, 5_000, 'instances discovered');
    store = new TrafficPolicyStore({ endpoints: bed.etcd, namespace: bed.namespace });
  });

  afterAll(async () => {
    store.close();
    await bed.close();
  });

  /** One GET of the live subset, timed; the answer must come from it, never from the candidate. */
  async function timedCall(headers: Record<string, string>): Promise<number> {
    const started = performance.now();
    const { body } = await caller.client('echo-service').get<EchoAnswer>('/echo', { headers });
    expect(body.instance).toBe('echo-live');
    return performance.now() - started;
  }

  const shadow = async () => JSON.parse((await bed.get(`${candidateUrl}/arrivals`)).body) as { shadowArrivals: number; shadowAnswered: number };
  const shadowArrivals = async () => (await shadow()).shadowArrivals;

  it('copies ≥ 95 % of calls to the candidate, marked -shadow, and no caller waits for its copy', async () => {
    const { version } = await store.apply(policy);
    await waitFor(() => policyVersion(caller) === version, POLICY_WAIT_MS, 'mirror policy applied');
    // A mirror in steady state: copies reuse the keep-alive connections earlier copies opened,
    // so the one-off TLS handshakes of a cold pool are not what is measured.
    for (let i = 0; i < 200; i++) await timedCall({ 'x-mirror': 'yes' });
    await waitFor(
      async () => {
        const { shadowArrivals: arrived, shadowAnswered } = await shadow();
        return arrived >= 190 && shadowAnswered === arrived;
      },
      5_000,
      'warm-up copies answered',
    );

    const before = await shadowArrivals();
    const copied: number[] = [];
    for (let i = 0; i < 200; i++) copied.push(await timedCall({ 'x-mirror': 'yes' }));
    // Every copy sleeps 1 s at the candidate: a call that waited for its copy would take that long.
    expect(Math.max(...copied)).toBeLessThan(900);
    // And when the last call has its answer, the copies of the last second are still unanswered:
    // the callers' answers never waited for them. (How the p99s compare is the bench's to
    // measure; on a shared machine a timed comparison of two tails would only measure noise.)
    const atEnd = await shadow();
    expect(atEnd.shadowArrivals - atEnd.shadowAnswered).toBeGreaterThan(0);
    await waitFor(async () => (await shadowArrivals()) - before >= 190, 5_000, '95 % of the calls copied');
    expect((await shadowArrivals()) - before).toBeLessThanOrEqual(200);
  });
});
