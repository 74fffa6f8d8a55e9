import { type ServiceInstance } from '../discovery/service-instance';
import { type LoadBalancer, type PickedInstance } from './load-balancer';

/**
 * Takes the candidates in turn. Why use it: the cheapest fair policy when instances are alike
 * and requests cost about the same. When the list changes, the turn continues at the same
 * position in the new list, so nobody is skipped or picked twice in a row more than the change forces.
 */
export class RoundRobinBalancer implements LoadBalancer {
  readonly policy = 'round_robin';
  private cursor = 0;

  pick(candidates: readonly ServiceInstance[]): PickedInstance | undefined {
    if (candidates.length === 0) return undefined;
    const index = this.cursor % candidates.length;
    this.cursor = index + 1;
    const instance = candidates[index];
    return instance && { instance, done: () => undefined };
  }
}
