import { registeredInstancesOf } from '../registry/registered-instances';

/** One entry of a Prometheus file service discovery file. */
export interface TargetGroup {
  targets: [string];
  labels: Record<string, string>;
}

/**
 * The registry's instances as Prometheus target groups, one per instance, labelled with its
 * `namespace`, `workload`, `instance_id`, `zone` and `version` (the same labels the
 * Kubernetes scrape config makes from pods, so dashboards work in both). `__scheme__` is
 * `https` (scraped over mTLS) except for a plaintext listener. Keys that are not instances,
 * or hold no valid instance, are left out. Sorted, so equal registries give equal files.
 */
export function targetGroupsOf(entries: Readonly<Record<string, string>>): TargetGroup[] {
  return registeredInstancesOf(entries).map((instance) => ({
    targets: [`${instance.address}:${instance.port}`],
    labels: {
      __scheme__: instance.scheme,
      namespace: instance.namespace,
      workload: instance.workload,
      instance_id: instance.instanceId,
      zone: instance.zone,
      version: instance.version,
    },
  }));
}
