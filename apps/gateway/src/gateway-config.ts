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
    /** Requests each user (or, before sign-in, each address) may make per window. */
    GATEWAY_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(300),
    GATEWAY_RATE_WINDOW_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
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
