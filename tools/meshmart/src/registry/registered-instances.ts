import { z } from 'zod';

/** The registry's keys: `meshmart/<namespace>/services/<workload>/<instance id>`. */
const REGISTRY_KEY = /^meshmart\/([a-z0-9-]+)\/services\/([a-z0-9-]+)\/([A-Za-z0-9._-]+)$/;

/** The part of a registry value the tools read; anything else in it is ignored. */
const registeredInstanceSchema = z.object({
  address: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  zone: z.string().min(1).default('local'),
  version: z.string().min(1).default('unknown'),
  scheme: z.enum(['https', 'http']).default('https'),
  weight: z.number().min(0).default(1),
  healthy: z.boolean().default(true),
});

/** One instance as the etcd registry holds it, with the namespace, workload and id from its key. */
export interface RegisteredInstance extends z.infer<typeof registeredInstanceSchema> {
  namespace: string;
  workload: string;
  instanceId: string;
}

/**
 * The instances among registry entries (key → JSON value, as `getAll().strings()` gives them).
 * Keys that are not instances, or hold no valid instance, are left out. Sorted by namespace
 * and instance id, so equal registries give equal lists.
 */
export function registeredInstancesOf(entries: Readonly<Record<string, string>>): RegisteredInstance[] {
  const instances: RegisteredInstance[] = [];
  for (const [key, value] of Object.entries(entries)) {
    const match = REGISTRY_KEY.exec(key);
    if (!match) continue;
    const instance = parseInstance(value);
    if (!instance) continue;
    const [, namespace = '', workload = '', instanceId = ''] = match;
    instances.push({ ...instance, namespace, workload, instanceId });
  }
  return instances.sort((a, b) => `${a.namespace}/${a.instanceId}`.localeCompare(`${b.namespace}/${b.instanceId}`));
}

function parseInstance(value: string): z.infer<typeof registeredInstanceSchema> | undefined {
  try {
    const parsed = registeredInstanceSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
