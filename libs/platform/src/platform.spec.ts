import { workloadDescriptors } from '@meshmart/contracts';
import { describe, expect, it } from 'vitest';
import { databaseOf, defaultReplicas } from './platform';

describe('the test platform, from the workload descriptors', () => {
  it("starts each workload's replicas", () => {
    expect(defaultReplicas).toEqual(Object.fromEntries(workloadDescriptors.map((workload) => [workload.name, workload.replicas])));
    expect(defaultReplicas['inventory-service']).toBe(2);
  });

  it("gives a workload that keeps state its descriptor's database, suffixed to keep a run apart, and the edge none", () => {
    expect(databaseOf('order-service', undefined)).toBe('meshmart_order');
    expect(databaseOf('order-service', 'bench_1a')).toBe('meshmart_order_bench_1a');
    const edge = workloadDescriptors.find((workload) => workload.edge);
    expect(edge && databaseOf(edge.name, 'x')).toBeUndefined();
  });
});
