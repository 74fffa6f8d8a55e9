import { parseEnvironment } from '@meshmart/mesh';
import { z } from 'zod';

/**
 * What payment-service reads from its environment besides the mesh's and the database's,
 * validated once at start-up.
 */
export const paymentConfigSchema = z.object({
  /** How long the bundled provider lets a `tok_timeout` authorization hang. Default 2000 ms. */
  PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(2_000),
});
export type PaymentConfig = z.infer<typeof paymentConfigSchema>;

/** The Nest token of the validated `PaymentConfig`. */
export const PAYMENT_CONFIG = Symbol('PAYMENT_CONFIG');

/**
 * Parses the environment, or throws one error naming every bad variable. Empty variables
 * count as unset, so `FOO=` falls back to the default.
 * @example loadPaymentConfig({ PAYMENT_PROVIDER_TIMEOUT_MS: '300' }); // { PAYMENT_PROVIDER_TIMEOUT_MS: 300 }
 */
export function loadPaymentConfig(env: NodeJS.ProcessEnv): PaymentConfig {
  return parseEnvironment(paymentConfigSchema, env);
}
