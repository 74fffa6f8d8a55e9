import { parseEnvironment } from '@meshmart/mesh';
import { z } from 'zod';

/** order-service's own settings, validated once at start-up. */
export const orderConfigSchema = z.object({
  /** How long a checkout may take before it is abandoned and compensated (`saga_timeout`). */
  SAGA_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  /** How often due or stuck sagas are looked for. */
  SAGA_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  /** How long the stock of an order is held before inventory releases it. */
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(900),
});
export type OrderConfig = z.infer<typeof orderConfigSchema>;

/** The Nest token of the validated `OrderConfig`. */
export const ORDER_CONFIG = Symbol('ORDER_CONFIG');

/**
 * Validates the order settings once, at start-up; a bad value stops the service with a message
 * naming the variable. Empty variables count as unset, so their defaults apply.
 * @example loadOrderConfig(process.env).SAGA_TIMEOUT_MS // 30000
 */
export function loadOrderConfig(env: NodeJS.ProcessEnv): OrderConfig {
  return parseEnvironment(orderConfigSchema, env);
}
