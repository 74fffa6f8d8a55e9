import { defineWorkload } from '@meshmart/contracts';

/** Carts and their lines; prices from inventory, checkout handed to order; hears how orders end. */
export const workload = defineWorkload({
  name: 'cart-service',
  port: 8081,
  upstreams: ['inventory-service', 'order-service'],
  database: 'meshmart_cart',
  topics: { consumes: ['orders.v1'] },
});
