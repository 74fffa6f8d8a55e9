import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../balancing/seeded-random';
import { Deadline } from '../resilience/deadline';
import type { AppProcess } from '@meshmart/platform';
import type { MeshRuntime } from '../runtime/mesh-runtime';
import type { EchoAnswer } from '../testing/echo-service';
import { MeshTestBed } from '../testing/mesh-test-bed';
import { POLICY_WAIT_MS, waitFor } from './testing/traffic-test-bed';
import { TrafficPolicyStore } from './traffic-policy-store';

/** The sum of a counter's samples whose labels match every given one. */
function counterSum(metrics: string, name: string, labels: Record<string, string>): number {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('fault injection on real calls', () => {
  let bed: MeshTestBed;
  let store: TrafficPolicyStore;
  let caller: MeshRuntime;
  let instances: AppProcess[];
  const echo = () => caller.client('echo-service');

  beforeAll(async () => {
    bed = await MeshTestBed.create();
    instances = await Promise.all([bed.startEcho('echo-a'), bed.startEcho('echo-b')]);
    // Five tries and seeded draws: which tries abort is the same on every run.
    caller = await bed.client('mesh-test-client', { MESH_RETRY_ATTEMPTS: '5' }, { trafficRandom: seededRandom(14) });
    await waitFor(() => caller.registryView('echo-service').length === 2, 5_000, 'instances discovered');
    store = new TrafficPolicyStore({ endpoints: bed.etcd, namespace: bed.namespace });
  });

  afterEach(async () => {
    await store.clearFault('echo-service');
    await store.delete('echo-service');
    await waitFor(
      () => {
        const active = caller.trafficPolicies()['echo-service'];
        return active?.fault === undefined && active?.version === undefined;
      },
      POLICY_WAIT_MS,
      'fault and policy gone',
    );
  });

  afterAll(async () => {
    store.close();
    await bed.close();
  });

  it('a 20 % abort on an idempotent GET: retries absorb every one, and are counted; a POST without idempotency key surfaces them', async () => {
    const injected = await store.injectFault('echo-service', { abort: { httpStatus: 503, percentage: { value: 20 } } }, 60);
    await waitFor(() => caller.trafficPolicies()['echo-service']?.fault?.version === injected.version, POLICY_WAIT_MS, 'fault applied');
    const arrivalsBefore = await arrivals(bed, caller);

    // One call at a time: the seeded draws then fall on the same tries in every run.
    const gets = await sequentially(150, () => echo().get<EchoAnswer>('/echo'));
    expect(gets.filter((result) => result.status === 'rejected')).toEqual([]);
    const metrics = await caller.metrics.metricsText();
    const aborted = counterSum(metrics, 'istio_requests_total', { response_flags: 'FI', response_code: '503' });
    expect(aborted).toBeGreaterThan(15);
    expect(counterSum(metrics, 'meshmart_retries_total', { destination_service: 'echo-service' })).toBe(aborted);
    // Aborted tries never reached an instance: the callees saw exactly one request per call.
    expect((await arrivals(bed, caller)) - arrivalsBefore).toBe(150);

    const posts = await sequentially(100, () => echo().post('/orders', { body: {} }));
    const failed = posts.filter((result) => result.status === 'rejected');
    expect(failed.length).toBeGreaterThan(8);
    expect(failed.length).toBeLessThan(35);
    for (const failure of failed) expect((failure.reason as { status: number }).status).toBe(503);
  });

  it('a delay inside the deadline: the callee sees the deadline shortened by it, the request marked DI', async () => {
    await store.injectFault('echo-service', { delay: { fixedDelay: '400ms', percentage: { value: 100 } } }, 60);
    await waitFor(() => caller.trafficPolicies()['echo-service']?.fault !== undefined, POLICY_WAIT_MS, 'fault applied');
    const started = Date.now();
    const { body } = await echo().get<EchoAnswer>('/echo', { deadline: Deadline.after(2_000) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(body.deadlineMs).not.toBeNull();
    expect(body.deadlineMs).toBeLessThanOrEqual(1_600);
    expect(body.deadlineMs).toBeGreaterThan(1_000);
    expect(counterSum(await caller.metrics.metricsText(), 'istio_requests_total', { response_flags: 'DI', response_code: '200' })).toBeGreaterThan(0);
  });

  it("a delay beyond the caller's deadline gives 504 at the deadline, before any try reached the callee", async () => {
    await store.apply({
      apiVersion: 'meshmart.dev/v1',
      kind: 'TrafficPolicy',
      metadata: { name: 'slow-echo' },
      spec: { host: 'echo-service', http: [{ route: [{ destination: {} }], fault: { delay: { fixedDelay: '2s', percentage: { value: 100 } } } }] },
    });
    await waitFor(() => caller.trafficPolicies()['echo-service']?.version !== undefined, POLICY_WAIT_MS, 'policy applied');
    const before = await arrivals(bed, caller);
    const started = Date.now();
    await expect(echo().get('/echo', { deadline: Deadline.after(500) })).rejects.toMatchObject({ status: 504, code: 'deadline_exceeded' });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await arrivals(bed, caller)).toBe(before);
  });

  it("a route timeout shorter than the delay ends the call at the route's timeout", async () => {
    await store.apply({
      apiVersion: 'meshmart.dev/v1',
      kind: 'TrafficPolicy',
      metadata: { name: 'tight-echo' },
      spec: {
        host: 'echo-service',
        http: [{ route: [{ destination: {} }], timeout: '300ms', fault: { delay: { fixedDelay: '1s', percentage: { value: 100 } } } }],
      },
    });
    await waitFor(() => caller.trafficPolicies()['echo-service']?.version !== undefined, POLICY_WAIT_MS, 'policy applied');
    const started = Date.now();
    await expect(echo().get('/echo')).rejects.toMatchObject({ status: 504 });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("a try that outlives the route's perTryTimeout is abandoned and retried on the next instance", async () => {
    const [slow] = instances as [AppProcess];
    // Round robin: a call's retry goes to the other instance, so no call meets the slow one twice.
    const alternating = await bed.client('mesh-test-client', { MESH_BALANCER: 'round_robin' });
    await waitFor(() => alternating.registryView('echo-service').length === 2, 5_000, 'instances discovered');
    // A connection to each instance first: a first try's TLS handshake on a loaded machine can
    // itself outlive a short perTryTimeout, and its retry would then meet the slow instance.
    const warmed = await Promise.all([0, 1].map(async () => (await alternating.client('echo-service').get<EchoAnswer>('/echo')).body.instance));
    expect(warmed.sort()).toEqual(['echo-a', 'echo-b']);
    await bed.get(`${slow.url}/behaviour?to=slow:1000`, { method: 'POST' });
    try {
      const { version } = await store.apply({
        apiVersion: 'meshmart.dev/v1',
        kind: 'TrafficPolicy',
        metadata: { name: 'per-try' },
        spec: { host: 'echo-service', http: [{ route: [{ destination: {} }], retries: { attempts: 2, perTryTimeout: '300ms' } }] },
      });
      await waitFor(() => alternating.trafficPolicies()['echo-service']?.version === version, POLICY_WAIT_MS, 'policy applied');
      for (let i = 0; i < 10; i++) {
        const started = Date.now();
        const { body } = await alternating.client('echo-service').get<EchoAnswer>('/echo');
        expect(body.instance).toBe('echo-b');
        expect(Date.now() - started).toBeLessThan(900);
      }
      expect(counterSum(await alternating.metrics.metricsText(), 'meshmart_retries_total', { destination_service: 'echo-service' })).toBeGreaterThanOrEqual(4);
    } finally {
      await bed.get(`${slow.url}/behaviour?to=ok`, { method: 'POST' });
    }
  });
});

async function sequentially<T>(count: number, call: () => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = [];
  for (let i = 0; i < count; i++) results.push(...(await Promise.allSettled([call()])));
  return results;
}

/** Requests both echo instances have seen so far, asked directly over mTLS (no balancing, no faults). */
async function arrivals(bed: MeshTestBed, caller: MeshRuntime): Promise<number> {
  const counts = await Promise.all(
    caller
      .registryView('echo-service')
      .map(async (instance) => (JSON.parse((await bed.get(`https://${instance.address}:${instance.port}/arrivals`)).body) as { arrivals: number }).arrivals),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}
