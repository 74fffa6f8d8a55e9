import { type ServiceInstance } from '../discovery/service-instance';
import { LeastRequestBalancer } from './least-request-balancer';
import { RandomBalancer } from './random-balancer';
import { RoundRobinBalancer } from './round-robin-balancer';
import { WeightedRoundRobinBalancer } from './weighted-round-robin-balancer';

/** How a client spreads calls over an upstream's instances; the names are Envoy's `lb_policy` values, lower-cased. */
export type BalancingPolicy = 'round_robin' | 'weighted_round_robin' | 'random' | 'least_request';

/** An instance chosen for one request. */
export interface PickedInstance {
  readonly instance: ServiceInstance;
  /**
   * Call once when the request ends, however it ends: least-request balancing counts the
   * requests in flight per instance. Calling it again does nothing.
   */
  done(): void;
}

/**
 * Picks the instance for each request. Candidates are the instances the client may use right
 * now (discovered, healthy, not ejected); the list may differ on every call, as instances come
 * and go, and a balancer never assumes it is the same as last time.
 */
export interface LoadBalancer {
  readonly policy: BalancingPolicy;
  /** `undefined` when no candidate can take the request (the list is empty, or all weights are 0). */
  pick(candidates: readonly ServiceInstance[]): PickedInstance | undefined;
}

/** Options of {@link createBalancer}; each policy reads the ones that concern it. */
export interface BalancerOptions {
  /** Source of uniform numbers in [0, 1) for `random` and `least_request`; inject a seeded one in tests. Default `Math.random`. */
  random?: () => number;
  /** Instances sampled per pick by `least_request`. Default 2 (power of two choices). */
  choiceCount?: number;
}

/**
 * A balancer for the policy. Least-request is the default, as it is Envoy's recommendation:
 * it steers away from slow or overloaded instances, which the others do not see.
 *
 * @example
 * const balancer = createBalancer('least_request');
 * const picked = balancer.pick(instances);
 * try { await send(picked.instance); } finally { picked.done(); }
 */
export function createBalancer(policy: BalancingPolicy = 'least_request', options: BalancerOptions = {}): LoadBalancer {
  switch (policy) {
    case 'round_robin':
      return new RoundRobinBalancer();
    case 'weighted_round_robin':
      return new WeightedRoundRobinBalancer();
    case 'random':
      return new RandomBalancer(options);
    case 'least_request':
      return new LeastRequestBalancer(options);
  }
}
