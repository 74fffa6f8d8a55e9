import { parseEnvironment } from '@meshmart/mesh';
import { z } from 'zod';

/** The gateway's own settings, validated once at start-up. */
export const gatewayConfigSchema = z
  .object({
    /** HS256 key of the demo's tokens; at least 32 characters. Never logged. */
    GATEWAY_JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    /** RS256/ES256 tokens of a real identity provider: its JWKS document. */
    GATEWAY_JWKS_URL: z.url().optional(),
    GATEWAY_JWT_ISSUER: z.string().min(1).default('meshmart-demo'),
    GATEWAY_JWT_AUDIENCE: z.string().min(1).default('meshmart'),
    /** Oldest token accepted, counted from its `iat`, whatever its `exp` says. */
    GATEWAY_JWT_MAX_AGE_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
    /** Clock difference allowed with the token's issuer, for `exp`, `nbf` and `iat`. */
    GATEWAY_JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
    /** Requests each signed-in user may make per window (per route). */
    GATEWAY_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(300),
    /** Requests each client address may make per window over all routes, counted before authentication. */
    GATEWAY_ADDRESS_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(1_200),
    /** Proxies in front of the gateway that append to X-Forwarded-For (Envoy sidecar, ingress); 0 in local mode. */
    GATEWAY_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
    GATEWAY_RATE_WINDOW_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    /** The edge's own deadline for a public request, handed down the mesh; callers cannot set it. */
    GATEWAY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  })
  .refine((config) => config.GATEWAY_JWT_SECRET !== undefined || config.GATEWAY_JWKS_URL !== undefined, {
    message: 'set GATEWAY_JWT_SECRET (HS256) or GATEWAY_JWKS_URL (RS256): the gateway authenticates every shopper',
    path: ['GATEWAY_JWT_SECRET'],
  });
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return parseEnvironment(gatewayConfigSchema, env);
}
