import { HealthIndicatorService } from '@nestjs/terminus';
import { describe, expect, it } from 'vitest';
import type { ServiceInstance } from '../discovery/service-instance';
import type { PendingCondition } from '../runtime/start-up-conditions';
import { MeshHealthIndicator, type MeshHealthSource } from './mesh-health.indicator';

const now = new Date('2030-01-01T12:00:00.000Z');

function instance(id: string): ServiceInstance {
  return { id, service: 'inventory-service', address: '127.0.0.1', port: 1, zone: 'local', version: '1', weight: 1, healthy: true };
}

/** A runtime as readiness sees it, as plain data. */
function source(
  overrides: {
    mode?: 'proxyless' | 'sidecar';
    registered?: boolean;
    notAfter?: Date;
    views?: Record<string, ServiceInstance[]>;
    pending?: PendingCondition[];
  } = {},
): MeshHealthSource {
  const views = overrides.views ?? { 'inventory-service': [instance('inventory-1'), instance('inventory-2')] };
  const notAfter = overrides.notAfter ?? new Date('2030-01-02T12:00:00.000Z');
  return {
    instanceId: 'cart-1',
    config: { MESH_MODE: overrides.mode ?? 'proxyless' },
    identity: { current: () => ({ notAfter }) },
    isRegistered: () => overrides.registered ?? true,
    upstreamServices: () => Object.keys(views),
    registryView: (service) => views[service] ?? [],
    startUp: { list: () => overrides.pending ?? [] },
  };
}

describe('MeshHealthIndicator', () => {
  it('turns the runtime into one terminus result per part, counting discovered instances', () => {
    const indicator = new MeshHealthIndicator(source(), new HealthIndicatorService());
    expect(indicator.check(now)).toEqual({
      discovery: { status: 'up', registered: true, instanceId: 'cart-1' },
      certificate: { status: 'up', expired: false, expiresAt: '2030-01-02T12:00:00.000Z', expiresInSeconds: 86_400 },
      upstreams: { status: 'up', instances: { 'inventory-service': 2 } },
      startup: { status: 'up' },
    });
  });

  it('is down while a start-up condition is pending, naming what it waits for', () => {
    const indicator = new MeshHealthIndicator(
      source({ pending: [{ key: 'kafka consumer cart-service.order-outcomes', reason: 'joining orders.v1', blocksTraffic: false }] }),
      new HealthIndicatorService(),
    );
    expect(indicator.check(now)['startup']).toEqual({ status: 'down', waitingFor: { 'kafka consumer cart-service.order-outcomes': 'joining orders.v1' } });
  });

  it('marks the failing part down and an upstream without instances degraded', () => {
    const indicator = new MeshHealthIndicator(
      source({ registered: false, views: { 'inventory-service': [], 'payment-service': [instance('payment-1')] } }),
      new HealthIndicatorService(),
    );
    const result = indicator.check(now);
    expect(result['discovery']).toEqual({ status: 'down', registered: false, instanceId: 'cart-1' });
    expect(result['upstreams']).toEqual({
      status: 'degraded',
      instances: { 'inventory-service': 0, 'payment-service': 1 },
      withoutInstances: ['inventory-service'],
    });
  });

  it('reads the certificate as it is now, so a rotated certificate counts at once', () => {
    let notAfter = new Date('2029-12-31T00:00:00.000Z');
    const rotating: MeshHealthSource = { ...source(), identity: { current: () => ({ notAfter }) } };
    const indicator = new MeshHealthIndicator(rotating, new HealthIndicatorService());
    expect(indicator.check(now)['certificate']?.['status']).toBe('down');
    notAfter = new Date('2030-01-01T13:00:00.000Z');
    expect(indicator.check(now)['certificate']).toMatchObject({ status: 'up', expiresInSeconds: 3600 });
  });

  it('reports only upstreams in sidecar mode', () => {
    const indicator = new MeshHealthIndicator({ ...source({ mode: 'sidecar', registered: false }), identity: undefined }, new HealthIndicatorService());
    expect(indicator.check(now)).toEqual({ upstreams: { status: 'up', instances: { 'inventory-service': 2 } }, startup: { status: 'up' } });
  });
});
