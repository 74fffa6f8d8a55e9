/**
 * The workloads of the platform. The name is the workload identity (SPIFFE service account),
 * the registry key and the `*_workload` label of every metric, so it is spelled once, here.
 */
export const workloads = ['gateway', 'cart-service', 'order-service', 'inventory-service', 'payment-service'] as const;

export type Workload = (typeof workloads)[number];

export function isWorkload(name: string): name is Workload {
  return (workloads as readonly string[]).includes(name);
}

/**
 * The identity of catalogue administration (seeding products, setting stock): the demo and
 * the tests act as it; no deployed workload has it, so no service can use it by accident.
 */
export const operatorIdentity = 'operator';
