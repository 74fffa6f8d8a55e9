import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { MeshRequestRecord } from './istio-labels';
import { IstioRequestSeries } from './istio-request-series';

const record: MeshRequestRecord = {
  reporter: 'source',
  source: { workload: 'cart-service', namespace: 'meshmart' },
  destination: { workload: 'inventory-service', namespace: 'meshmart', service: 'inventory-service' },
  responseCode: 200,
  durationMs: 7,
  requestBytes: 0,
  responseBytes: 120,
  mtls: true,
};

async function scrape(series: IstioRequestSeries): Promise<string> {
  const registry = new Registry();
  const metric = (name: string, type: 'counter' | 'histogram') => ({ name, help: name, type });
  series.registerIn(registry, {
    requests: metric('req', 'counter'),
    duration: metric('dur', 'histogram'),
    requestBytes: metric('rqb', 'histogram'),
    responseBytes: metric('rsb', 'histogram'),
  });
  return registry.metrics();
}

describe('IstioRequestSeries', () => {
  it('keeps one series per label set and renders cumulative buckets, sum and count', async () => {
    const series = new IstioRequestSeries('c1', [1, 10, 100], [10, 1000]);
    series.record(record);
    series.record({ ...record, durationMs: 0.5 });
    series.record({ ...record, durationMs: 500 });
    series.record({ ...record, responseCode: 503 });
    const text = await scrape(series);
    expect(text.match(/^req\{/gm)).toHaveLength(2);
    expect(text).toMatch(/^req\{[^}]*response_code="200"[^}]*\} 3$/m);
    expect(text).toMatch(/^req\{[^}]*response_code="503"[^}]*\} 1$/m);
    const bucket = (le: string) => new RegExp(`^dur_bucket\\{[^}]*response_code="200"[^}]*le="${le.replace('+', '\\+')}"\\} (\\d+)$`, 'm').exec(text)?.[1];
    expect([bucket('1'), bucket('10'), bucket('100'), bucket('+Inf')]).toEqual(['1', '2', '2', '3']);
    expect(text).toMatch(/^dur_sum\{[^}]*response_code="200"[^}]*\} 507.5$/m);
    expect(text).toMatch(/^dur_count\{[^}]*response_code="200"[^}]*\} 3$/m);
    expect(text).toMatch(/^rsb_bucket\{[^}]*response_code="200"[^}]*le="1000"\} 3$/m);
  });

  it('tells apart records whose labels differ in any input', async () => {
    const series = new IstioRequestSeries('c1', [1], [1]);
    series.record(record);
    series.record({ ...record, source: { ...record.source, principal: 'spiffe://meshmart.local/ns/meshmart/sa/cart-service' } });
    series.record({ ...record, destination: { ...record.destination, version: 'v2' } });
    series.record({ ...record, reporter: 'destination' });
    expect((await scrape(series)).match(/^req\{/gm)).toHaveLength(4);
  });
});
