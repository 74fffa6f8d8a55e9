import { defineWorkload } from '@meshmart/contracts';

/** The public edge: end users' JWTs, rate limits, and routes to the services through the mesh. */
export const workload = defineWorkload({
  name: 'gateway',
  port: 8080,
  edge: true,
  upstreams: ['cart-service', 'order-service', 'inventory-service'],
});
