import { describe, expect, it } from 'vitest';
import { InvalidServiceOptions, serviceOptions } from './service-options';

const workloads = [
  { name: 'gateway', port: 8080 },
  { name: 'inventory-service', port: 8083, database: 'meshmart_inventory' },
  { name: 'order-service', port: 8082, database: 'meshmart_order' },
];
const topics = [
  { topic: 'orders.v1', key: 'orders', eventTypes: ['OrderPlaced', 'OrderFailed'] },
  { topic: 'inventory.v1', key: 'inventory', eventTypes: ['StockReserved'] },
];

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidServiceOptions) return error.problems;
    throw error;
  }
  throw new Error('no problem was found');
}

describe('service generator options', () => {
  it('fills the next free port, the names of the stem and gateway as the reader', () => {
    const options = serviceOptions(
      { name: 'gift-card-service', upstreams: 'inventory-service, order-service', database: true, consumes: 'orders.v1' },
      workloads,
      topics,
      1_800_000_000_000,
    );
    expect(options).toMatchObject({
      name: 'gift-card-service',
      stem: 'gift-card',
      className: 'GiftCard',
      propertyName: 'giftCard',
      port: 8084,
      upstreams: ['inventory-service', 'order-service'],
      database: 'meshmart_gift_card',
      callers: ['gateway'],
      consumes: ['orders.v1'],
      consumers: [
        { topic: 'orders.v1', topicStem: 'orders', topicClass: 'Orders', group: 'gift-card-service.orders', eventTypes: ['OrderPlaced', 'OrderFailed'] },
      ],
      metricStem: 'gift_card',
      timestamp: 1_800_000_000_000,
    });
    expect(serviceOptions({ name: 'review-service' }, workloads, topics, 0).database).toBeUndefined();
  });

  it('names every problem at once: the name, unknown upstreams and callers, a taken port, a topic without an inbox', () => {
    const problems = problemsOf(() =>
      serviceOptions(
        { name: 'Review', upstreams: 'billing-service', callers: 'nobody-service', consumes: 'orders.v1,carts.v9', port: 8083 },
        workloads,
        topics,
        0,
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^name "Review": .*ending in -service/),
      expect.stringMatching(/^--upstreams: no workload "billing-service"/),
      '--callers: no workload "nobody-service"',
      expect.stringMatching(/^--consumes: no topic "carts\.v9" in @meshmart\/contracts \(there are orders\.v1, inventory\.v1\)/),
      '--consumes needs --database: a consumer keeps its inbox (exactly-once) in its database',
      '--port 8083: inventory-service listens there',
    ]);
  });

  it('refuses a workload that exists, calls itself or takes a database in use', () => {
    expect(problemsOf(() => serviceOptions({ name: 'order-service', upstreams: 'order-service', database: true }, workloads, topics, 0))).toEqual([
      'name "order-service": apps/order-service already exists',
      '--upstreams: a workload does not call itself through the mesh',
      "--database: meshmart_order is order-service's",
    ]);
  });
});
