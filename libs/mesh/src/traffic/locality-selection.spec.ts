import { describe, expect, it } from 'vitest';
import type { ServiceInstance } from '../discovery/service-instance';
import { localityLoads, selectLocality } from './locality-selection';

function zones(local: [number, number], ...others: [string, number, number][]) {
  return [{ zone: 'a', total: local[0], healthy: local[1] }, ...others.map(([zone, total, healthy]) => ({ zone, total, healthy }))];
}

describe('localityLoads (Envoy priority load with overprovisioning)', () => {
  it('keeps every call local while healthy share × 1.4 ≥ 1', () => {
    expect(Object.fromEntries(localityLoads(zones([4, 4], ['b', 4, 4]), 'a', 140))).toEqual({ a: 1 });
    // 3/4 × 1.4 = 1.05: still all local.
    expect(Object.fromEntries(localityLoads(zones([4, 3], ['b', 4, 4]), 'a', 140))).toEqual({ a: 1 });
  });

  it('spills the remainder below that: 2/4 healthy × 1.4 = 70 % local, 30 % to the other zones', () => {
    const loads = localityLoads(zones([4, 2], ['b', 4, 4]), 'a', 140);
    expect(loads.get('a')).toBeCloseTo(0.7, 10);
    expect(loads.get('b')).toBeCloseTo(0.3, 10);
  });

  it('shares the spill among the other zones in proportion to their healthy instances', () => {
    const loads = localityLoads(zones([2, 0], ['b', 3, 3], ['c', 3, 1]), 'a', 140);
    expect(loads.has('a')).toBe(false);
    expect(loads.get('b')).toBeCloseTo(0.75, 10);
    expect(loads.get('c')).toBeCloseTo(0.25, 10);
  });

  it('scales up when everyone is short (normalisation): no other zone healthy keeps all local', () => {
    expect(Object.fromEntries(localityLoads(zones([4, 1], ['b', 2, 0]), 'a', 140))).toEqual({ a: 1 });
  });

  it('a factor of 100 spills as soon as one local instance is unhealthy', () => {
    const loads = localityLoads(zones([4, 3], ['b', 4, 4]), 'a', 100);
    expect(loads.get('a')).toBeCloseTo(0.75, 10);
    expect(loads.get('b')).toBeCloseTo(0.25, 10);
  });

  it('gives nothing when nothing is healthy', () => {
    expect(localityLoads(zones([2, 0], ['b', 2, 0]), 'a', 140).size).toBe(0);
  });
});

describe('selectLocality', () => {
  const instance = (id: string, zone: string): ServiceInstance => ({
    id,
    service: 's',
    address: '127.0.0.1',
    port: 1,
    zone,
    version: '1',
    weight: 1,
    healthy: true,
  });
  const all = [instance('a1', 'a'), instance('a2', 'a'), instance('b1', 'b'), instance('b2', 'b')];

  it('returns the healthy instances of the zone the draw lands in', () => {
    const healthy = [all[0], all[2], all[3]] as ServiceInstance[];
    // a: 1/2 × 1.4 = 70 %; draws below 0.7 stay local, the rest go to b.
    expect(selectLocality(all, healthy, 'a', 140, () => 0.69).map((i) => i.id)).toEqual(['a1']);
    expect(selectLocality(all, healthy, 'a', 140, () => 0.71).map((i) => i.id)).toEqual(['b1', 'b2']);
  });

  it('moves everything to the other zone when the local one is all ejected, and back when it recovers', () => {
    expect(selectLocality(all, [all[2], all[3]] as ServiceInstance[], 'a', 140, () => 0).map((i) => i.id)).toEqual(['b1', 'b2']);
    expect(selectLocality(all, all, 'a', 140, () => 0.99).map((i) => i.id)).toEqual(['a1', 'a2']);
  });

  it('is empty when nothing is healthy', () => {
    expect(selectLocality(all, [], 'a', 140, () => 0)).toEqual([]);
  });
});
