import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBalancer } from '../balancing/load-balancer';
import { OutlierDetector } from '../balancing/outlier-detector';
import type { ServiceView } from '../discovery/registry';
import { NoHealthyUpstream } from '../errors/mesh-error';
import { createCallPipeline } from '../resilience/call-pipeline';
import { MeshMetrics } from '../telemetry/istio-metrics';
import { UpstreamClient } from './upstream-client';

/** A client of an upstream that discovery lists no instance of. */
function clientOfNobody() {
  const view: ServiceView = { service: 'inventory-service', instances: () => [], onChange: () => () => undefined, close: async () => undefined };
  const pipeline = createCallPipeline({ backoff: { initialMs: 1, maxMs: 1 } });
  const client = new UpstreamClient({
    service: 'inventory-service',
    namespace: 'meshmart',
    trustDomain: 'meshmart.local',
    source: { workload: 'cart-service', namespace: 'meshmart', app: 'cart-service', version: '0.1.0' },
    view,
    balancer: createBalancer('round_robin'),
    outliers: new OutlierDetector(),
    health: undefined,
    pipeline,
    metrics: new MeshMetrics({ processMetrics: false }),
    target: () => {
      throw new Error('no instance may be reached');
    },
    mtls: false,
  });
  return { client, pipeline };
}

describe('UpstreamClient chain', () => {
  it('is one ordered list: route, the resilience pipeline, then per try fault, balance, transport', () => {
    expect(clientOfNobody().client.chain).toEqual(['route', 'deadline', 'retry', 'circuit_breaker', 'bulkhead', 'fault', 'balance', 'transport']);
  });

  it('balances inside the retry: each try looks for an instance again', async () => {
    const { client, pipeline } = clientOfNobody();
    const retries: number[] = [];
    pipeline.onRetry(({ attempt }) => retries.push(attempt));
    await expect(client.get('/products/42')).rejects.toBeInstanceOf(NoHealthyUpstream);
    expect(retries).toEqual([2, 3]);
  });

  it('is the chain the README describes', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(`\`${clientOfNobody().client.chain.join(' → ')}\``);
  });
});
