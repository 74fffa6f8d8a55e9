import { sharedProblemOf, valueOrThrow } from '@meshmart/contracts';
import { ProblemException } from '@meshmart/mesh';
import type { CartRefusal } from './carts/domain/cart-refusal';

/**
 * The one place where cart's refusals become problem documents: the status, the stable slug
 * clients branch on (`https://meshmart.dev/problems/<slug>`) and the extension members.
 * Refusals other services give too are worded by `sharedProblemOf` (@meshmart/contracts).
 */
export function problemOf(refusal: CartRefusal): ProblemException {
  switch (refusal.refusal) {
    case 'unknown-product':
    case 'out-of-stock':
    case 'idempotency-key-reused':
      return ProblemException.of(sharedProblemOf(refusal));
    case 'currency-mismatch':
      return new ProblemException(
        409,
        'currency-mismatch',
        'currency mismatch',
        `the cart is in ${refusal.cartCurrency}; this product is priced in ${refusal.lineCurrency}`,
      );
    case 'empty-cart':
      return new ProblemException(409, 'empty-cart', 'empty cart', 'add products to the cart before checking out');
    case 'product-no-longer-sold':
      return new ProblemException(409, 'product-no-longer-sold', 'product no longer sold', `remove ${refusal.skus.join(', ')} from the cart`, {
        skus: refusal.skus,
      });
  }
}

/**
 * The value of a call that may refuse, for a controller to answer with; a refusal is thrown as
 * its problem, which the mesh's problem+json filter sends.
 * @example return answerOrThrow(await this.carts.setLine(user, sku, quantity));
 */
export function answerOrThrow<T extends object>(outcome: T | CartRefusal): T {
  return valueOrThrow<T, CartRefusal>(outcome, problemOf);
}
