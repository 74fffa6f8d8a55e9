import { z } from 'zod';

/**
 * What every MeshMart process reads from its environment, validated once at start-up;
 * `meshConfigSchema` extends it with the mesh's own settings.
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
