import { type ServiceInstance } from '../discovery/service-instance';
import { type LoadBalancer, type PickedInstance } from './load-balancer';

/**
 * Smooth weighted round robin (nginx's algorithm): over every run of picks as long as the sum of
 * the weights, each instance is picked exactly in proportion to its weight, and the picks of a
 * heavy instance are spread through the run instead of bunched (weights 5:1:1 give
 * a a b a c a a, not a a a a a b c). Why: canaries and bigger machines take their share
 * without bursts. Instances with a weight of 0 or less (or not a number) are never picked.
 */
export class WeightedRoundRobinBalancer implements LoadBalancer {
  readonly policy = 'weighted_round_robin';
  /** Each instance's running score; an instance that left discovery is dropped on the next pick. */
  private readonly current = new Map<string, number>();

  pick(candidates: readonly ServiceInstance[]): PickedInstance | undefined {
    let total = 0;
    let best: ServiceInstance | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const instance of candidates) {
      if (!(instance.weight > 0)) continue;
      const score = (this.current.get(instance.id) ?? 0) + instance.weight;
      this.current.set(instance.id, score);
      total += instance.weight;
      if (score > bestScore) {
        best = instance;
        bestScore = score;
      }
    }
    if (!best) return undefined;
    this.current.set(best.id, bestScore - total);
    this.forgetDeparted(candidates);
    return { instance: best, done: () => undefined };
  }

  private forgetDeparted(candidates: readonly ServiceInstance[]): void {
    if (this.current.size <= candidates.length) return;
    const present = new Set(candidates.filter((instance) => instance.weight > 0).map((instance) => instance.id));
    for (const id of this.current.keys()) if (!present.has(id)) this.current.delete(id);
  }
}
