import { serviceCounter } from '@meshmart/mesh';

/**
 * How a checkout ended: `placed`, `repeated` (a replay of the key), refused (`empty_cart`;
 * `unknown_product`: a product of the cart is no longer sold; `key_reused`: the key checked out
 * another cart) or `error`.
 */
export type CheckoutMetricOutcome = 'placed' | 'repeated' | 'empty_cart' | 'unknown_product' | 'key_reused' | 'error';

/** The top of the checkout funnel (its bottom, orders confirmed or failed, is order-service's). */
export const cartMetrics = {
  created: serviceCounter({ name: 'meshmart_carts_created_total', help: "Carts opened: a user's first, or the next one after a checkout." }),
  checkouts: serviceCounter({ name: 'meshmart_cart_checkouts_total', help: 'Checkouts asked for, by how they ended.', labelNames: ['outcome'] }),
};

for (const outcome of ['placed', 'repeated', 'empty_cart', 'unknown_product', 'key_reused', 'error'] satisfies CheckoutMetricOutcome[])
  cartMetrics.checkouts.inc({ outcome }, 0);
