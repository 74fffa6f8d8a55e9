import { type ServiceInstance } from '../discovery/service-instance';
import { type LoadBalancer, type PickedInstance } from './load-balancer';
import { randomIndex } from './random-balancer';

/** Options of a {@link LeastRequestBalancer}; every field has the default shown. */
export interface LeastRequestBalancerOptions {
  /** Distinct candidates sampled per pick. Default 2: Envoy's choice, nearly as good as scanning all. */
  choiceCount?: number;
  /** Uniform numbers in [0, 1); inject a seeded source in tests. Default `Math.random`. */
  random?: () => number;
}

/**
 * Envoy's least-request policy: sample `choiceCount` distinct candidates at random and take the
 * one with the fewest requests in flight (the first sampled on a tie). Why: a slow or
 * overloaded instance holds its requests longer, so it is sampled as often but chosen less;
 * sampling instead of scanning keeps a pick O(choiceCount) and avoids every client herding
 * onto the same least-loaded instance. Weights are not used (Envoy's behaviour when they are equal).
 */
export class LeastRequestBalancer implements LoadBalancer {
  readonly policy = 'least_request';
  private readonly choiceCount: number;
  private readonly random: () => number;
  /** Requests in flight per instance id; an entry goes when its count returns to 0. */
  private readonly active = new Map<string, number>();

  constructor(options: LeastRequestBalancerOptions = {}) {
    const { choiceCount = 2, random = Math.random } = options;
    if (!Number.isInteger(choiceCount) || choiceCount < 1) throw new RangeError(`choiceCount must be a positive integer, got ${choiceCount}`);
    this.choiceCount = choiceCount;
    this.random = random;
  }

  /** Requests picked for the instance and not yet done. */
  activeRequests(instanceId: string): number {
    return this.active.get(instanceId) ?? 0;
  }

  pick(candidates: readonly ServiceInstance[]): PickedInstance | undefined {
    let best: ServiceInstance | undefined;
    for (const index of this.sample(candidates.length)) {
      const candidate = candidates[index];
      if (candidate && (!best || this.activeRequests(candidate.id) < this.activeRequests(best.id))) best = candidate;
    }
    return best && this.track(best);
  }

  private track(instance: ServiceInstance): PickedInstance {
    this.active.set(instance.id, this.activeRequests(instance.id) + 1);
    let finished = false;
    return {
      instance,
      done: () => {
        if (finished) return;
        finished = true;
        const remaining = this.activeRequests(instance.id) - 1;
        if (remaining > 0) this.active.set(instance.id, remaining);
        else this.active.delete(instance.id);
      },
    };
  }

  /** `choiceCount` distinct indices in [0, length), by a partial Fisher–Yates shuffle over a sparse swap table. */
  private sample(length: number): number[] {
    const count = Math.min(this.choiceCount, length);
    const swapped = new Map<number, number>();
    const chosen: number[] = [];
    for (let i = 0; i < count; i++) {
      const j = i + randomIndex(this.random, length - i);
      chosen.push(swapped.get(j) ?? j);
      swapped.set(j, swapped.get(i) ?? i);
    }
    return chosen;
  }
}
