import type { WorkloadDescriptor } from './workload-descriptor';
import { workloadRegistry } from './workload-registry';

/**
 * The workloads of the platform, from the apps' descriptors (`apps/<name>/src/workload.ts`,
 * gathered into `workload-registry.ts` by `npm run deploy:generate`). The name is the workload
 * identity (SPIFFE service account), the registry key and the `*_workload` label of every metric.
 */
export type Workload = (typeof workloadRegistry)[number]['name'];

/** Every workload's descriptor, in the order of `workloads`. */
export const workloadDescriptors: readonly (WorkloadDescriptor & { name: Workload })[] = workloadRegistry;

export const workloads: readonly Workload[] = workloadDescriptors.map((workload) => workload.name);

/** The workloads that face the public (descriptor `edge`): a plain HTTP listener, no mesh identity asked of callers. */
export const edgeWorkloads: readonly Workload[] = workloadDescriptors.filter((workload) => workload.edge).map((workload) => workload.name);

export function isEdgeWorkload(name: string): boolean {
  return (edgeWorkloads as readonly string[]).includes(name);
}

export function isWorkload(name: string): name is Workload {
  return (workloads as readonly string[]).includes(name);
}

/** The descriptor of one workload. */
export function workloadDescriptor(name: Workload): WorkloadDescriptor & { name: Workload } {
  const descriptor = workloadDescriptors.find((workload) => workload.name === name);
  if (!descriptor) throw new Error(`no workload "${name}"`);
  return descriptor;
}

/**
 * The identity of catalogue administration (seeding products, setting stock): the demo and
 * the tests act as it; no deployed workload has it, so no service can use it by accident.
 */
export const operatorIdentity = 'operator';
