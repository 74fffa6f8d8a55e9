import type { OutOfStockDetail } from '@meshmart/contracts';
import type { ReleaseReason } from './reservation-state';

/**
 * An expected "no" from inventory: a typed value, not an exception, so callers must handle it.
 * `src/inventory-problems.ts` is the one place that turns each into its problem document.
 */
export type InventoryRefusal =
  | { refusal: 'duplicate-sku'; sku: string; index: number }
  | { refusal: 'unknown-product'; sku: string }
  | ({ refusal: 'out-of-stock' } & OutOfStockDetail)
  | { refusal: 'reservation-conflict'; orderId: string }
  | { refusal: 'unknown-reservation'; orderId: string }
  | { refusal: 'reservation-released'; orderId: string; releaseReason: ReleaseReason }
  | { refusal: 'reservation-committed'; orderId: string };

/** Tells a refusal from the value a call returns when it succeeds. */
export function isRefusal(outcome: object): outcome is InventoryRefusal {
  return 'refusal' in outcome;
}
