import { describe, expect, it } from 'vitest';
import { type ServiceInstance } from '../discovery/service-instance';
import { WeightedRoundRobinBalancer } from './weighted-round-robin-balancer';

function instance(id: string, weight: number): ServiceInstance {
  return { id, service: 'inventory-service', address: '10.0.0.1', port: 8080, zone: 'local', version: '0.1.0', weight, healthy: true };
}

function tally(balancer: WeightedRoundRobinBalancer, candidates: ServiceInstance[], times: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < times; i++) {
    const id = balancer.pick(candidates)?.instance.id ?? 'none';
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

describe('WeightedRoundRobinBalancer', () => {
  const weighted = [instance('a', 1), instance('b', 2), instance('c', 3)];

  it('gives weights 1:2:3 exactly 100:200:300 of 600 picks', () => {
    expect(tally(new WeightedRoundRobinBalancer(), weighted, 600)).toEqual({ a: 100, b: 200, c: 300 });
  });

  it('is exact over every cycle as long as the sum of the weights, not only in the long run', () => {
    const balancer = new WeightedRoundRobinBalancer();
    for (let cycle = 0; cycle < 20; cycle++) expect(tally(balancer, weighted, 6)).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('spreads a heavy instance through the cycle instead of bunching it (nginx smooth WRR)', () => {
    const balancer = new WeightedRoundRobinBalancer();
    const candidates = [instance('a', 5), instance('b', 1), instance('c', 1)];
    const sequence = Array.from({ length: 7 }, () => balancer.pick(candidates)?.instance.id).join(' ');
    expect(sequence).toBe('a a b a c a a');
  });

  it('never picks an instance whose weight is 0, negative or not a number', () => {
    const candidates = [instance('zero', 0), instance('live', 1), instance('negative', -3), instance('nan', Number.NaN)];
    expect(tally(new WeightedRoundRobinBalancer(), candidates, 50)).toEqual({ live: 50 });
  });

  it('returns undefined when no candidate has a positive weight, or there is none', () => {
    const balancer = new WeightedRoundRobinBalancer();
    expect(balancer.pick([instance('a', 0)])).toBeUndefined();
    expect(balancer.pick([])).toBeUndefined();
  });

  it('keeps the shares within one pick of exact when instances come and go', () => {
    const balancer = new WeightedRoundRobinBalancer();
    tally(balancer, weighted, 4); // mid-cycle
    const withoutC = tally(balancer, [instance('a', 1), instance('b', 2)], 300);
    expect(Math.abs((withoutC.a ?? 0) - 100)).toBeLessThanOrEqual(1);
    expect(withoutC.c).toBeUndefined();
    const withD = tally(balancer, [...weighted, instance('d', 4)], 1_000);
    for (const [id, share] of [
      ['a', 100],
      ['b', 200],
      ['c', 300],
      ['d', 400],
    ] as const) {
      expect(Math.abs((withD[id] ?? 0) - share)).toBeLessThanOrEqual(1);
    }
  });
});
