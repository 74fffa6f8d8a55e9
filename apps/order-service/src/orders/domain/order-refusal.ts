import type { IdempotencyKeyReused } from '@meshmart/contracts';

/**
 * An expected "no" from order: a typed value, not an exception, so callers must handle it
 * (`isRefusal` from @meshmart/contracts tells it from a value). `src/order-problems.ts` is the one
 * place that turns each into its problem document.
 */
export type OrderRefusal =
  { refusal: 'mixed-currencies'; currencies: readonly string[] } | { refusal: 'unknown-order'; orderId: string } | IdempotencyKeyReused;
