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
export const ORDER_CONFIG = Symbol('ORDER_CONFIG');

export function loadOrderConfig(env: NodeJS.ProcessEnv = process.env): OrderConfig {
  return parseEnvironment(orderConfigSchema, env);
}
