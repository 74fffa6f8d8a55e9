import { register } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { MeshMetrics } from './istio-metrics';
import { serviceCounter, serviceGauge, serviceHistogram } from './service-metrics';
import { parsePrometheusText } from './testing/prometheus-text';

describe('service metrics', () => {
  afterEach(() => register.clear());

  it('makes each metric once per process and hands the same one to a second caller', () => {
    const first = serviceCounter({ name: 'meshmart_test_things_total', help: 'Things.', labelNames: ['kind'] });
    const second = serviceCounter({ name: 'meshmart_test_things_total', help: 'Things.', labelNames: ['kind'] });
    first.inc({ kind: 'a' });
    second.inc({ kind: 'a' });

    expect(second).toBe(first);
    expect(serviceGauge({ name: 'meshmart_test_level', help: 'Level.' })).toBe(serviceGauge({ name: 'meshmart_test_level', help: 'Level.' }));
  });

  it('refuses a name already taken by another kind of metric', () => {
    serviceGauge({ name: 'meshmart_test_mixed', help: 'Mixed.' });
    expect(() => serviceCounter({ name: 'meshmart_test_mixed', help: 'Mixed.' })).toThrow(/already registered as another kind/);
  });

  it('appears in the mesh scrape after the mesh series, each family once', async () => {
    const metrics = new MeshMetrics({ processMetrics: false });
    metrics.internal.setRegistryInstances('inventory-service', 2);
    serviceCounter({ name: 'meshmart_test_orders_total', help: 'Orders.', labelNames: ['status'] }).inc({ status: 'CONFIRMED' }, 3);
    serviceHistogram({ name: 'meshmart_test_duration_seconds', help: 'Duration.', buckets: [1, 10] }).observe(2);

    const text = await metrics.metricsText();
    const samples = parsePrometheusText(text);

    expect(samples).toContainEqual({ name: 'meshmart_registry_instances', labels: { service: 'inventory-service' }, value: 2 });
    expect(samples).toContainEqual({ name: 'meshmart_test_orders_total', labels: { status: 'CONFIRMED' }, value: 3 });
    expect(samples).toContainEqual({ name: 'meshmart_test_duration_seconds_bucket', labels: { le: '10' }, value: 1 });
    expect(text.match(/^# TYPE meshmart_test_orders_total /gm)).toHaveLength(1);
    expect(text.indexOf('meshmart_registry_instances')).toBeLessThan(text.indexOf('meshmart_test_orders_total'));
  });
});
