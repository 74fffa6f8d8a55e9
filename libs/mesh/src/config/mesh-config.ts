import { z } from 'zod';
import { resilienceDefaults } from '../resilience/resilience-defaults';
import { parseLabelList } from '../traffic/instance-labels';
import { serviceConfigSchema } from './service-config';

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/**
 * The mesh's part of a service's environment, validated once at start-up. The mode decides
 * who does what: `proxyless` (local) — the library is the whole data plane (mTLS, discovery
 * in etcd, balancing, retries); `sidecar` (compose, Kubernetes) — Envoy/Istio does those, and
 * the library keeps deadlines, trace propagation, idempotency and its own metrics.
 */
export const meshConfigSchema = serviceConfigSchema
  .extend({
    MESH_MODE: z.enum(['proxyless', 'sidecar']).default('proxyless'),
    /** `mtls` for every service; `plain` only for the gateway's public edge. */
    MESH_LISTENER: z.enum(['mtls', 'plain']).default('mtls'),
    MESH_TRUST_DOMAIN: z
      .string()
      .regex(/^[a-z0-9.-]+$/)
      .default('meshmart.local'),
    /** Folder of `meshmart certs`: `ca.crt` and `<service>/tls.crt|tls.key`. */
    MESH_CERT_DIR: z.string().min(1).optional(),
    ETCD_ENDPOINTS: csv.optional(),
    MESH_LEASE_TTL_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
    MESH_INSTANCE_ID: z
      .string()
      .regex(/^[a-zA-Z0-9._-]+$/)
      .optional(),
    MESH_ZONE: z.string().min(1).default('local'),
    MESH_VERSION: z.string().min(1).default('0.1.0'),
    /** Labels traffic policies' subsets select by, `k=v,k=v` (e.g. `tier=gold,track=canary`); `version` and `zone` are labels anyway. */
    MESH_LABELS: z
      .string()
      .transform((text, ctx) => {
        try {
          return parseLabelList(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      })
      .default({}),
    MESH_WEIGHT: z.coerce.number().int().min(0).max(1000).default(1),
    /** The address others reach this instance at; default HOST (127.0.0.1 if HOST is 0.0.0.0). */
    MESH_ADVERTISE_HOST: z.string().min(1).optional(),
    MESH_BALANCER: z.enum(['round_robin', 'weighted_round_robin', 'random', 'least_request']).default('least_request'),
    /** Pause between leaving discovery and closing the listener on a graceful stop. */
    MESH_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(250),
    /** Longest a graceful stop waits for in-flight requests before it cuts the connections. */
    MESH_STOP_TIMEOUT_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
    /** Active health checks of upstream instances; 0 turns them off. */
    MESH_HEALTH_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
    /** Share of failed attempts over the breaker's window (`resilienceDefaults.circuitBreaker`) that opens an upstream's circuit. */
    MESH_BREAKER_FAILURE_RATIO: z.coerce.number().gt(0).max(1).default(resilienceDefaults.circuitBreaker.failureRatio),
    MESH_CALL_TIMEOUT_MS: z.coerce.number().int().min(1).max(300_000).default(resilienceDefaults.timeouts.callMs),
    MESH_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(resilienceDefaults.retries.attempts),
    /**
     * Sidecar mode: the plain `http://` origin every call goes to (the sidecar speaks TLS, not
     * the library). `{service}`, if present, becomes the upstream's name, as in the default
     * `http://{service}:8080` (a Kubernetes Service name, intercepted by Istio's Envoy).
     * Without it, every upstream goes to that one address: an outbound listener serving a
     * single upstream, or a test. No path: the call's own path would silently replace it.
     */
    MESH_SIDECAR_URL: z
      .string()
      .refine(isSidecarOrigin, {
        message: 'must be an http:// origin without path, query or credentials, e.g. http://{service}:8080 or http://127.0.0.1:15001',
      })
      .default('http://{service}:8080'),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
  })
  .superRefine((config, ctx) => {
    if (config.MESH_MODE === 'proxyless' && !config.ETCD_ENDPOINTS?.length) {
      ctx.addIssue({ code: 'custom', path: ['ETCD_ENDPOINTS'], message: 'proxyless mode discovers instances in etcd: set ETCD_ENDPOINTS' });
    }
    if (config.MESH_MODE === 'proxyless' && !config.MESH_CERT_DIR) {
      ctx.addIssue({ code: 'custom', path: ['MESH_CERT_DIR'], message: 'proxyless mode speaks mTLS: set MESH_CERT_DIR (made by `meshmart certs`)' });
    }
  });

export type MeshConfig = z.infer<typeof meshConfigSchema>;

/** Checks the template as the runtime uses it: with `{service}` replaced by an upstream name. */
function isSidecarOrigin(template: string): boolean {
  const url = URL.parse(template.replace('{service}', 'upstream'));
  return url !== null && url.protocol === 'http:' && url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
}

export class InvalidMeshConfig extends Error {
  override readonly name = 'InvalidMeshConfig';
}

/** Parses the environment, or throws one error naming every bad variable. */
export function loadMeshConfig(env: NodeJS.ProcessEnv, defaults: Record<string, string> = {}): MeshConfig {
  return parseEnvironment(meshConfigSchema, env, defaults, InvalidMeshConfig);
}

/**
 * Validates a service's settings once, at start-up: empty variables count as unset (so their
 * defaults apply), and a failure names every bad variable in one message.
 * @example export const loadOrderConfig = (env = process.env) => parseEnvironment(orderConfigSchema, env);
 */
export function parseEnvironment<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv,
  defaults: Record<string, string> = {},
  failure: new (message: string) => Error = Error,
): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  const parsed = schema.safeParse({ ...defaults, ...present });
  if (!parsed.success)
    throw new failure(`invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
