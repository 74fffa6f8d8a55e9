import { defineWorkload } from '@meshmart/contracts';

/** Authorizations, captures and refunds against a pluggable provider; two instances, as the demo runs it. */
export const workload = defineWorkload({
  name: 'payment-service',
  port: 8084,
  database: 'meshmart_payment',
  replicas: 2,
  topics: { produces: ['payments.v1'] },
});
