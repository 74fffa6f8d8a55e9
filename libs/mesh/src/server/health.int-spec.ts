import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from '@meshmart/platform';
import { readWorkloadCertificate } from '../identity/certificate-files';
import { MeshTestBed } from '../testing/mesh-test-bed';
import { TrafficPolicyStore } from '../traffic/traffic-policy-store';

/** The answer of a health route, with its body parsed. */
async function health(bed: MeshTestBed, echo: AppProcess, path: '/health' | '/health/ready') {
  const answer = await bed.get(`${echo.url}${path}`);
  return {
    status: answer.status,
    contentType: answer.headers['content-type'],
    cacheControl: answer.headers['cache-control'],
    body: JSON.parse(answer.body) as Record<string, unknown>,
  };
}

describe('health of a real echo-service process, over mTLS', () => {
  let bed: MeshTestBed;
  let steady: AppProcess;
  let draining: AppProcess;
  let certificate: { status: 'up'; expired: false; expiresAt: string; expiresInSeconds: unknown };

  beforeAll(async () => {
    bed = await MeshTestBed.create();
    // Each echo declares echo-service as its upstream, so it counts itself and the other.
    steady = await bed.startEcho('echo-steady', { ECHO_UPSTREAMS: 'echo-service' });
    // payment-service is never started; a long drain leaves time to probe a stopping instance.
    draining = await bed.startEcho('echo-draining', { ECHO_UPSTREAMS: 'echo-service,payment-service', MESH_DRAIN_MS: '4000' });
    const { notAfter } = await readWorkloadCertificate(bed.certDir, 'echo-service');
    certificate = { status: 'up', expired: false, expiresAt: notAfter.toISOString(), expiresInSeconds: expect.any(Number) };
  });

  afterAll(async () => {
    await bed.close();
  });

  it('GET /health is liveness: exactly { status: "ok", service }, never cached', async () => {
    const live = await health(bed, steady, '/health');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok', service: 'echo-service' });
    expect(live.cacheControl).toBe('no-cache, no-store, must-revalidate');
  });

  it('GET /health/ready is ready: registered, certificate valid with its expiry, instances of each upstream', async () => {
    // Both echoes are registered once started; the steady one's view sees the second within a watch event.
    await expect
      .poll(async () => (await health(bed, steady, '/health/ready')).body['details'], { timeout: 5_000 })
      .toMatchObject({ upstreams: { instances: { 'echo-service': 2 } } });
    const ready = await health(bed, steady, '/health/ready');
    const parts = {
      discovery: { status: 'up', registered: true, instanceId: 'echo-steady' },
      certificate,
      upstreams: { status: 'up', instances: { 'echo-service': 2 }, trafficPolicies: { 'echo-service': { version: null } } },
      startup: { status: 'up' },
    };
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', info: parts, error: {}, details: parts });
    expect(ready.body['details']).toMatchObject({ certificate: { expiresInSeconds: expect.toSatisfy((seconds: number) => seconds > 0) } });
    expect(ready.cacheControl).toBe('no-cache, no-store, must-revalidate');
  });

  it('shows the traffic policy version in force per upstream, live, and null again once it is deleted', async () => {
    const store = new TrafficPolicyStore({ endpoints: bed.etcd, namespace: bed.namespace });
    try {
      const { version } = await store.apply({
        apiVersion: 'meshmart.dev/v1',
        kind: 'TrafficPolicy',
        metadata: { name: 'echo' },
        spec: { host: 'echo-service', http: [{ route: [{ destination: {} }], timeout: '2s' }] },
      });
      await expect
        .poll(async () => (await health(bed, steady, '/health/ready')).body['details'], { timeout: 1_000, interval: 50 })
        .toMatchObject({ upstreams: { trafficPolicies: { 'echo-service': { version } } } });
      await store.delete('echo-service');
      await expect
        .poll(async () => (await health(bed, steady, '/health/ready')).body['details'], { timeout: 1_000, interval: 50 })
        .toMatchObject({ upstreams: { trafficPolicies: { 'echo-service': { version: null } } } });
    } finally {
      store.close();
    }
  });

  it('stays ready (200) but degraded while an upstream has no instances', async () => {
    // Its own registration reaches its view of echo-service within a watch event.
    await expect
      .poll(async () => (await health(bed, draining, '/health/ready')).body['details'], { timeout: 5_000 })
      .toMatchObject({ upstreams: { instances: { 'echo-service': 2 } } });
    const degraded = await health(bed, draining, '/health/ready');
    expect(degraded.status).toBe(200);
    expect(degraded.body).toMatchObject({
      status: 'degraded',
      info: { upstreams: { status: 'degraded', instances: { 'echo-service': 2, 'payment-service': 0 }, withoutInstances: ['payment-service'] } },
      error: {},
    });
  });

  it('turns not ready (503, terminus body) as a graceful stop leaves discovery, while liveness still answers', async () => {
    const stopped = draining.stop('SIGTERM');
    // Deregistered at once; its own view of echo-service drops itself within a watch event.
    const probe = async () => {
      const { status, body } = await health(bed, draining, '/health/ready');
      return { status, details: body['details'] };
    };
    await expect.poll(probe, { timeout: 3_000, interval: 50 }).toMatchObject({ status: 503, details: { upstreams: { instances: { 'echo-service': 1 } } } });
    const notReady = await health(bed, draining, '/health/ready');
    expect(notReady.status).toBe(503);
    // Terminus' standard body, not problem+json: probes and operators read which part is down.
    expect(notReady.contentType).toMatch(/^application\/json/);
    const discovery = { status: 'down', registered: false, instanceId: 'echo-draining' };
    const upstreams = {
      status: 'degraded',
      instances: { 'echo-service': 1, 'payment-service': 0 },
      withoutInstances: ['payment-service'],
      trafficPolicies: { 'echo-service': { version: null }, 'payment-service': { version: null } },
    };
    expect(notReady.body).toEqual({
      status: 'error',
      info: {
        certificate,
        upstreams,
        startup: { status: 'up' },
      },
      error: { discovery },
      details: {
        discovery,
        certificate,
        upstreams,
        startup: { status: 'up' },
      },
    });
    // Draining, not dead: liveness must not get the process restarted mid-drain.
    expect(await health(bed, draining, '/health')).toMatchObject({ status: 200, body: { status: 'ok', service: 'echo-service' } });
    // The other instance's readiness now counts one instance of echo-service.
    await expect
      .poll(async () => (await health(bed, steady, '/health/ready')).body['details'], { timeout: 5_000 })
      .toMatchObject({ upstreams: { instances: { 'echo-service': 1 } } });
    expect(await stopped).toBe(0);
  });
});
