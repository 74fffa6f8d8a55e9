import { join } from 'node:path';
import { parseTrafficPolicy, type TrafficPolicy } from '@meshmart/mesh/tools';
import { workloadDescriptor } from '@meshmart/contracts';
import { deploymentOf } from '../platform/platform';
import { loadTrafficPolicies } from './traffic-policies';

/** The repo's own infra/traffic policies and the two workloads they govern, as the golden specs render them. */
export const workspaceRoot = join(__dirname, '..', '..', '..', '..');
export const repoPolicies: ReadonlyMap<string, TrafficPolicy> = loadTrafficPolicies(workspaceRoot);

export const paymentService = deploymentOf(workloadDescriptor('payment-service'));
export const inventoryService = deploymentOf(workloadDescriptor('inventory-service'));
/** A caller of both, whose sidecar carries both policies. */
export const orderService = deploymentOf(workloadDescriptor('order-service'));

export function repoPolicy(host: string): TrafficPolicy {
  const policy = repoPolicies.get(host);
  if (!policy) throw new Error(`infra/traffic/${host}.yaml is missing`);
  return policy;
}

/** A payment-service policy with subsets v1 (0.1.0) and v2 (0.2.0), and `spec`'s routes, faults or mirror on top. */
export function paymentPolicyOf(spec: object): TrafficPolicy {
  return parseTrafficPolicy({
    apiVersion: 'meshmart.dev/v1',
    kind: 'TrafficPolicy',
    metadata: { name: 'p' },
    spec: {
      host: 'payment-service',
      subsets: [
        { name: 'v1', labels: { version: '0.1.0' } },
        { name: 'v2', labels: { version: '0.2.0' } },
      ],
      ...spec,
    },
  });
}
