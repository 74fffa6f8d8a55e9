import { parseEnvironment } from '@meshmart/mesh';
import { z } from 'zod';

/** What inventory-service reads from its environment beyond the mesh and persistence settings. */
export const inventoryConfigSchema = z.object({
  /** How long a reservation holds stock when the request names no `ttlSeconds`. Default 900 (15 min). */
  INVENTORY_RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** How often the expiry sweeper looks for holds past their `expiresAt`. Default 1000 ms. */
  INVENTORY_EXPIRY_SWEEP_MS: z.coerce.number().int().min(10).max(3_600_000).default(1_000),
});
export type InventoryConfig = z.infer<typeof inventoryConfigSchema>;

/** The Nest token of the validated `InventoryConfig`. */
export const INVENTORY_CONFIG = Symbol('INVENTORY_CONFIG');

/**
 * Validates the inventory settings once, at start-up; a bad value stops the service with a
 * message naming the variable. Empty variables count as unset, so their defaults apply.
 * @example const config = loadInventoryConfig(process.env); config.INVENTORY_RESERVATION_TTL_SECONDS // 900
 */
export function loadInventoryConfig(env: NodeJS.ProcessEnv): InventoryConfig {
  return parseEnvironment(inventoryConfigSchema, env);
}
