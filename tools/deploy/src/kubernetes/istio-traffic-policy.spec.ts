import type { TrafficPolicy } from '@meshmart/mesh/tools';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { inventoryService, paymentPolicyOf, paymentService, repoPolicy } from '../traffic/repo-policies.fixture';
import { trafficManifests } from './workload-manifests';

type Spec = { spec: Record<string, unknown> };
const rendered = (policy: TrafficPolicy) => {
  const [rule, service] = trafficManifests(paymentService, policy) as [Spec, Spec];
  return { rule: rule.spec, http: service.spec['http'] as Record<string, unknown>[] };
};

describe('a traffic policy merged into the Istio DestinationRule and VirtualService', () => {
  it('pins the rendering of infra/traffic/payment-service.yaml', async () => {
    await expect(
      stringify(trafficManifests(paymentService, repoPolicy('payment-service')), { lineWidth: 0, aliasDuplicateObjects: false }),
    ).toMatchFileSnapshot('./__golden__/payment-service.istio.yaml');
  });

  it('pins the rendering of infra/traffic/inventory-service.yaml', async () => {
    await expect(
      stringify(trafficManifests(inventoryService, repoPolicy('inventory-service')), { lineWidth: 0, aliasDuplicateObjects: false }),
    ).toMatchFileSnapshot('./__golden__/inventory-service.istio.yaml');
  });

  it('defines the subsets by label and keeps outlier detection beside locality, which Istio needs to fail over', () => {
    const { rule } = rendered(paymentPolicyOf({ trafficPolicy: { locality: {} } }));
    expect(rule['subsets']).toEqual([
      { name: 'v1', labels: { version: '0.1.0' } },
      { name: 'v2', labels: { version: '0.2.0' } },
    ]);
    expect(rule['trafficPolicy']).toMatchObject({
      loadBalancer: { simple: 'LEAST_REQUEST', localityLbSetting: { enabled: true } },
      outlierDetection: { consecutive5xxErrors: 3 },
    });
  });

  it('refuses an overprovisioning factor Istio cannot set, naming the file and field', () => {
    expect(() =>
      trafficManifests(paymentService, paymentPolicyOf({ trafficPolicy: { locality: { overprovisioningFactor: 200 } } }), 'infra/traffic/payment-service.yaml'),
    ).toThrow(/^infra\/traffic\/payment-service\.yaml: spec\.trafficPolicy\.locality\.overprovisioningFactor: /);
  });

  it('weighs subsets exactly, and the catch-all route takes the place of the defaults, keeping their retry classes', () => {
    const { http } = rendered(
      paymentPolicyOf({
        http: [
          {
            route: [
              { destination: { subset: 'v1' }, weight: 75 },
              { destination: { subset: 'v2' }, weight: 25 },
            ],
            timeout: '3s',
          },
        ],
      }),
    );
    expect(http.map((route) => route['name'])).toEqual(['route-0-idempotent-method', 'route-0-idempotency-key', 'route-0-other']);
    for (const route of http) {
      expect((route['route'] as { destination: { subset: string }; weight: number }[]).map((target) => [target.destination.subset, target.weight])).toEqual([
        ['v1', 75],
        ['v2', 25],
      ]);
      expect(route['timeout']).toBe('3s');
    }
    expect(http.map((route) => (route['retries'] as { retryOn: string }).retryOn)).toEqual([
      '5xx,reset,connect-failure,refused-stream',
      '5xx,reset,connect-failure,refused-stream',
      'connect-failure,refused-stream',
    ]);
  });

  it('renders faults with their percentages and a mirror with its percentage, before the defaults', () => {
    const { http } = rendered(
      paymentPolicyOf({
        http: [
          {
            name: 'reads',
            match: [{ method: { exact: 'GET' }, uri: { prefix: '/payments' } }],
            route: [{ destination: {} }],
            retries: { attempts: 4, perTryTimeout: '250ms' },
            fault: { abort: { httpStatus: 503, percentage: { value: 20 } }, delay: { fixedDelay: '2s', percentage: { value: 10 } } },
            mirror: { subset: 'v2' },
            mirrorPercentage: { value: 5 },
          },
        ],
      }),
    );
    expect(http[0]).toMatchObject({
      name: 'reads',
      match: [{ uri: { prefix: '/payments' }, method: { exact: 'GET' } }],
      fault: { delay: { fixedDelay: '2s', percentage: { value: 10 } }, abort: { httpStatus: 503, percentage: { value: 20 } } },
      mirror: { host: 'payment-service.meshmart.svc.cluster.local', subset: 'v2', port: { number: 8080 } },
      mirrorPercentage: { value: 5 },
      retries: { attempts: 4, perTryTimeout: '0.25s', retryOn: '5xx,reset,connect-failure,refused-stream' },
    });
    expect(http.slice(1).map((route) => route['name'])).toEqual(['idempotent-method', 'idempotency-key', 'other']);
  });
});
