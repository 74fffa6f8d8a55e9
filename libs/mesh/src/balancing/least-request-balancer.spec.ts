import { describe, expect, it } from 'vitest';
import { type ServiceInstance } from '../discovery/service-instance';
import { LeastRequestBalancer } from './least-request-balancer';
import { type PickedInstance } from './load-balancer';
import { RandomBalancer } from './random-balancer';
import { seededRandom } from './seeded-random';

function instance(id: string): ServiceInstance {
  return { id, service: 'inventory-service', address: '10.0.0.1', port: 8080, zone: 'local', version: '0.1.0', weight: 1, healthy: true };
}

const [a, b, c] = [instance('a'), instance('b'), instance('c')];

/** Picks `times` times, holding every pick (requests still in flight). */
function hold(balancer: LeastRequestBalancer, candidates: ServiceInstance[], times: number): PickedInstance[] {
  return Array.from({ length: times }, () => balancer.pick(candidates)).filter((picked) => picked !== undefined);
}

/** Picks `times` times, each request ending at once; counts the picks per instance. */
function tally(balancer: LeastRequestBalancer, candidates: ServiceInstance[], times: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < times; i++) {
    const picked = balancer.pick(candidates);
    if (!picked) continue;
    counts[picked.instance.id] = (counts[picked.instance.id] ?? 0) + 1;
    picked.done();
  }
  return counts;
}

describe('LeastRequestBalancer', () => {
  it('starves an instance holding 10 requests while two idle ones remain: it is never the lesser of two', () => {
    const balancer = new LeastRequestBalancer({ random: seededRandom(1) });
    const busy = hold(balancer, [a], 10);
    expect(balancer.activeRequests('a')).toBe(10);
    const counts = tally(balancer, [a, b, c], 100);
    expect(counts.a).toBeUndefined();
    expect((counts.b ?? 0) + (counts.c ?? 0)).toBe(100);
    expect(Math.min(counts.b ?? 0, counts.c ?? 0)).toBeGreaterThan(30);
    for (const picked of busy) picked.done();
  });

  it('takes the busy instance back once done() has released its requests', () => {
    const balancer = new LeastRequestBalancer({ random: seededRandom(2) });
    const busy = hold(balancer, [a], 10);
    expect(tally(balancer, [a, b, c], 30).a).toBeUndefined();
    for (const picked of busy) picked.done();
    expect(balancer.activeRequests('a')).toBe(0);
    const counts = tally(balancer, [a, b, c], 300);
    expect(counts.a).toBeGreaterThan(80);
  });

  it('keeps held requests level: the busiest and idlest stay 5 apart where random picking drifts 20 apart', () => {
    const candidates = [a, b, c, instance('d')];
    const balancer = new LeastRequestBalancer({ random: seededRandom(3) });
    const random = new RandomBalancer({ random: seededRandom(3) });
    const randomCounts = new Map<string, number>();
    let gap = 0;
    let randomGap = 0;
    for (let i = 0; i < 400; i++) {
      hold(balancer, candidates, 1);
      const loads = candidates.map((candidate) => balancer.activeRequests(candidate.id));
      gap = Math.max(gap, Math.max(...loads) - Math.min(...loads));
      const id = random.pick(candidates)?.instance.id ?? '';
      randomCounts.set(id, (randomCounts.get(id) ?? 0) + 1);
      const counts = candidates.map((candidate) => randomCounts.get(candidate.id) ?? 0);
      randomGap = Math.max(randomGap, Math.max(...counts) - Math.min(...counts));
    }
    expect(gap).toBeLessThanOrEqual(5);
    expect(randomGap).toBeGreaterThanOrEqual(20);
  });

  it('samples distinct candidates: of two, the busier one is never picked, whatever the source says', () => {
    for (const value of [0, 0.5, 0.9999]) {
      const balancer = new LeastRequestBalancer({ random: () => value });
      hold(balancer, [b], 1);
      expect(tally(balancer, [a, b], 20)).toEqual({ a: 20 });
    }
  });

  it('on a tie, takes the first sampled', () => {
    const draws = [0.9, 0.1]; // samples c (index 2), then index 1 + floor(0.1 × 2) = 1 → b
    const balancer = new LeastRequestBalancer({ random: () => draws.shift() ?? 0 });
    expect(balancer.pick([a, b, c])?.instance.id).toBe('c');
  });

  it('with choiceCount at least the number of candidates, always takes the least loaded', () => {
    const balancer = new LeastRequestBalancer({ choiceCount: 5, random: seededRandom(4) });
    hold(balancer, [a], 2);
    hold(balancer, [b], 1);
    expect(tally(balancer, [a, b, c], 10)).toEqual({ c: 10 });
  });

  it('counts a request once however often done() is called', () => {
    const balancer = new LeastRequestBalancer();
    const [first, second] = hold(balancer, [a], 2);
    first?.done();
    first?.done();
    expect(balancer.activeRequests('a')).toBe(1);
    second?.done();
    expect(balancer.activeRequests('a')).toBe(0);
  });

  it('copes with instances leaving while their requests are in flight', () => {
    const balancer = new LeastRequestBalancer({ random: seededRandom(5) });
    const inFlight = hold(balancer, [a, b, c], 6);
    expect(tally(balancer, [c], 3)).toEqual({ c: 3 });
    for (const picked of inFlight) picked.done();
    expect([a, b, c].map((candidate) => balancer.activeRequests(candidate.id))).toEqual([0, 0, 0]);
    expect(balancer.pick([])).toBeUndefined();
  });

  it('rejects a choiceCount that is not a positive integer', () => {
    expect(() => new LeastRequestBalancer({ choiceCount: 0 })).toThrow(RangeError);
    expect(() => new LeastRequestBalancer({ choiceCount: 1.5 })).toThrow(RangeError);
  });
});
