import { type ServiceInstance } from '../discovery/service-instance';
import { type LoadBalancer, type PickedInstance } from './load-balancer';

/** Options of a {@link RandomBalancer}. */
export interface RandomBalancerOptions {
  /** Uniform numbers in [0, 1); inject a seeded source in tests. Default `Math.random`. */
  random?: () => number;
}

/**
 * Picks a candidate uniformly at random. Why: it needs no shared state, so many clients
 * starting at once do not march in step onto the same instance as round robins started
 * together can, and it stays fair whatever the list does.
 */
export class RandomBalancer implements LoadBalancer {
  readonly policy = 'random';
  private readonly random: () => number;

  constructor(options: RandomBalancerOptions = {}) {
    this.random = options.random ?? Math.random;
  }

  pick(candidates: readonly ServiceInstance[]): PickedInstance | undefined {
    const instance = candidates[randomIndex(this.random, candidates.length)];
    return instance && { instance, done: () => undefined };
  }
}

/** An index in [0, length), safe against a source that returns exactly 1 or a little more. */
export function randomIndex(random: () => number, length: number): number {
  return Math.min(length - 1, Math.max(0, Math.floor(random() * length)));
}
