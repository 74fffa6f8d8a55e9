import { defineWorkload } from '@meshmart/contracts';

/** Orders and the checkout saga: reserves stock, authorizes payment, confirms or compensates. */
export const workload = defineWorkload({
  name: 'order-service',
  port: 8082,
  upstreams: ['inventory-service', 'payment-service'],
  database: 'meshmart_order',
  topics: { consumes: ['orders.v1'], produces: ['orders.v1'] },
});
