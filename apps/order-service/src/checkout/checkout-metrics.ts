import { serviceCounter, serviceGauge, serviceHistogram } from '@meshmart/mesh';

/**
 * The bottom of the checkout funnel: orders placed, and how their sagas ended and how long
 * they took. The saga gauges are read from the database, so every instance reports the same
 * numbers: aggregate them with max(), not sum().
 */
export const checkoutMetrics = {
  ordersPlaced: serviceCounter({
    name: 'meshmart_orders_placed_total',
    help: 'Orders placed (new orders only; a repeated idempotency key is not counted again).',
  }),
  ordersFinished: serviceCounter({
    name: 'meshmart_orders_finished_total',
    help: 'Orders whose checkout saga ended, by final status and failure reason (none when confirmed).',
    labelNames: ['status', 'reason'],
  }),
  sagaDuration: serviceHistogram({
    name: 'meshmart_checkout_saga_duration_seconds',
    help: 'From order placed to its final status.',
    labelNames: ['status'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  }),
  sagasInFlight: serviceGauge({ name: 'meshmart_checkout_sagas_in_flight', help: 'Checkout sagas not finished yet (database-wide).' }),
  sagasStuck: serviceGauge({ name: 'meshmart_checkout_sagas_stuck', help: 'Checkout sagas still running a minute past their deadline (database-wide).' }),
};

checkoutMetrics.ordersPlaced.inc(0);
checkoutMetrics.ordersFinished.inc({ status: 'CONFIRMED', reason: 'none' }, 0);
