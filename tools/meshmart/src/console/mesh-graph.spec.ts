import { describe, expect, it } from 'vitest';
import type { RegisteredInstance } from '../registry/registered-instances';
import { buildMeshGraph, type GraphSamples, healthOf } from './mesh-graph';

const instance = (workload: string, id: string, version = '0.1.0', zone = 'local'): RegisteredInstance => ({
  namespace: 'meshmart',
  workload,
  instanceId: id,
  address: '127.0.0.1',
  port: 1,
  zone,
  version,
  scheme: 'https',
  weight: 1,
  healthy: true,
});
const edge = (source: string, destination: string, value: number, extra: Record<string, string> = {}) => ({
  metric: { source_workload: source, destination_workload: destination, ...extra },
  value,
});
const none: Omit<GraphSamples, 'instances'> = {
  requestTotals: [],
  requestTotalsBefore: [],
  requestRates: [],
  errorRates: [],
  p99: [],
  produced: [],
  producedBefore: [],
  producedRates: [],
  consumed: [],
  consumedBefore: [],
  consumedRates: [],
  lag: [],
};

describe('buildMeshGraph', () => {
  it('makes a node per registered workload with its instances, versions and zones', () => {
    const graph = buildMeshGraph('meshmart', {
      ...none,
      instances: [instance('inventory-service', 'i1', '0.1.0', 'a'), instance('inventory-service', 'i2', '0.2.0', 'b'), instance('gateway', 'g1')],
    });
    expect(graph.nodes).toEqual([
      { id: 'gateway', kind: 'workload', instances: 1, versions: ['0.1.0'], zones: ['local'] },
      { id: 'inventory-service', kind: 'workload', instances: 2, versions: ['0.1.0', '0.2.0'], zones: ['a', 'b'] },
    ]);
    expect(graph.edges).toEqual([]);
  });

  it('makes an edge per caller and callee with its rate, error share, p99 and whether all of it was mutual TLS', () => {
    const graph = buildMeshGraph('meshmart', {
      ...none,
      instances: [instance('cart-service', 'c1'), instance('inventory-service', 'i1')],
      requestTotals: [
        edge('cart-service', 'inventory-service', 40, { connection_security_policy: 'mutual_tls' }),
        edge('unknown', 'gateway', 9, { connection_security_policy: 'none' }),
        edge('gateway', 'cart-service', 2, { connection_security_policy: 'mutual_tls' }),
        edge('gateway', 'cart-service', 1, { connection_security_policy: 'none' }),
      ],
      requestTotalsBefore: [edge('cart-service', 'inventory-service', 30), edge('unknown', 'gateway', 10)],
      requestRates: [edge('cart-service', 'inventory-service', 2), edge('unknown', 'gateway', 0.5)],
      errorRates: [edge('cart-service', 'inventory-service', 0.04)],
      p99: [edge('cart-service', 'inventory-service', 12.5), edge('unknown', 'gateway', Number.NaN)],
    });
    expect(graph.edges).toEqual([
      {
        source: 'cart-service',
        target: 'inventory-service',
        kind: 'http',
        rate: 2,
        total: 40,
        recent: 10,
        errorPercent: 2,
        p99Ms: 12.5,
        mtls: true,
        health: 'degraded',
      },
      // Born within the recent window: no rate yet, but its first requests count.
      { source: 'gateway', target: 'cart-service', kind: 'http', rate: 0, total: 3, recent: 3, errorPercent: 0, p99Ms: null, mtls: false, health: 'healthy' },
      // A counter that restarted (fewer now than before) counts from 0.
      { source: 'unknown', target: 'gateway', kind: 'http', rate: 0.5, total: 9, recent: 9, errorPercent: 0, p99Ms: null, mtls: false, health: 'healthy' },
    ]);
    // Callers seen only in the metrics are nodes too, with no instances.
    expect(graph.nodes.map((node) => node.id)).toEqual(['cart-service', 'gateway', 'inventory-service', 'unknown']);
  });

  it('puts each Kafka topic between its producers and consumers, with the consumers’ lag', () => {
    const kafka = (workload: string, topic: string, value: number) => ({ metric: { workload, topic }, value });
    const graph = buildMeshGraph('meshmart', {
      ...none,
      instances: [],
      produced: [kafka('order-service', 'orders.v1', 10)],
      producedBefore: [kafka('order-service', 'orders.v1', 4)],
      consumedBefore: [kafka('order-service', 'orders.v1', 10), kafka('cart-service', 'orders.v1', 9)],
      producedRates: [kafka('order-service', 'orders.v1', 0.2)],
      consumed: [kafka('order-service', 'orders.v1', 10), kafka('cart-service', 'orders.v1', 9)],
      consumedRates: [kafka('order-service', 'orders.v1', 0.2)],
      lag: [kafka('cart-service', 'orders.v1', 1)],
    });
    expect(graph.nodes).toContainEqual({ id: 'topic:orders.v1', kind: 'topic', topic: 'orders.v1', lag: { 'cart-service': 1 } });
    expect(graph.edges.map((e) => [e.source, e.target, e.kind, e.rate, e.recent, e.health])).toEqual([
      ['order-service', 'topic:orders.v1', 'produce', 0.2, 6, 'healthy'],
      ['topic:orders.v1', 'cart-service', 'consume', 0, 0, 'idle'],
      ['topic:orders.v1', 'order-service', 'consume', 0.2, 0, 'healthy'],
    ]);
  });
});

describe('healthOf', () => {
  it('is idle without recent traffic, failing past 5 % errors, degraded past 1 %', () => {
    expect([healthOf(0, 50, 0), healthOf(0, 0, 2), healthOf(1, 0, 9), healthOf(1, 1, 9), healthOf(1, 1.5, 9), healthOf(1, 5.1, 9)]).toEqual([
      'idle',
      'healthy',
      'healthy',
      'healthy',
      'degraded',
      'failing',
    ]);
  });
});
