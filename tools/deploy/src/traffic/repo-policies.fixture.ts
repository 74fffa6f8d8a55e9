import { join } from 'node:path';
import type { TrafficPolicy } from '@meshmart/mesh/tools';
import type { WorkloadDeployment } from '../platform/platform';
import { loadTrafficPolicies } from './traffic-policies';

/** The repo's own infra/traffic policies and the two workloads they govern, as the golden specs render them. */
export const workspaceRoot = join(__dirname, '..', '..', '..', '..');
export const repoPolicies: ReadonlyMap<string, TrafficPolicy> = loadTrafficPolicies(workspaceRoot);

const deployment = (name: WorkloadDeployment['name'], port: number, upstreams: WorkloadDeployment['upstreams'] = []): WorkloadDeployment => ({ name, port, upstreams, replicas: 2, edge: false, persistence: true, balancer: 'LEAST_REQUEST' });
export const paymentService = deployment('payment-service', 8084);
export const inventoryService = deployment('inventory-service', 8083);
/** A caller of both, whose sidecar carries both policies. */
export const orderService = deployment('order-service', 8082, ['inventory-service', 'payment-service']);

export function repoPolicy(host: string): TrafficPolicy {
  const policy = repoPolicies.get(host);
  if (!policy) throw new Error(`infra/traffic/${host}.yaml is missing`);
  return policy;
}
