import { z } from 'zod';

/** The registry's keys: `meshmart/<namespace>/services/<workload>/<instance id>`. */
const REGISTRY_KEY = /^meshmart\/([a-z0-9-]+)\/services\/([a-z0-9-]+)\/([A-Za-z0-9._-]+)$/;

/** The part of a registry value a scrape needs; anything else in it is ignored. */
const registeredInstanceSchema = z.object({
  address: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  zone: z.string().min(1).default('local'),
  version: z.string().min(1).default('unknown'),
  scheme: z.enum(['https', 'http']).default('https'),
});

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
  const groups: TargetGroup[] = [];
  for (const [key, value] of Object.entries(entries)) {
    const match = REGISTRY_KEY.exec(key);
    if (!match) continue;
    const instance = parseInstance(value);
    if (!instance) continue;
    const [, namespace = '', workload = '', instanceId = ''] = match;
    groups.push({
      targets: [`${instance.address}:${instance.port}`],
      labels: { __scheme__: instance.scheme, namespace, workload, instance_id: instanceId, zone: instance.zone, version: instance.version },
    });
  }
  return groups.sort((a, b) => `${a.labels['namespace']}/${a.labels['instance_id']}`.localeCompare(`${b.labels['namespace']}/${b.labels['instance_id']}`));
}

function parseInstance(value: string): z.infer<typeof registeredInstanceSchema> | undefined {
  try {
    const parsed = registeredInstanceSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
