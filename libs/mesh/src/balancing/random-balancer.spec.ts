import { describe, expect, it } from 'vitest';
import { type ServiceInstance } from '../discovery/service-instance';
import { RandomBalancer, randomIndex } from './random-balancer';
import { seededRandom } from './seeded-random';

function instance(id: string): ServiceInstance {
  return { id, service: 'inventory-service', address: '10.0.0.1', port: 8080, zone: 'local', version: '0.1.0', weight: 1, healthy: true };
}

const candidates = ['a', 'b', 'c', 'd'].map(instance);

function picks(balancer: RandomBalancer, times: number): string[] {
  return Array.from({ length: times }, () => balancer.pick(candidates)?.instance.id ?? 'none');
}

describe('RandomBalancer', () => {
  it('with a seeded source, hits every instance about equally, the same way every run', () => {
    const counts: Record<string, number> = {};
    for (const id of picks(new RandomBalancer({ random: seededRandom(42) }), 4_000)) counts[id] = (counts[id] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const count of Object.values(counts)) expect(Math.abs(count - 1_000)).toBeLessThan(100);
  });

  it('replays the same picks for the same seed, and other picks for another', () => {
    const first = picks(new RandomBalancer({ random: seededRandom(7) }), 50);
    expect(picks(new RandomBalancer({ random: seededRandom(7) }), 50)).toEqual(first);
    expect(picks(new RandomBalancer({ random: seededRandom(8) }), 50)).not.toEqual(first);
  });

  it('maps the source onto the list: [0, 0.25) is the first of four, [0.75, 1) the last', () => {
    const values = [0, 0.2499, 0.25, 0.5, 0.7499, 0.75, 0.9999];
    const balancer = new RandomBalancer({ random: () => values.shift() ?? 0 });
    expect(picks(balancer, 7)).toEqual(['a', 'a', 'b', 'c', 'c', 'd', 'd']);
  });

  it('returns undefined for no candidates', () => {
    expect(new RandomBalancer().pick([])).toBeUndefined();
  });
});

describe('randomIndex', () => {
  it('stays inside the list even for a source that returns 1 or more, or below 0', () => {
    expect(randomIndex(() => 1, 3)).toBe(2);
    expect(randomIndex(() => 1.5, 3)).toBe(2);
    expect(randomIndex(() => -0.1, 3)).toBe(0);
  });
});
