import { describe, expect, it } from 'vitest';
import { type ServiceInstance } from '../discovery/service-instance';
import { createBalancer } from './load-balancer';
import { RoundRobinBalancer } from './round-robin-balancer';

function instance(id: string, weight = 1): ServiceInstance {
  return { id, service: 'inventory-service', address: '10.0.0.1', port: 8080, zone: 'local', version: '0.1.0', weight, healthy: true };
}

const pickIds = (balancer: RoundRobinBalancer, candidates: ServiceInstance[], times: number) =>
  Array.from({ length: times }, () => balancer.pick(candidates)?.instance.id);

describe('RoundRobinBalancer', () => {
  it('cycles through the candidates in order, exactly', () => {
    const balancer = new RoundRobinBalancer();
    expect(pickIds(balancer, [instance('a'), instance('b'), instance('c')], 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('keeps its place when the list changes, and never returns an instance no longer listed', () => {
    const balancer = new RoundRobinBalancer();
    const [a, b, c, d] = [instance('a'), instance('b'), instance('c'), instance('d')];
    expect(pickIds(balancer, [a, b, c], 2)).toEqual(['a', 'b']);
    expect(pickIds(balancer, [a, c], 3)).toEqual(['a', 'c', 'a']); // b left: position 2 wraps to the start
    expect(pickIds(balancer, [a, c, d, b], 4)).toEqual(['c', 'd', 'b', 'a']);
  });

  it('returns undefined for no candidates', () => {
    expect(new RoundRobinBalancer().pick([])).toBeUndefined();
  });

  it('has nothing to release, so done() is harmless', () => {
    const picked = new RoundRobinBalancer().pick([instance('a')]);
    expect(() => picked?.done()).not.toThrow();
  });
});

describe('createBalancer', () => {
  it('builds the balancer of each policy, least-request by default', () => {
    expect(createBalancer().policy).toBe('least_request');
    for (const policy of ['round_robin', 'weighted_round_robin', 'random', 'least_request'] as const) {
      expect(createBalancer(policy).policy).toBe(policy);
    }
  });

  it('hands the random source to the policies that draw from it', () => {
    const last = () => 0.99;
    const candidates = [instance('a'), instance('b'), instance('c')];
    expect(createBalancer('random', { random: last }).pick(candidates)?.instance.id).toBe('c');
    expect(createBalancer('least_request', { random: last, choiceCount: 1 }).pick(candidates)?.instance.id).toBe('c');
  });
});
