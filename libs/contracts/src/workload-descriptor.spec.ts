import { describe, expect, it } from 'vitest';
import { defineWorkload, InvalidWorkloadDescriptor, workloadSetProblems } from './workload-descriptor';

function refusal(spec: Parameters<typeof defineWorkload>[0]): string[] {
  try {
    defineWorkload(spec);
  } catch (error) {
    if (error instanceof InvalidWorkloadDescriptor) return [...error.problems];
    throw error;
  }
  throw new Error('the descriptor was accepted');
}

describe('defineWorkload', () => {
  it('fills the defaults: one replica, no upstreams, no topics, not the edge', () => {
    expect(defineWorkload({ name: 'review-service', port: 8095 })).toEqual({
      name: 'review-service',
      port: 8095,
      edge: false,
      upstreams: [],
      replicas: 1,
      topics: { consumes: [], produces: [] },
    });
  });

  it('names every field at fault', () => {
    expect(refusal({ name: 'Reviews', port: 80, replicas: 0 })).toEqual([
      'name: a DNS label: lower-case letters, digits and dashes, starting with a letter',
      expect.stringMatching(/^port: /),
      expect.stringMatching(/^replicas: /),
    ]);
    expect(refusal({ name: 'reviews', port: 8095, topics: { consumes: ['reviews.v1'] } })).toEqual([
      expect.stringMatching(/^topics\.consumes\.0: a topic of @meshmart\/contracts' topics \(orders\.v1, /),
    ]);
    expect(refusal({ name: 'reviews', port: 8095, database: 'reviews' })).toEqual(['database: meshmart_<name>: lower-case letters, digits and underscores']);
  });

  it('refuses a workload that calls itself, and a producer without the database its outbox needs', () => {
    expect(refusal({ name: 'reviews', port: 8095, upstreams: ['reviews'] })).toEqual(['upstreams: a workload does not call itself through the mesh']);
    expect(refusal({ name: 'reviews', port: 8095, topics: { produces: ['orders.v1'] } })).toEqual([
      'topics.produces: events leave through the outbox: a producer needs a database',
    ]);
  });
});

describe('workloadSetProblems', () => {
  const cart = defineWorkload({ name: 'cart-service', port: 8081, upstreams: ['inventory-service'], database: 'meshmart_cart' });
  const inventory = defineWorkload({ name: 'inventory-service', port: 8083, database: 'meshmart_inventory' });

  it('accepts a set whose upstreams all exist', () => {
    expect(workloadSetProblems([cart, inventory])).toEqual([]);
  });

  it('names shared ports and databases, unknown upstreams and a second edge', () => {
    const clash = defineWorkload({ name: 'reviews', port: 8081, database: 'meshmart_cart', upstreams: ['ratings'], edge: true });
    const gateway = defineWorkload({ name: 'gateway', port: 8080, edge: true });
    expect(workloadSetProblems([cart, inventory, clash, gateway])).toEqual([
      "reviews: port 8081 is cart-service's too",
      "reviews: database meshmart_cart is cart-service's too",
      'reviews: calls "ratings", which no apps/*/src/workload.ts describes',
      'reviews, gateway: only one workload is the public edge',
    ]);
  });
});
