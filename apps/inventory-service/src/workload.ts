import { defineWorkload } from '@meshmart/contracts';

/** Products, stock and reservations with expiry; two instances, as the demo runs it. */
export const workload = defineWorkload({
  name: 'inventory-service',
  port: 8083,
  database: 'meshmart_inventory',
  replicas: 2,
  topics: { produces: ['inventory.v1'] },
});
