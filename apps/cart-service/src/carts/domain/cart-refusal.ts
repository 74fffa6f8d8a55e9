import type { IdempotencyKeyReused, OutOfStock, UnknownProduct } from '@meshmart/contracts';

/**
 * An expected "no" from cart: a typed value, not an exception, so callers must handle it
 * (`isRefusal` from @meshmart/contracts tells it from a value). `src/cart-problems.ts` is the one
 * place that turns each into its problem document.
 */
export type CartRefusal =
  | UnknownProduct
  | OutOfStock
  | { refusal: 'currency-mismatch'; cartCurrency: string; lineCurrency: string }
  | { refusal: 'empty-cart' }
  | { refusal: 'product-no-longer-sold'; skus: readonly string[] }
  | IdempotencyKeyReused;
