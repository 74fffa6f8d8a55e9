import { z } from 'zod';

/**
 * What every MeshMart process reads from its environment, validated once at start-up.
 * Later parts of the mesh (identity, discovery, telemetry) add their own sections here.
 */
export const serviceConfigSchema = z.object({
  /** Interface to bind. Loopback by default: nothing listens beyond the machine unless asked. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Port to bind; 0 lets the OS choose (the chosen port is logged). */
  PORT: z.coerce.number().int().min(0).max(65_535),
  /** Namespace part of the workload identity. */
  MESH_NAMESPACE: z.string().regex(/^[a-z0-9-]+$/).default('meshmart'),
});

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;

export class InvalidServiceConfig extends Error {
  override readonly name = 'InvalidServiceConfig';
}

/** Parses the environment, or throws one error that lists every bad variable. */
export function loadServiceConfig(env: NodeJS.ProcessEnv, defaults: Partial<Record<keyof ServiceConfig, string>> = {}): ServiceConfig {
  const parsed = serviceConfigSchema.safeParse({ ...defaults, ...definedOnly(env) });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new InvalidServiceConfig(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}
