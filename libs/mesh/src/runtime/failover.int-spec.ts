import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EchoAnswer } from '../testing/echo-service';
import { MeshTestBed } from '../testing/mesh-test-bed';
import type { MeshRuntime } from './mesh-runtime';

async function waitFor(check: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
  return Date.now() - started;
}

async function spread(client: MeshRuntime, calls: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < calls; i++) {
    const { body } = await client.client('echo-service').get<EchoAnswer>('/echo');
    counts[body.instance] = (counts[body.instance] ?? 0) + 1;
  }
  return counts;
}

describe('three instances in etcd, one client', () => {
  let bed: MeshTestBed;
  let roundRobin: MeshRuntime;

  beforeAll(async () => {
    bed = await MeshTestBed.create();
    await Promise.all(['echo-a', 'echo-b', 'echo-c'].map((id) => bed.startEcho(id)));
    roundRobin = await bed.client('mesh-test-client', { MESH_BALANCER: 'round_robin' });
    const view = () => roundRobin.client('echo-service');
    expect(view).not.toThrow();
  });

  afterAll(async () => {
    await bed.close();
  });

  it('spreads calls evenly under round robin, over mTLS, as the caller it is', async () => {
    const counts = await spread(roundRobin, 60);
    expect(counts).toEqual({ 'echo-a': 20, 'echo-b': 20, 'echo-c': 20 });
    const { body } = await roundRobin.client('echo-service').get<EchoAnswer>('/echo');
    expect(body.caller).toBe(`spiffe://meshmart.local/ns/${bed.namespace}/sa/mesh-test-client`);
  });

  it('keeps succeeding when an instance is killed, drops it within TTL + 1 s, and takes it back', async () => {
    const victim = await bed.startEcho('echo-d');
    const client = await bed.client('mesh-test-client', { MESH_BALANCER: 'round_robin' });
    await waitFor(() => client.registryView('echo-service').some((i) => i.id === 'echo-d'), 5_000);

    const killedAt = Date.now();
    victim.process.kill('SIGKILL');
    // Calls go on while the registry still lists the dead instance: retries and ejection carry them.
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => client.client('echo-service').get<EchoAnswer>('/echo')));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const r of results) if (r.status === 'fulfilled') expect(r.value.body.instance).not.toBe('echo-d');

    await waitFor(() => !client.registryView('echo-service').some((i) => i.id === 'echo-d'), 6_000);
    // Lease TTL is 2 s in the test bed.
    expect(Date.now() - killedAt).toBeLessThanOrEqual(2_000 + 1_000 + 500);

    await bed.startEcho('echo-d');
    await waitFor(() => client.registryView('echo-service').some((i) => i.id === 'echo-d'), 5_000);
    // Back in the view at once; back in rotation when its ejection (5 s base) is over, as in Envoy.
    let served = 0;
    const deadline = Date.now() + 8_000;
    while (served === 0 && Date.now() < deadline) served = (await spread(client, 8))['echo-d'] ?? 0;
    expect(served).toBeGreaterThan(0);
  });
});

describe('outlier detection and least-request', () => {
  let bed: MeshTestBed;

  beforeAll(async () => {
    bed = await MeshTestBed.create();
  });

  afterAll(async () => {
    await bed.close();
  });

  it('ejects an instance that answers 503 and lets it back after the ejection time', async () => {
    const good = await bed.startEcho('good-1');
    const bad = await bed.startEcho('bad-1', { ECHO_BEHAVIOUR: 'fail' });
    const client = await bed.client('mesh-test-client', { MESH_BALANCER: 'round_robin' });
    await waitFor(() => client.registryView('echo-service').length === 2, 5_000);

    // Retries route around the failing instance, so every call succeeds...
    const counts = await spread(client, 30);
    expect(counts).toEqual({ 'good-1': 30 });
    // ...and after 3 consecutive 503s it is ejected: it stops being tried at all.
    expect(client.isEjected('echo-service', 'bad-1')).toBe(true);
    const metrics = await client.metrics.metricsText();
    expect(metrics).toMatch(/meshmart_outlier_ejections_total\{destination_service="echo-service",instance="bad-1"\} [1-9]/);
    // The ejection ends after its interval (5 s base): the instance is tried again.
    await waitFor(() => !client.isEjected('echo-service', 'bad-1'), 7_000);
    await Promise.all([good.stop(), bad.stop()]);
  });

  it('sends a slow instance less traffic under least-request', async () => {
    await bed.startEcho('fast-1');
    await bed.startEcho('slow-1', { ECHO_BEHAVIOUR: 'slow:400' });
    const client = await bed.client('mesh-test-client', { MESH_BALANCER: 'least_request' });
    await waitFor(
      () =>
        client
          .registryView('echo-service')
          .map((i) => i.id)
          .sort()
          .join() === 'fast-1,slow-1',
      5_000,
    );

    const counts: Record<string, number> = {};
    // 8 callers at once for ~1.5 s: the slow instance holds its requests longer, so least-request
    // keeps about as many in flight on each, and each serves in proportion to 1 / its latency:
    // (400 + x) / x for a hop costing x, above 3 while x < 200 ms (a busy 2-core machine's worst
    // seen was ~60 ms; with a 150 ms delay, 75 ms of hop was enough to lose the margin).
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const until = Date.now() + 1_500;
        while (Date.now() < until) {
          const { body } = await client.client('echo-service').get<EchoAnswer>('/echo');
          counts[body.instance] = (counts[body.instance] ?? 0) + 1;
        }
      }),
    );
    const fast = counts['fast-1'] ?? 0;
    const slow = counts['slow-1'] ?? 0;
    expect(fast).toBeGreaterThan(slow * 3);
  });
});
