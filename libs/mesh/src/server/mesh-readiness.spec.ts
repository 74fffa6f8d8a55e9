import { describe, expect, it } from 'vitest';
import { assessMeshHealth, type MeshHealthSnapshot } from './mesh-readiness';

const now = new Date('2030-01-01T12:00:00.000Z');
const inAnHour = new Date('2030-01-01T13:00:00.000Z');

function snapshot(overrides: Partial<MeshHealthSnapshot> = {}): MeshHealthSnapshot {
  return {
    mode: 'proxyless',
    instanceId: 'cart-1',
    registered: true,
    certificateNotAfter: inAnHour,
    upstreamInstances: { 'inventory-service': 2 },
    pending: [],
    ...overrides,
  };
}

const statusOf = (parts: ReturnType<typeof assessMeshHealth>) => Object.fromEntries(parts.map((part) => [part.key, part.status]));

describe('assessMeshHealth', () => {
  it('is ready when registered, with an unexpired certificate and instances of every upstream', () => {
    expect(assessMeshHealth(snapshot(), now)).toEqual([
      { key: 'discovery', status: 'up', data: { registered: true, instanceId: 'cart-1' } },
      { key: 'certificate', status: 'up', data: { expired: false, expiresAt: '2030-01-01T13:00:00.000Z', expiresInSeconds: 3600 } },
      { key: 'upstreams', status: 'up', data: { instances: { 'inventory-service': 2 } } },
      { key: 'startup', status: 'up', data: {} },
    ]);
  });

  it('is not ready while unregistered: before `register`, and from the first step of a graceful stop', () => {
    expect(statusOf(assessMeshHealth(snapshot({ registered: false }), now))).toEqual({ discovery: 'down', certificate: 'up', upstreams: 'up', startup: 'up' });
  });

  it('is not ready once the certificate has expired, at its notAfter instant included', () => {
    const expired = assessMeshHealth(snapshot({ certificateNotAfter: now }), now).find((part) => part.key === 'certificate');
    expect(expired).toEqual({ key: 'certificate', status: 'down', data: { expired: true, expiresAt: now.toISOString(), expiresInSeconds: 0 } });
    const secondBefore = new Date(now.getTime() + 1_000);
    expect(assessMeshHealth(snapshot({ certificateNotAfter: secondBefore }), now).find((part) => part.key === 'certificate')?.status).toBe('up');
  });

  it('is not ready proxyless without a certificate: the mTLS listener has nothing to present', () => {
    expect(assessMeshHealth(snapshot({ certificateNotAfter: undefined }), now)[1]).toEqual({
      key: 'certificate',
      status: 'down',
      data: { message: 'no workload certificate is loaded' },
    });
  });

  it('is only degraded, not unready, when an upstream has no instances', () => {
    const parts = assessMeshHealth(snapshot({ upstreamInstances: { 'inventory-service': 0, 'payment-service': 1 } }), now);
    expect(parts[2]).toEqual({
      key: 'upstreams',
      status: 'degraded',
      data: { instances: { 'inventory-service': 0, 'payment-service': 1 }, withoutInstances: ['inventory-service'] },
    });
    expect(parts.some((part) => part.status === 'down')).toBe(false);
  });

  it('reports an empty upstream list as up', () => {
    expect(assessMeshHealth(snapshot({ upstreamInstances: {} }), now)[2]).toEqual({ key: 'upstreams', status: 'up', data: { instances: {} } });
  });

  it('leaves discovery and the certificate to the platform in sidecar mode', () => {
    const parts = assessMeshHealth(
      snapshot({ mode: 'sidecar', registered: false, certificateNotAfter: undefined, upstreamInstances: { 'inventory-service': 1 } }),
      now,
    );
    expect(parts).toEqual([
      { key: 'upstreams', status: 'up', data: { instances: { 'inventory-service': 1 } } },
      { key: 'startup', status: 'up', data: {} },
    ]);
  });

  it('is not ready while something it started with is pending, and names each one with its reason', () => {
    const pending = [
      { key: 'postgres', reason: 'unreachable (3 tries): connect ECONNREFUSED', blocksTraffic: true },
      { key: 'kafka consumer order-service.checkout-saga', reason: 'joining orders.v1', blocksTraffic: false },
    ];
    for (const mode of ['proxyless', 'sidecar'] as const) {
      expect(assessMeshHealth(snapshot({ mode, pending }), now).find((part) => part.key === 'startup')).toEqual({
        key: 'startup',
        status: 'down',
        data: { waitingFor: { postgres: 'unreachable (3 tries): connect ECONNREFUSED', 'kafka consumer order-service.checkout-saga': 'joining orders.v1' } },
      });
    }
  });
});

describe('traffic policies in the upstreams part', () => {
  it('reports the version in force per upstream, null when none, with an injected fault', () => {
    const trafficPolicies = {
      'inventory-service': { version: '812', fault: { version: '815', expiresAt: '2026-01-01T00:01:00.000Z' } },
      'payment-service': { version: undefined, fault: undefined },
    };
    const parts = assessMeshHealth(
      {
        mode: 'proxyless',
        instanceId: 'cart-1',
        registered: true,
        certificateNotAfter: inAnHour,
        upstreamInstances: { 'inventory-service': 2, 'payment-service': 1 },
        pending: [],
        trafficPolicies,
      },
      now,
    );
    expect(parts.find((part) => part.key === 'upstreams')?.data).toEqual({
      instances: { 'inventory-service': 2, 'payment-service': 1 },
      trafficPolicies: {
        'inventory-service': { version: '812', fault: { version: '815', expiresAt: '2026-01-01T00:01:00.000Z' } },
        'payment-service': { version: null },
      },
    });
  });
});
