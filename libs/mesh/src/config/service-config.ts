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
  MESH_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('meshmart'),
  /** Largest request body accepted; bigger ones get 413 before any handler runs. */
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(10_485_760).default(65_536),
  /** Lowest level logged (JSON lines on standard output). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;
