import { z } from 'zod';
import { topics } from './events';

/** A workload name: a DNS label, as Kubernetes Services and ServiceAccounts (the SPIFFE identity) require. */
export const workloadNameSchema = z
  .string()
  .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a DNS label: lower-case letters, digits and dashes, starting with a letter');

const topicSchema = z.enum(Object.values(topics) as [string, ...string[]], {
  error: `a topic of @meshmart/contracts' topics (${Object.values(topics).join(', ')})`,
});
const topicListSchema = z
  .array(topicSchema)
  .readonly()
  .refine((list) => new Set(list).size === list.length, 'lists a topic twice');

/**
 * What one workload is, written once in its app (`apps/<name>/src/workload.ts`): the app reads
 * its name, port and upstreams from it, and `npm run deploy:generate` derives everything else
 * from the descriptors of all apps (the registry below, the stack's databases, the test
 * platform, docker-compose.yml, the Envoy, Kubernetes, Istio and Linkerd files, Prometheus'
 * compose targets).
 */
export const workloadDescriptorSchema = z
  .strictObject({
    /** The workload identity (SPIFFE service account), registry key, image and `*_workload` metric label; the app's folder under `apps/`. */
    name: workloadNameSchema,
    /** The port the app listens on by default; every deployment sets it as `PORT`. */
    port: z.number().int().min(1024).max(49151),
    /** The public edge: a plaintext listener, published by compose and reached through the ingress gateway in Kubernetes. */
    edge: z.boolean().default(false),
    /** The workloads it calls through the mesh (`mesh.client(name)`). */
    upstreams: z.array(workloadNameSchema).readonly().default([]),
    /** Its own Postgres database, when it keeps state (`PersistenceModule`), named `meshmart_<name without -service>`. */
    database: z
      .string()
      .regex(/^meshmart_[a-z0-9_]{1,54}$/, 'meshmart_<name>: lower-case letters, digits and underscores')
      .optional(),
    /** Instances in the local platform, compose and the Kubernetes base. */
    replicas: z.number().int().min(1).max(16).default(1),
    /** Kafka topics it consumes and produces (through its outbox). */
    topics: z.strictObject({ consumes: topicListSchema.default([]), produces: topicListSchema.default([]) }).default({ consumes: [], produces: [] }),
  })
  .refine((workload) => !workload.upstreams.includes(workload.name), { path: ['upstreams'], message: 'a workload does not call itself through the mesh' })
  .refine((workload) => new Set(workload.upstreams).size === workload.upstreams.length, { path: ['upstreams'], message: 'lists an upstream twice' })
  .refine((workload) => workload.topics.produces.length === 0 || workload.database !== undefined, {
    path: ['topics', 'produces'],
    message: 'events leave through the outbox: a producer needs a database',
  });

export type WorkloadDescriptor = z.output<typeof workloadDescriptorSchema>;
export type WorkloadDescriptorInput = z.input<typeof workloadDescriptorSchema>;

/** Thrown when a descriptor, or the set of them, is not valid: names what is wrong. */
export class InvalidWorkloadDescriptor extends Error {
  constructor(
    readonly workload: string,
    readonly problems: readonly string[],
  ) {
    super(`workload ${workload}: ${problems.join('; ')}`);
    this.name = 'InvalidWorkloadDescriptor';
  }
}

/**
 * Validates one app's descriptor, filling the defaults; throws naming every problem.
 *
 * @example export const workload = defineWorkload({ name: 'cart-service', port: 8081, upstreams: ['inventory-service'], database: 'meshmart_cart' });
 */
export function defineWorkload<const Name extends string>(spec: WorkloadDescriptorInput & { name: Name }): WorkloadDescriptor & { name: Name } {
  const parsed = workloadDescriptorSchema.safeParse(spec);
  if (!parsed.success)
    throw new InvalidWorkloadDescriptor(
      spec.name,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(descriptor)'}: ${issue.message}`),
    );
  return parsed.data as WorkloadDescriptor & { name: Name };
}

/** What is wrong with a set of descriptors taken together: duplicate names and ports, unknown upstreams, more than one edge. */
export function workloadSetProblems(descriptors: readonly WorkloadDescriptor[]): string[] {
  const problems: string[] = [];
  const names = new Set(descriptors.map((workload) => workload.name));
  const seen = new Map<string, string>();
  for (const workload of descriptors) {
    for (const [what, value] of [
      ['name', workload.name],
      ['port', String(workload.port)],
      ...(workload.database ? [['database', workload.database]] : []),
    ] as const) {
      const owner = seen.get(`${what}:${value}`);
      if (owner) problems.push(`${workload.name}: ${what} ${value} is ${owner}'s too`);
      else seen.set(`${what}:${value}`, workload.name);
    }
    for (const upstream of workload.upstreams)
      if (!names.has(upstream)) problems.push(`${workload.name}: calls "${upstream}", which no apps/*/src/workload.ts describes`);
  }
  const edges = descriptors.filter((workload) => workload.edge).map((workload) => workload.name);
  if (edges.length > 1) problems.push(`${edges.join(', ')}: only one workload is the public edge`);
  return problems;
}
