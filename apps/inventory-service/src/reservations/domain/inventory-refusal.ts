import type { OutOfStock, UnknownProduct } from '@meshmart/contracts';
import type { ReleaseReason } from './reservation-state';

/**
 * An expected "no" from inventory: a typed value, not an exception, so callers must handle it
 * (`isRefusal` from @meshmart/contracts tells it from a value). `src/inventory-problems.ts` is
 * the one place that turns each into its problem document.
 */
export type InventoryRefusal =
  | { refusal: 'duplicate-sku'; sku: string; index: number }
  | UnknownProduct
  | OutOfStock
  | { refusal: 'reservation-conflict'; orderId: string }
  | { refusal: 'unknown-reservation'; orderId: string }
  | { refusal: 'reservation-released'; orderId: string; releaseReason: ReleaseReason }
  | { refusal: 'reservation-committed'; orderId: string };
